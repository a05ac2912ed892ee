"""Curators review what staff submit: publish, return with a comment, accept or reject
proposed changes, verify progress updates; the people concerned hear by email."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from commitments.models import Commitment

SUBMITTED = Commitment.PublicationState.SUBMITTED
PUBLISHED = Commitment.PublicationState.PUBLISHED


@pytest.fixture
def submitted(make_commitment, barcelona, barcelona_staff):
    return make_commitment(
        barcelona,
        "Barcelona shelters",
        SUBMITTED,
        submitted_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )


def test_submitting_emails_the_curators(
    client, barcelona_staff, curator, barcelona_draft, django_capture_on_commit_callbacks
):
    client.force_login(barcelona_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:commitment-submit", args=[barcelona_draft.pk]))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["curator@example.org"]
    assert "Barcelona submitted" in mail.outbox[0].body


def test_the_review_queue_lists_submissions_and_proposed_changes(
    client, curator, submitted, barcelona_published, barcelona_draft
):
    barcelona_published.pending_changes = {"title": "Housing plan, phase two"}
    barcelona_published.save()
    client.force_login(curator)
    response = client.get(reverse("portal:dashboard"))
    assert [c.title for c in response.context["review_queue"]] == [
        "Barcelona shelters",
        "Barcelona published housing plan",
    ]
    body = response.content.decode()
    assert "Housing plan, phase two" in body
    assert reverse("portal:commitment-review", args=[barcelona_published.pk]) in body
    assert reverse("portal:commitment-review", args=[submitted.pk]) in body
    assert "Barcelona secret draft on reception" not in body  # drafts are the city's own


def test_staff_see_no_review_queue(client, barcelona_staff, submitted):
    client.force_login(barcelona_staff)
    response = client.get(reverse("portal:dashboard"))
    assert "review_queue" not in response.context
    assert "Review queue" not in response.content.decode()


def test_publishing_makes_it_public_and_emails_the_citys_staff(
    client, curator, submitted, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:commitment-publish", args=[submitted.pk]),
            {"version": submitted.version},
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.publication_state == PUBLISHED
    assert submitted.published_at is not None
    assert [m.to for m in mail.outbox] == [["barcelona-staff@example.org"]]
    assert client.get(submitted.get_absolute_url()).status_code == 200


def test_only_a_submitted_commitment_is_published_from_the_portal(
    client, curator, barcelona_draft
):
    client.force_login(curator)
    response = client.post(
        reverse("portal:commitment-publish", args=[barcelona_draft.pk]),
        {"version": barcelona_draft.version},
        follow=True,
    )
    assert "Only a submitted commitment can be published" in response.content.decode()
    barcelona_draft.refresh_from_db()
    assert barcelona_draft.publication_state == "draft"


def test_returning_needs_a_comment(client, curator, submitted):
    client.force_login(curator)
    response = client.post(
        reverse("portal:commitment-return", args=[submitted.pk]),
        {"comment": "  ", "version": submitted.version},
    )
    assert response.status_code == 400
    assert response.context["return_form"].errors["comment"] == ["This field is required."]
    submitted.refresh_from_db()
    assert submitted.publication_state == SUBMITTED


def test_returning_sends_the_comment_to_the_citys_staff(
    client, curator, barcelona_staff, submitted, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:commitment-return", args=[submitted.pk]),
            {"comment": "Say how many places.", "version": submitted.version},
        )
    submitted.refresh_from_db()
    assert submitted.publication_state == "returned"
    assert submitted.review_comment == "Say how many places."
    assert mail.outbox[0].to == ["barcelona-staff@example.org"]
    assert "Say how many places." in mail.outbox[0].body

    client.force_login(barcelona_staff)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Say how many places." in page


def test_accepting_changes_shows_them_to_the_public(client, curator, barcelona_published):
    barcelona_published.pending_changes = {
        "title": "Housing plan, phase two",
        "target_date": "2030-06-30",
        "resources_needed": "250000.00",
    }
    barcelona_published.save()
    client.force_login(curator)
    client.post(
        reverse("portal:changes-accept", args=[barcelona_published.pk]),
        {"version": barcelona_published.version},
    )
    barcelona_published.refresh_from_db()
    assert barcelona_published.title == "Housing plan, phase two"
    assert barcelona_published.target_date == datetime.date(2030, 6, 30)
    assert str(barcelona_published.resources_needed) == "250000.00"
    assert barcelona_published.pending_changes == {}
    assert "Housing plan, phase two" in client.get("/commitments/").content.decode()


def test_changes_that_no_longer_hold_together_are_refused_with_a_message(
    client, curator, barcelona_published
):
    # Proposed when there was no start date; a start date set since makes it invalid.
    barcelona_published.start_date = datetime.date(2030, 1, 1)
    barcelona_published.pending_changes = {"target_date": "2029-01-01"}
    barcelona_published.save()
    client.force_login(curator)
    response = client.post(
        reverse("portal:changes-accept", args=[barcelona_published.pk]),
        {"version": barcelona_published.version},
    )
    # Refused in conflict with the record as it stands now: the page again, with why.
    assert response.status_code == 409
    assert "These changes cannot be accepted" in response.content.decode()
    barcelona_published.refresh_from_db()
    assert barcelona_published.target_date is None
    assert barcelona_published.pending_changes == {"target_date": "2029-01-01"}


def test_rejecting_changes_keeps_the_approved_version_and_the_reason(
    client, curator, barcelona_staff, barcelona_published
):
    barcelona_published.pending_changes = {"title": "Something else"}
    barcelona_published.save()
    client.force_login(curator)
    client.post(
        reverse("portal:changes-reject", args=[barcelona_published.pk]),
        {"comment": "The plan has not changed.", "version": barcelona_published.version},
    )
    barcelona_published.refresh_from_db()
    assert barcelona_published.title == "Barcelona published housing plan"
    assert barcelona_published.pending_changes == {}
    client.force_login(barcelona_staff)
    page = client.get(reverse("portal:commitment-edit", args=[barcelona_published.pk]))
    assert "The plan has not changed." in page.content.decode()


def test_verifying_an_update_marks_it_verified_on_the_public_page(
    client, curator, barcelona_update
):
    client.force_login(curator)
    dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.context["unverified_updates"] == [barcelona_update]
    client.post(reverse("portal:update-verify", args=[barcelona_update.pk]))
    barcelona_update.refresh_from_db()
    assert barcelona_update.verified
    assert barcelona_update.verified_by == curator
    assert client.get(reverse("portal:dashboard")).context["unverified_updates"] == []
    public = client.get(barcelona_update.commitment.get_absolute_url()).content.decode()
    assert "verified by the secretariat" in public


# Progress updates ----------------------------------------------------------------------


def test_staff_report_progress_on_a_published_commitment(
    client, barcelona_staff, barcelona_published
):
    client.force_login(barcelona_staff)
    url = reverse("portal:update-create", args=[barcelona_published.pk])
    assert client.get(url).context["form"]["date"].value() == datetime.date.today()
    response = client.post(
        url, {"date": "2025-02-01", "text": "Forty flats handed over.", "percent": 35}
    )
    assert response["Location"] == reverse("portal:commitment-edit", args=[barcelona_published.pk])
    update = barcelona_published.updates.get()
    assert update.reported_by_city
    assert update.reported_by == barcelona_staff
    assert not update.verified
    barcelona_published.refresh_from_db()
    assert barcelona_published.progress == 35
    public = client.get(barcelona_published.get_absolute_url()).content.decode()
    assert "Forty flats handed over." in public
    assert "self-reported by the city" in public


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"percent": 120}, "percent", "less than or equal to 100"),
        ({"date": "2999-01-01"}, "date", "cannot be dated in the future"),
        ({"date": "yesterday"}, "date", "Enter a valid date."),
        ({"text": ""}, "text", "This field is required."),
        ({"evidence_url": "not a link"}, "evidence_url", "Enter a valid URL."),
    ],
)
def test_a_bad_progress_update_is_refused_by_the_field(
    client, barcelona_staff, barcelona_published, data, field, message
):
    client.force_login(barcelona_staff)
    payload = {"date": "2025-02-01", "text": "Report", "percent": 35, **data}
    response = client.post(reverse("portal:update-create", args=[barcelona_published.pk]), payload)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not barcelona_published.updates.exists()


def test_no_progress_update_on_an_unpublished_commitment(client, barcelona_staff, barcelona_draft):
    client.force_login(barcelona_staff)
    url = reverse("portal:update-create", args=[barcelona_draft.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"date": "2025-02-01", "text": "x", "percent": 5}).status_code == 404
    assert not barcelona_draft.updates.exists()
