"""An update's evidence PDF reaches only those who may see the update: the public once
its commitment is published, the city's staff and the curators before; a guessed name
of another city's draft, or of a replaced file, gets nothing."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from commitments.models import Commitment, ProgressUpdate
from tests import builders

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DRAFT = Commitment.PublicationState.DRAFT


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _update_with_pdf(commitment, name="report.pdf"):
    update = ProgressUpdate(commitment=commitment, date="2025-01-10", text="Opened")
    update.evidence_file.save(name, ContentFile(PDF), save=False)
    update.save()
    return update


def _fetch(client, update):
    response = client.get(update.evidence_file.url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def test_the_pdf_of_a_published_commitments_update_is_a_public_download(client, barcelona):
    update = _update_with_pdf(builders.commitment(barcelona))
    assert update.evidence_file.url.startswith("/media/evidence/")
    response, body = _fetch(client, update)
    assert response.status_code == 200 and body == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("state", [DRAFT, Commitment.PublicationState.SUBMITTED])
def test_before_publication_only_the_citys_staff_and_curators_get_the_pdf(
    client, barcelona, barcelona_staff, quito_staff, curator, state
):
    update = _update_with_pdf(builders.commitment(barcelona, state=state))
    # Anyone guessing the name, and another city's staff, get the same answer as for a
    # name that does not exist.
    for user in (None, quito_staff):
        client.logout()
        if user:
            client.force_login(user)
        response, _ = _fetch(client, update)
        assert response.status_code == 404, user
    for user in (barcelona_staff, curator):
        client.force_login(user)
        response, body = _fetch(client, update)
        assert response.status_code == 200 and body == PDF, user
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_replaced_or_orphaned_file_is_served_to_nobody(client, barcelona, curator, settings):
    update = _update_with_pdf(builders.commitment(barcelona), name="first.pdf")
    old_url = update.evidence_file.url
    update.evidence_file.save("second.pdf", ContentFile(PDF))
    assert (settings.MEDIA_ROOT / "evidence" / "first.pdf").exists()
    client.force_login(curator)
    assert client.get(old_url).status_code == 404
    assert client.get(update.evidence_file.url).status_code == 200
    assert client.get("/media/evidence/../outcomes/x.pdf").status_code == 404
    assert client.get("/media/evidence/missing.pdf").status_code == 404


def test_unpublishing_takes_the_file_down_and_posts_are_refused(client, barcelona):
    commitment = builders.commitment(barcelona)
    update = _update_with_pdf(commitment)
    assert _fetch(client, update)[0].status_code == 200
    assert client.post(update.evidence_file.url).status_code == 405
    Commitment.objects.filter(pk=commitment.pk).update(publication_state=DRAFT)
    assert _fetch(client, update)[0].status_code == 404


def test_the_route_is_the_one_the_file_field_links_to(barcelona):
    update = _update_with_pdf(builders.commitment(barcelona))
    name = update.evidence_file.name.removeprefix("evidence/")
    assert reverse("evidence-file", args=[name]) == update.evidence_file.url
