"""The workflow steps the portal relies on (commitments/services.py), where the portal
found them wanting."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import RelocationAgreement, Transfer
from tests.conftest import staff_user_of


def test_a_late_entry_for_an_earlier_date_does_not_wind_progress_back(
    barcelona_published, barcelona_staff
):
    services.add_progress_update(
        commitment=barcelona_published,
        user=barcelona_staff,
        date=datetime.date(2025, 5, 1),
        text="a",
        percent=60,
    )
    services.add_progress_update(
        commitment=barcelona_published,
        user=barcelona_staff,
        date=datetime.date(2025, 1, 1),
        text="b",
        percent=20,
    )
    barcelona_published.refresh_from_db()
    assert barcelona_published.progress == 60
    assert barcelona_published.updates.count() == 2


def test_a_transfer_is_reported_only_by_a_party_city(athens_to_barcelona, quito, quito_staff):
    with pytest.raises(ValidationError) as error:
        services.record_transfer(
            agreement=athens_to_barcelona,
            user=quito_staff,
            date=datetime.date(2016, 5, 1),
            people=1,
            reported_by_city=quito,
        )
    assert "reported_by_city" in error.value.message_dict
    assert not Transfer.objects.exists()


def test_confirming_a_confirmed_transfer_keeps_who_confirmed_it_first(
    transfer_reported_by_athens, barcelona, barcelona_staff, second_barcelona_staff
):
    services.confirm_transfer(
        transfer=transfer_reported_by_athens, user=barcelona_staff, city=barcelona
    )
    first = transfer_reported_by_athens.confirmed_at
    services.confirm_transfer(
        transfer=transfer_reported_by_athens, user=second_barcelona_staff, city=barcelona
    )
    transfer_reported_by_athens.refresh_from_db()
    assert transfer_reported_by_athens.confirmed_at == first
    assert transfer_reported_by_athens.confirmed_by == barcelona_staff


def test_changes_are_proposed_only_for_a_published_commitment(barcelona_draft, barcelona_staff):
    with pytest.raises(ValidationError):
        services.propose_changes(
            commitment=barcelona_draft, user=barcelona_staff, changes={"title": "x"}
        )
    barcelona_draft.refresh_from_db()
    assert barcelona_draft.pending_changes == {}


def test_a_replacing_proposal_drops_what_it_leaves_out(barcelona_published, barcelona_staff):
    services.propose_changes(
        commitment=barcelona_published,
        user=barcelona_staff,
        changes={"title": "A", "currency": "EUR"},
    )
    services.propose_changes(
        commitment=barcelona_published, user=barcelona_staff, changes={"title": "B"}, replace=True
    )
    barcelona_published.refresh_from_db()
    assert barcelona_published.pending_changes == {"title": "B"}


def test_agreement_totals_for_staff_count_each_transfer_once(
    django_user_model, athens, barcelona_staff, athens_to_barcelona
):
    # Several staff on the other side used to repeat each transfer in the sum.
    for n in range(3):
        staff_user_of(django_user_model, f"athens-{n}", athens)
    Transfer.objects.create(
        agreement=athens_to_barcelona,
        date=datetime.date(2016, 5, 1),
        people=10,
        reported_by_city=athens,
        confirmed_at=datetime.datetime(2016, 5, 2, tzinfo=datetime.UTC),
    )
    (agreement,) = RelocationAgreement.objects.for_user(barcelona_staff).with_totals()
    assert agreement.relocated == 10
    assert agreement.remaining == 90
