"""One rendering of user text: progress updates and commitment descriptions are the
project's sanitized Markdown on every surface (page, feed, portal, admin preview)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from commitments.models import Commitment, ProgressUpdate
from tests import builders

TEXT = "We housed **1,200** people.<script>alert(1)</script>"
DESCRIPTION = "Open *three* centres.\n\n<script>alert(2)</script>"
BOLD = "<strong>1,200</strong>"


@pytest.fixture
def commitment(barcelona):
    commitment = builders.commitment(barcelona, title="Housing", description=DESCRIPTION)
    baker.make(
        ProgressUpdate, commitment=commitment, date=timezone.localdate(), text=TEXT, percent=40
    )
    return commitment


def _clean(html):
    assert "<script>" not in html and "alert(" not in html
    assert "**1,200**" not in html
    return html


def test_the_public_page_renders_markdown_and_strips_scripts(client, commitment):
    html = _clean(client.get(commitment.get_absolute_url()).content.decode())
    assert BOLD in html
    assert "<em>three</em>" in html


def test_the_home_page_renders_the_update_excerpt(client, commitment):
    html = _clean(client.get("/").content.decode())
    assert BOLD in html


def test_the_feeds_render_markdown(client, commitment):
    for url in ("/feeds/updates/", "/cities/barcelona/feed/"):
        # The feed's HTML summary is escaped once more for the XML.
        xml = client.get(url).content.decode()
        assert "&lt;strong&gt;1,200&lt;/strong&gt;" in xml, url
        assert "**1,200**" not in xml and "alert(" not in xml, url


def test_the_portal_renders_markdown(client, barcelona_staff, curator, commitment):
    client.force_login(curator)  # the curator's queue of updates to verify
    dashboard = _clean(client.get(reverse("portal:dashboard")).content.decode())
    assert BOLD in dashboard
    client.force_login(barcelona_staff)
    commitment.publication_state = Commitment.PublicationState.DRAFT
    commitment.save()
    edit = client.get(reverse("portal:commitment-edit", args=[commitment.pk])).content.decode()
    assert BOLD in edit and "alert(1)" not in edit


def test_the_review_page_shows_the_text_as_the_public_will_see_it(client, curator, commitment):
    # The help texts promise Markdown: the curator reviews it rendered, not as typed.
    commitment.publication_state = Commitment.PublicationState.SUBMITTED
    commitment.save()
    client.force_login(curator)
    url = reverse("portal:commitment-review", args=[commitment.pk])
    html = _clean(client.get(url).content.decode())
    assert BOLD in html
    assert "<em>three</em>" in html


def test_the_admin_previews_the_text_as_shown(admin_client, commitment):
    update = commitment.updates.get()
    html = admin_client.get(
        reverse("admin:commitments_progressupdate_change", args=[update.pk])
    ).content.decode()
    assert BOLD in html and "<script>alert(1)</script>" not in html
    html = admin_client.get(
        reverse("admin:commitments_commitment_change", args=[commitment.pk])
    ).content.decode()
    assert "<em>three</em>" in html


def test_help_texts_say_markdown_where_markdown_is_rendered():
    assert "Markdown" in str(Commitment._meta.get_field("description").help_text)
    assert "Markdown" in str(ProgressUpdate._meta.get_field("text").help_text)
    assert "Markdown" not in str(Commitment._meta.get_field("resources_note").help_text)
