"""The rules of the records (DESIGN.md "Rules that must always hold"): refused with
their message by the model, and refused by the database when written around it."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer

TODAY = timezone.localdate()


def _messages(excinfo, field):
    return excinfo.value.message_dict[field]


@pytest.fixture
def agreement(athens, barcelona):
    return RelocationAgreement.objects.create(
        origin=athens,
        destination=barcelona,
        people_pledged=100,
        signed_on=datetime.date(2016, 9, 1),
    )


# Relocation agreements -----------------------------------------------------------


def test_origin_and_destination_must_differ(athens):
    agreement = RelocationAgreement(origin=athens, destination=athens, people_pledged=10)
    with pytest.raises(ValidationError) as excinfo:
        agreement.full_clean()
    assert _messages(excinfo, "destination") == ["The destination must differ from the origin."]


def test_database_refuses_an_agreement_with_itself(agreement, athens):
    with pytest.raises(IntegrityError), transaction.atomic():
        RelocationAgreement.objects.filter(pk=agreement.pk).update(destination=athens)


def test_at_least_one_person_is_pledged(athens, barcelona):
    agreement = RelocationAgreement(origin=athens, destination=barcelona, people_pledged=0)
    with pytest.raises(ValidationError) as excinfo:
        agreement.full_clean()
    assert "At least one person must be pledged." in _messages(excinfo, "people_pledged")


def test_database_refuses_a_pledge_of_nobody(athens, barcelona):
    with pytest.raises(IntegrityError), transaction.atomic():
        RelocationAgreement.objects.bulk_create(
            [RelocationAgreement(origin=athens, destination=barcelona, people_pledged=0)]
        )


def test_period_end_never_before_its_start(agreement):
    agreement.period_start = datetime.date(2017, 1, 1)
    agreement.period_end = datetime.date(2016, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        agreement.full_clean()
    assert _messages(excinfo, "period_end") == [
        "The end of the period cannot be before its start."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        RelocationAgreement.objects.filter(pk=agreement.pk).update(
            period_start=datetime.date(2017, 1, 1), period_end=datetime.date(2016, 1, 1)
        )


def test_pledge_cannot_drop_below_the_people_already_relocated(agreement):
    services.record_transfer(agreement=agreement, user=None, date=TODAY, people=60)
    agreement.people_pledged = 50
    with pytest.raises(ValidationError) as excinfo:
        agreement.full_clean()
    assert "60 people have already been relocated" in _messages(excinfo, "people_pledged")[0]


# Transfers -------------------------------------------------------------------------


def test_transfers_never_add_up_to_more_than_pledged(agreement):
    services.record_transfer(agreement=agreement, user=None, date=TODAY, people=70)
    transfer = Transfer(agreement=agreement, date=TODAY, people=31)
    with pytest.raises(ValidationError) as excinfo:
        transfer.full_clean()
    assert _messages(excinfo, "people") == [
        "This would bring the people relocated to 101, more than the 100 pledged (30 remaining)."
    ]
    # Saved without the form, the lock-and-check in save() still refuses it.
    with pytest.raises(ValidationError):
        transfer.save()
    assert agreement.transfers.count() == 1


def test_no_transfer_before_the_signing(agreement):
    transfer = Transfer(agreement=agreement, date=datetime.date(2016, 8, 31), people=1)
    with pytest.raises(ValidationError) as excinfo:
        transfer.full_clean()
    assert "before the agreement was signed" in _messages(excinfo, "date")[0]
    with pytest.raises(ValidationError):
        transfer.save()


def test_no_transfer_in_the_future(agreement):
    transfer = Transfer(agreement=agreement, date=TODAY + datetime.timedelta(days=1), people=1)
    with pytest.raises(ValidationError) as excinfo:
        transfer.full_clean()
    assert _messages(excinfo, "date") == ["A transfer cannot be dated in the future."]


def test_database_refuses_a_transfer_of_nobody(agreement):
    transfer = services.record_transfer(agreement=agreement, user=None, date=TODAY, people=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=transfer.pk).update(people=0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_transfers_cannot_exceed_the_pledge(athens, barcelona):
    agreement = RelocationAgreement.objects.create(
        origin=athens, destination=barcelona, people_pledged=100, signed_on=TODAY
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def record():
        # Each thread has its own connection, and its own transaction.
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.record_transfer(agreement=agreement, user=None, date=TODAY, people=60)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert sum(Transfer.objects.filter(agreement=agreement).values_list("people", flat=True)) == 60


# Commitments -------------------------------------------------------------------------


def test_progress_is_a_percentage(barcelona):
    commitment = Commitment(city=barcelona, title="Open a centre", progress=101)
    with pytest.raises(ValidationError) as excinfo:
        commitment.full_clean()
    assert "Progress is a percentage between 0 and 100." in _messages(excinfo, "progress")


def test_database_refuses_progress_over_100(barcelona):
    commitment = Commitment.objects.create(city=barcelona, title="Open a centre")
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(progress=101)


def test_an_achieved_commitment_is_at_100(barcelona):
    commitment = Commitment(city=barcelona, title="Open a centre", status="achieved", progress=80)
    with pytest.raises(ValidationError) as excinfo:
        commitment.full_clean()
    assert _messages(excinfo, "progress") == ["An achieved commitment is at 100% progress."]


def test_database_refuses_an_achieved_commitment_below_100(barcelona):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.bulk_create(
            [Commitment(city=barcelona, title="Open a centre", status="achieved", progress=80)]
        )


def test_target_date_never_before_the_start(barcelona):
    commitment = Commitment(
        city=barcelona,
        title="Open a centre",
        start_date=datetime.date(2020, 1, 1),
        target_date=datetime.date(2019, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        commitment.full_clean()
    assert _messages(excinfo, "target_date") == [
        "The target date cannot be before the start date."
    ]
    commitment.target_date = None
    commitment.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(target_date=datetime.date(2019, 1, 1))


def test_progress_update_percent_is_a_percentage(barcelona):
    commitment = Commitment.objects.create(city=barcelona, title="Open a centre")
    update = ProgressUpdate(commitment=commitment, date=TODAY, text="x", percent=101)
    with pytest.raises(ValidationError) as excinfo:
        update.full_clean()
    assert "Progress is a percentage between 0 and 100." in _messages(excinfo, "percent")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.bulk_create([update])


def test_progress_update_never_dated_in_the_future(barcelona):
    commitment = Commitment.objects.create(city=barcelona, title="Open a centre")
    update = ProgressUpdate(
        commitment=commitment, date=TODAY + datetime.timedelta(days=1), text="x", percent=5
    )
    with pytest.raises(ValidationError) as excinfo:
        update.full_clean()
    assert _messages(excinfo, "date") == ["A progress update cannot be dated in the future."]


def test_every_save_is_kept_in_the_history_with_a_new_version(barcelona, curator):
    commitment = Commitment.objects.create(city=barcelona, title="First")
    commitment.title = "Second"
    commitment._history_user = curator
    commitment.save()
    assert commitment.version == 2
    assert list(commitment.history.values_list("title", flat=True)) == ["Second", "First"]
    assert commitment.history.latest().history_user == curator


def test_changing_a_verified_update_withdraws_its_verification(barcelona, curator):
    commitment = Commitment.objects.create(
        city=barcelona,
        title="Welcome office",
        publication_state=Commitment.PublicationState.PUBLISHED,
    )
    update = ProgressUpdate.objects.create(
        commitment=commitment, date=TODAY, text="Office opened", percent=40
    )
    services.verify_update(update=update, user=curator)
    update.refresh_from_db()
    update.save()  # saving unchanged content keeps the curator's word
    assert ProgressUpdate.objects.get(pk=update.pk).verified is True

    update.text = "Office opened, and twice as large"
    update.save()

    update.refresh_from_db()
    assert update.verified is False
    assert update.verified_by is None
    assert update.verified_at is None
