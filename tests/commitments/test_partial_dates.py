"""Commitment, progress-update and transfer dates known only to the month or the year,
like forum dates: stored as the period's first day, shown and exported at precision."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from model_bakery import baker

from commitments import services
from commitments.models import Commitment, ProgressUpdate, Transfer
from tests import builders


@pytest.fixture
def commitment(barcelona):
    commitment = builders.commitment(
        barcelona,
        title="Housing",
        start_date=datetime.date(2014, 6, 19),
        start_precision="month",
        target_date=datetime.date(2016, 9, 1),
        target_precision="year",
    )
    baker.make(
        ProgressUpdate, commitment=commitment, date=datetime.date(2015, 3, 9),
        date_precision="month", text="Half way", percent=50,
    )  # fmt: skip
    return commitment


def test_dates_are_stored_as_the_first_day_of_their_period(commitment):
    commitment.refresh_from_db()
    assert (commitment.start_date, commitment.target_date) == (
        datetime.date(2014, 6, 1),
        datetime.date(2016, 1, 1),
    )
    assert commitment.updates.get().date == datetime.date(2015, 3, 1)


def test_pages_show_the_known_precision(client, commitment):
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "<dd>June 2014</dd>" in html and "<dd>2016</dd>" in html
    assert ">March 2015</time>" in html
    assert "<td>2016</td>" in client.get("/commitments/").content.decode()


def test_downloads_and_the_api_export_at_precision(client, commitment):
    body = b"".join(client.get("/commitments/?format=csv").streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(body))
    assert (row["start_date"], row["target_date"]) == ("2014-06", "2016")
    api = client.get(f"/api/commitments/{commitment.pk}/").json()
    assert (api["start_date"], api["target_date"]) == ("2014-06", "2016")
    assert (api["start_precision"], api["target_precision"]) == ("month", "year")
    assert (api["updates"][0]["date"], api["updates"][0]["date_precision"]) == (
        "2015-03",
        "month",
    )


def test_a_target_is_compared_with_the_start_at_the_coarser_precision(barcelona):
    start = datetime.date(2016, 6, 15)
    fine = Commitment(
        city=barcelona, title="t", start_date=start,
        target_date=datetime.date(2016, 2, 1), target_precision="year",
    )  # fmt: skip
    fine.full_clean()
    fine.save()  # the database agrees
    early = Commitment(
        city=barcelona, title="t", start_date=start,
        target_date=datetime.date(2016, 5, 1), target_precision="month",
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        early.full_clean()
    assert "target_date" in excinfo.value.message_dict


def test_a_transfer_is_compared_with_the_signing_at_the_coarser_precision(athens, barcelona):
    agreement = builders.agreement(athens, barcelona, signed_on=datetime.date(2016, 6, 15))
    services.record_transfer(
        agreement=agreement,
        user=None,
        date=datetime.date(2016, 6, 1),
        date_precision="year",
        people=5,
    )
    assert Transfer.objects.get().date == datetime.date(2016, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        services.record_transfer(
            agreement=agreement,
            user=None,
            date=datetime.date(2016, 5, 1),
            date_precision="month",
            people=5,
        )
    assert "date" in excinfo.value.message_dict


def test_transfer_pages_and_api_show_the_precision(client, athens, barcelona):
    agreement = builders.agreement(athens, barcelona, signed_on=datetime.date(2016, 3, 1))
    builders.transfer(agreement, 7, date=datetime.date(2016, 5, 1), confirmed=True)
    Transfer.objects.update(date_precision="month")
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert ">May 2016</time>" in html
    body = client.get(f"/api/relocations/{agreement.pk}/").json()
    assert body["transfers"][0]["date"] == "2016-05"


def test_staff_choose_the_precision_in_the_portal(client, barcelona_staff, barcelona):
    client.force_login(barcelona_staff)
    response = client.post(
        reverse("portal:commitment-create"),
        {
            "city": barcelona.pk, "title": "Classes", "status": "planned", "progress": 0,
            "start_date": "2014-06-19", "start_precision": "month",
            "target_date": "2016-01-01", "target_precision": "year",
        },
    )  # fmt: skip
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.start_display == "June 2014" and commitment.target_display == "2016"
    form = client.get(reverse("portal:commitment-edit", args=[commitment.pk])).context["form"]
    assert [value for value, _label in form.fields["start_precision"].choices] == [
        "day",
        "month",
        "year",
    ]
