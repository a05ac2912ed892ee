"""The curator's review page: the whole commitment, the proposed changes against the
approved version, and the decisions taken there on the version the page showed."""

import datetime
import decimal

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from model_bakery import baker

from commitments import services
from commitments.models import Commitment
from forums.models import Clause
from tests import builders

SUBMITTED = Commitment.PublicationState.SUBMITTED
PUBLISHED = Commitment.PublicationState.PUBLISHED


@pytest.fixture
def full_submission(barcelona):
    document = builders.outcome("call-of-barcelona", title="Call of Barcelona")
    clause = baker.make(Clause, document=document, number="4", text="Cities welcome refugees.")
    commitment = builders.commitment(
        barcelona,
        state=SUBMITTED,
        title="Open two reception centres",
        description="Two centres in Nou Barris.\n\nWith 120 places.",
        status=Commitment.Status.IN_PROGRESS,
        progress=40,
        outcome_document=document,
        start_date=datetime.date(2025, 2, 1),
        target_date=datetime.date(2026, 6, 30),
        resources_needed=decimal.Decimal("250000.00"),
        currency="EUR",
        resources_note="Regional funds requested.",
        source_url="https://example.org/pleno-2025",
        source_citation="City council, plenary minutes, 2025",
        submitted_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        published_at=None,
    )
    commitment.themes.add(builders.theme("housing"))
    commitment.framework_items.add(builders.framework_item("SDG-10.7"))
    commitment.clauses.add(clause)
    return commitment


def _review(client, commitment):
    return client.get(reverse("portal:commitment-review", args=[commitment.pk]))


def _version(page):
    return page.context["decision_form"]["version"].value()


def test_the_review_page_shows_the_whole_submission(client, curator, full_submission):
    client.force_login(curator)
    page = _review(client, full_submission)
    assert page.status_code == 200
    body = page.content.decode()
    for shown in [
        "Open two reception centres",
        "Two centres in Nou Barris.",
        "With 120 places.",
        "in progress",  # the label, not the code
        "Call of Barcelona",
        "Call of Barcelona § 4",
        "Housing",
        "SDG-10.7",
        "Feb. 1, 2025",
        "June 30, 2026",
        "250,000.00",
        "EUR",
        "Regional funds requested.",
        "https://example.org/pleno-2025",
        "City council, plenary minutes, 2025",
        "submitted for review",
    ]:
        assert shown in body, shown
    assert "in_progress" not in body
    # The message meant for the city's staff is not what the curator reads.
    assert "You can change it again if the secretariat returns it" not in body
    assert reverse("portal:commitment-publish", args=[full_submission.pk]) in body
    assert reverse("portal:commitment-return", args=[full_submission.pk]) in body


def test_a_curator_opening_a_submission_in_the_portal_lands_on_its_review_page(
    client, curator, full_submission
):
    client.force_login(curator)
    response = client.get(reverse("portal:commitment-edit", args=[full_submission.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:commitment-review", args=[full_submission.pk])


def test_staff_have_no_review_page(client, barcelona_staff, full_submission):
    client.force_login(barcelona_staff)
    assert _review(client, full_submission).status_code == 403


def test_proposed_changes_are_shown_field_by_field_against_the_approved_version(
    client, curator, barcelona
):
    commitment = builders.commitment(
        barcelona,
        title="Housing plan",
        target_date=datetime.date(2026, 6, 30),
        pending_changes={
            "title": "Housing plan, phase two",
            "target_date": "2030-12-31",
            "resources_needed": "1500000.00",
        },
    )
    client.force_login(curator)
    page = _review(client, commitment)
    rows = {
        row["label"]: (row["approved"], row["proposed"]) for row in page.context["pending_diff"]
    }
    assert rows == {
        "title": ("Housing plan", "Housing plan, phase two"),
        "target date": ("June 30, 2026", "Dec. 31, 2030"),
        "resources needed": ("–", "1,500,000.00"),
    }
    body = page.content.decode()
    assert "Target date" in body and "Dec. 31, 2030" in body
    assert reverse("portal:changes-accept", args=[commitment.pk]) in body
    assert reverse("portal:changes-reject", args=[commitment.pk]) in body


def test_publishing_from_the_review_page(client, curator, full_submission):
    client.force_login(curator)
    page = _review(client, full_submission)
    response = client.post(
        reverse("portal:commitment-publish", args=[full_submission.pk]),
        {"version": _version(page)},
    )
    assert response.status_code == 302
    full_submission.refresh_from_db()
    assert full_submission.publication_state == PUBLISHED


def test_publishing_a_version_the_curator_did_not_see_is_refused_and_changes_nothing(
    client, curator, full_submission, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    page = _review(client, full_submission)
    # Someone edits it (in the admin, say) after the curator loaded the page.
    full_submission.title = "Open five reception centres"
    full_submission.save()
    before = full_submission.history.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:commitment-publish", args=[full_submission.pk]),
            {"version": _version(page)},
        )
    # Refused, and told apart from success: 409, the page again with the reason and
    # the commitment as it is now, ready to be decided on.
    assert response.status_code == 409
    assert "changed since you loaded it" in response.content.decode()
    assert "Open five reception centres" in response.content.decode()
    assert _version(response) == full_submission.version
    full_submission.refresh_from_db()
    assert full_submission.publication_state == SUBMITTED
    assert full_submission.published_at is None
    assert full_submission.history.count() == before
    assert mail.outbox == []
    assert client.get(full_submission.get_absolute_url()).status_code == 404


def test_accepting_a_proposal_replaced_since_the_page_was_loaded_is_refused(
    client, curator, barcelona_staff, barcelona
):
    commitment = builders.commitment(
        barcelona, title="Housing plan", pending_changes={"title": "Housing plan, phase two"}
    )
    client.force_login(curator)
    page = _review(client, commitment)
    services.propose_changes(
        commitment=commitment,
        user=barcelona_staff,
        changes={"title": "Something the curator never saw"},
        replace=True,
    )
    client.post(
        reverse("portal:changes-accept", args=[commitment.pk]), {"version": _version(page)}
    )
    commitment.refresh_from_db()
    assert commitment.title == "Housing plan"
    assert commitment.pending_changes == {"title": "Something the curator never saw"}


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_a_decision_without_the_reviewed_version_is_refused(
    client, curator, full_submission, version
):
    client.force_login(curator)
    data = {} if version is None else {"version": version}
    response = client.post(reverse("portal:commitment-publish", args=[full_submission.pk]), data)
    # Refused as a bad request (no redirect, as a success would get), with the reason.
    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    full_submission.refresh_from_db()
    assert full_submission.publication_state == SUBMITTED


def test_returning_from_the_review_page_needs_a_comment(client, curator, full_submission):
    client.force_login(curator)
    page = _review(client, full_submission)
    url = reverse("portal:commitment-return", args=[full_submission.pk])
    refused = client.post(url, {"version": _version(page), "comment": " "})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    full_submission.refresh_from_db()
    assert full_submission.publication_state == SUBMITTED

    client.post(url, {"version": _version(page), "comment": "Say how many places."})
    full_submission.refresh_from_db()
    assert full_submission.publication_state == Commitment.PublicationState.RETURNED
    assert full_submission.review_comment == "Say how many places."


def test_the_publish_service_refuses_a_stale_version(curator, full_submission):
    seen = full_submission.version
    Commitment.objects.filter(pk=full_submission.pk).update(version=seen + 1)
    with pytest.raises(services.StaleReview):
        services.publish(commitment=full_submission, user=curator, expected_version=seen)
    full_submission.refresh_from_db()
    assert full_submission.publication_state == SUBMITTED


# Emails link to the page they are about ------------------------------------------------


@override_settings(SITE_URL="https://mayoralforum.example.org")
def test_every_review_email_links_to_its_page(
    client, curator, barcelona_staff, barcelona_draft, django_capture_on_commit_callbacks
):
    site = "https://mayoralforum.example.org"
    review_link = site + reverse("portal:commitment-review", args=[barcelona_draft.pk])
    portal_link = site + reverse("portal:commitment-edit", args=[barcelona_draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(commitment=barcelona_draft, user=barcelona_staff)
    assert mail.outbox[-1].to == ["curator@example.org"]
    assert review_link in mail.outbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        services.return_to_city(commitment=barcelona_draft, user=curator, comment="Add a date.")
    assert mail.outbox[-1].to == ["barcelona-staff@example.org"]
    assert portal_link in mail.outbox[-1].body

    barcelona_draft.publication_state = SUBMITTED
    barcelona_draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(commitment=barcelona_draft, user=curator)
    assert site + barcelona_draft.get_absolute_url() in mail.outbox[-1].body
    assert portal_link in mail.outbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        services.propose_changes(
            commitment=barcelona_draft, user=barcelona_staff, changes={"title": "New title"}
        )
    assert mail.outbox[-1].to == ["curator@example.org"]
    assert "Changes to review" in mail.outbox[-1].subject
    assert review_link in mail.outbox[-1].body


def test_a_proposal_notifies_the_curators_once_not_on_every_save(
    barcelona_staff, curator, barcelona_published, django_capture_on_commit_callbacks
):
    def propose(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            services.propose_changes(
                commitment=barcelona_published, user=barcelona_staff, changes=changes, replace=True
            )

    propose(title="Housing plan, phase two")
    assert len(mail.outbox) == 1
    propose(title="Housing plan, phase two", status="in_progress")  # same proposal
    assert len(mail.outbox) == 1
    propose(title="Housing plan, phase three")
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("size", [1, 12])
def test_the_review_page_queries_do_not_grow_with_the_content(
    client, curator, barcelona, django_assert_max_num_queries, size
):
    document = builders.outcome("call-of-barcelona")
    commitment = builders.commitment(
        barcelona, outcome_document=document, pending_changes={"title": "Proposed"}
    )
    commitment.themes.set([builders.theme(f"theme-{n}") for n in range(size)])
    commitment.framework_items.set([builders.framework_item(f"SDG-{n}.7") for n in range(size)])
    commitment.clauses.set(
        [baker.make(Clause, document=document, number=str(n)) for n in range(size)]
    )
    for n in range(size):
        baker.make("commitments.ProgressUpdate", commitment=commitment, percent=n, text="Done")
    client.force_login(curator)
    # Session, user, curator group; the commitment with its city, outcome document and
    # author; themes; framework items; clauses; their documents; updates.
    # (one more since the partner cities: a many-to-many of the content)
    with django_assert_max_num_queries(10):
        assert _review(client, commitment).status_code == 200


def test_a_decision_on_a_commitment_no_longer_waiting_answers_409(
    client, curator, full_submission
):
    client.force_login(curator)
    page = _review(client, full_submission)
    url = reverse("portal:commitment-publish", args=[full_submission.pk])
    assert client.post(url, {"version": _version(page)}).status_code == 302
    again = client.post(url, {"version": _version(page)})
    assert again.status_code == 409
    full_submission.refresh_from_db()
    assert full_submission.publication_state == PUBLISHED
