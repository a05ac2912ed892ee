"""The review workflow and transfers: each step is one kept change, told by email."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, RelocationAgreement

TODAY = timezone.localdate()
State = Commitment.PublicationState


@pytest.fixture
def draft(barcelona, barcelona_staff):
    return Commitment.objects.create(
        city=barcelona, title="Open a centre", created_by=barcelona_staff
    )


def test_submit_publish_cycle_keeps_each_step_in_history_and_tells_people(
    draft, barcelona_staff, curator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(commitment=draft, user=barcelona_staff)
    assert draft.publication_state == State.SUBMITTED and draft.submitted_at
    assert curator.email in mail.outbox[-1].to

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(commitment=draft, user=curator)
    draft.refresh_from_db()
    assert draft.publication_state == State.PUBLISHED and draft.published_at
    assert barcelona_staff.email in mail.outbox[-1].to
    reasons = list(draft.history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == ["published", "submitted for review"]
    assert draft.history.latest().history_user == curator
    assert Commitment.objects.published().get() == draft


def test_returning_needs_a_comment_and_the_city_can_resubmit(draft, barcelona_staff, curator):
    services.submit_for_review(commitment=draft, user=barcelona_staff)
    with pytest.raises(ValidationError):
        services.return_to_city(commitment=draft, user=curator, comment="  ")
    services.return_to_city(commitment=draft, user=curator, comment="Add a target date")
    draft.refresh_from_db()
    assert (draft.publication_state, draft.review_comment) == (State.RETURNED, "Add a target date")
    assert not Commitment.objects.published().exists()
    services.submit_for_review(commitment=draft, user=barcelona_staff)
    assert draft.publication_state == State.SUBMITTED


def test_only_a_draft_or_returned_commitment_is_submitted(draft, barcelona_staff, curator):
    services.publish(commitment=draft, user=curator)
    with pytest.raises(ValidationError):
        services.submit_for_review(commitment=draft, user=barcelona_staff)


def test_proposed_changes_wait_for_a_curator(draft, barcelona_staff, curator):
    services.publish(commitment=draft, user=curator)
    services.propose_changes(
        commitment=draft, user=barcelona_staff, changes={"title": "Open two centres"}
    )
    draft.refresh_from_db()
    assert draft.title == "Open a centre"  # the public keeps the approved version
    assert draft.pending_changes == {"title": "Open two centres"}
    services.accept_pending_changes(commitment=draft, user=curator)
    draft.refresh_from_db()
    assert (draft.title, draft.pending_changes) == ("Open two centres", {})


def test_rejected_changes_are_dropped_with_a_comment(draft, barcelona_staff, curator):
    services.publish(commitment=draft, user=curator)
    services.propose_changes(
        commitment=draft, user=barcelona_staff, changes={"title": "Something else"}
    )
    services.reject_pending_changes(
        commitment=draft, user=curator, comment="Keep the original scope"
    )
    draft.refresh_from_db()
    assert (draft.title, draft.pending_changes) == ("Open a centre", {})
    assert draft.review_comment == "Keep the original scope"


def test_a_progress_update_moves_the_commitment_and_a_curator_verifies_it(
    draft, barcelona_staff, curator
):
    update = services.add_progress_update(
        commitment=draft, user=barcelona_staff, date=TODAY, text="Premises found", percent=30
    )
    draft.refresh_from_db()
    assert draft.progress == 30
    assert update.reported_by == barcelona_staff and update.reported_by_city
    services.verify_update(update=update, user=curator)
    update.refresh_from_db()
    assert update.verified and update.verified_by == curator and update.verified_at


def test_a_progress_update_over_100_is_refused(draft, barcelona_staff):
    with pytest.raises(ValidationError):
        services.add_progress_update(
            commitment=draft, user=barcelona_staff, date=TODAY, text="x", percent=120
        )
    assert not draft.updates.exists()


@pytest.fixture
def agreement(athens, barcelona):
    return RelocationAgreement.objects.create(
        origin=athens,
        destination=barcelona,
        people_pledged=100,
        signed_on=datetime.date(2016, 9, 1),
    )


def test_transfers_count_towards_the_pledge(agreement, athens):
    services.record_transfer(
        agreement=agreement, user=None, date=TODAY, people=60, reported_by_city=athens
    )
    services.record_transfer(
        agreement=agreement, user=None, date=TODAY, people=40, reported_by_city=athens
    )
    totals = RelocationAgreement.objects.with_totals().get()
    # Not yet confirmed, so not relocated; the pledge still counts them all.
    assert (totals.relocated, totals.awaiting, totals.remaining) == (0, 100, 0)
    with pytest.raises(ValidationError):
        services.record_transfer(agreement=agreement, user=None, date=TODAY, people=1)


def test_the_other_city_confirms_a_transfer(agreement, athens, barcelona, quito, curator):
    transfer = services.record_transfer(
        agreement=agreement, user=None, date=TODAY, people=10, reported_by_city=athens
    )
    with pytest.raises(ValidationError):
        services.confirm_transfer(transfer=transfer, user=curator, city=athens)
    with pytest.raises(PermissionDenied):
        services.confirm_transfer(transfer=transfer, user=curator, city=quito)
    services.confirm_transfer(transfer=transfer, user=curator, city=barcelona)
    transfer.refresh_from_db()
    assert transfer.confirmed_at and transfer.confirmed_by == curator


def test_a_proposed_change_moves_neither_updated_at_nor_the_home_pages_order(
    client, barcelona, barcelona_staff, curator
):
    from tests import builders

    long_ago = timezone.now() - datetime.timedelta(days=30)
    older = builders.commitment(barcelona, title="Older plan")
    builders.commitment(barcelona, title="Newer plan")
    Commitment.objects.filter(pk=older.pk).update(updated_at=long_ago)
    older.refresh_from_db()

    def recently_updated():
        return [c.title for c in client.get("/").context["recent_commitments"]]

    assert recently_updated() == ["Newer plan", "Older plan"]
    services.propose_changes(
        commitment=older,
        user=barcelona_staff,
        changes={"title": "Proposed title", "status": older.status},
    )
    older.refresh_from_db()
    assert older.pending_changes == {"title": "Proposed title"}
    assert older.updated_at == long_ago
    assert recently_updated() == ["Newer plan", "Older plan"]

    # A field that applies at once is a public change: the time moves.
    services.propose_changes(
        commitment=older, user=barcelona_staff, changes={"status": Commitment.Status.IN_PROGRESS}
    )
    older.refresh_from_db()
    assert older.updated_at > long_ago
    Commitment.objects.filter(pk=older.pk).update(updated_at=long_ago)
    older.refresh_from_db()
    # Accepted, the approved version is the new one: first on the home page.
    services.accept_pending_changes(commitment=older, user=curator)
    assert recently_updated() == ["Proposed title", "Newer plan"]


# One classification, and writes that never put an older copy back ----------------------


def test_the_portal_form_edits_exactly_the_fields_the_workflow_classifies():
    from portal.forms import COMMITMENT_FIELDS

    groups = [services.REVIEWED_FIELDS, services.IMMEDIATE_FIELDS, services.RELATIONS]
    assert sorted(COMMITMENT_FIELDS) == sorted(name for group in groups for name in group)
    assert len(set(services.CONTENT_FIELDS)) == len(services.CONTENT_FIELDS)


def test_a_proposal_cannot_set_a_workflow_field(draft, barcelona_staff, curator):
    services.publish(commitment=draft, user=curator)
    with pytest.raises(ValueError, match="publication_state"):
        services.propose_changes(
            commitment=draft,
            user=barcelona_staff,
            changes={"title": "Quietly", "publication_state": State.DRAFT},
        )
    draft.refresh_from_db()
    assert (draft.publication_state, draft.pending_changes) == (State.PUBLISHED, {})


def test_a_progress_report_never_writes_an_older_copy_of_the_commitment_back(
    draft, barcelona_staff
):
    older = Commitment.objects.get(pk=draft.pk)
    meanwhile = Commitment.objects.get(pk=draft.pk)
    meanwhile.title = "Edited meanwhile"
    meanwhile.save()
    services.add_progress_update(
        commitment=older, user=barcelona_staff, date=TODAY, text="Premises found", percent=40
    )
    draft.refresh_from_db()
    assert (draft.title, draft.progress) == ("Edited meanwhile", 40)


def test_verifying_an_update_marks_what_it_says_now(draft, barcelona_staff, curator):
    update = services.add_progress_update(
        commitment=draft, user=barcelona_staff, date=TODAY, text="First words", percent=30
    )
    older = type(update).objects.get(pk=update.pk)
    update.text = "Corrected words"
    update.save()
    services.verify_update(update=older, user=curator)
    update.refresh_from_db()
    assert (update.text, update.verified, update.verified_by) == ("Corrected words", True, curator)


def test_both_cities_confirming_a_secretariat_transfer_from_older_copies_both_count(
    django_user_model, agreement, athens, barcelona, barcelona_staff, curator
):
    from tests.conftest import staff_user_of

    athens_staff = staff_user_of(django_user_model, "athens-staff", athens)
    entered = services.record_transfer(agreement=agreement, user=curator, date=TODAY, people=5)
    seen_by_athens = type(entered).objects.get(pk=entered.pk)
    seen_by_barcelona = type(entered).objects.get(pk=entered.pk)
    services.confirm_transfer(transfer=seen_by_athens, user=athens_staff, city=athens)
    services.confirm_transfer(transfer=seen_by_barcelona, user=barcelona_staff, city=barcelona)
    entered.refresh_from_db()
    assert entered.first_confirmation_city == athens
    assert entered.confirmed_at is not None and entered.confirmed_by == barcelona_staff
