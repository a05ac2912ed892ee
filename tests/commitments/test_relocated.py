""" "People relocated" has one definition: transfers confirmed by both cities. What is
reported and not yet confirmed is shown beside it, wherever a total appears."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commitments import services
from commitments.models import RelocationAgreement
from pages import charts
from tests import builders
from tests.conftest import staff_user_of

SIGNED = datetime.date(2016, 3, 1)


@pytest.fixture
def athens_staff(django_user_model, athens):
    return staff_user_of(django_user_model, "athens-staff", athens)


@pytest.fixture
def agreement(athens, barcelona):
    agreement = builders.agreement(athens, barcelona, pledged=100, signed_on=SIGNED)
    builders.transfer(agreement, 40, reported_by_city=athens, confirmed=True)
    builders.transfer(agreement, 30, reported_by_city=barcelona)
    builders.transfer(agreement, 5)  # entered by the secretariat
    return agreement


def test_relocated_counts_only_confirmed_transfers_and_the_rest_is_beside_it(agreement):
    totals = RelocationAgreement.objects.with_totals().get()
    assert (totals.relocated, totals.awaiting, totals.remaining) == (40, 35, 25)
    assert [(row["people"], row["reported_by"], row["to_confirm"]) for row in
            totals.awaiting_confirmation()] == [
        (30, agreement.destination, agreement.origin),
        (5, None, None),
    ]  # fmt: skip
    assert RelocationAgreement.objects.people_totals() == {
        "pledged": 100, "relocated": 40, "awaiting": 35, "count": 1,
    }  # fmt: skip


def test_the_pledge_limit_still_counts_unconfirmed_transfers(agreement, athens):
    with pytest.raises(services.ValidationError):
        services.record_transfer(
            agreement=agreement, user=None, date=SIGNED, people=26, reported_by_city=athens
        )
    services.record_transfer(
        agreement=agreement, user=None, date=SIGNED, people=25, reported_by_city=athens
    )


def test_the_agreement_page_says_who_must_confirm(client, agreement):
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert "<dt>Relocated</dt><dd>40</dd>" in html
    assert "<dt>Awaiting confirmation</dt><dd>35</dd>" in html
    assert "30 reported by Barcelona, awaiting Athens’s confirmation" in html
    assert "5 entered by the secretariat, awaiting the cities’ confirmation" in html


def test_lists_and_the_city_page_show_the_unconfirmed_beside_the_total(client, agreement):
    for url in ("/relocations/", "/cities/athens/"):
        html = client.get(url).content.decode()
        assert "30 reported by Barcelona, awaiting Athens’s confirmation" in html, url


def test_the_home_page_shows_relocated_and_awaiting(client, agreement):
    html = client.get("/").content.decode()
    assert "40 of the 100 people pledged have been relocated" in html
    assert "35 more people have been reported as moved and await confirmation" in html
    assert "and 35 reported, awaiting confirmation" in html


def test_charts_count_confirmed_transfers_and_mention_the_rest(agreement):
    chart = charts.pledged_by_agreement()
    assert (chart["rows"][0]["relocated"], chart["rows"][0]["awaiting"]) == (40, 35)
    assert chart["summary"] == (
        "1 agreement: 40 of the 100 people pledged have been relocated (40%). "
        "35 people reported and awaiting confirmation are not counted yet."
    )
    by_city = charts.pledged_by_city()
    assert by_city["totals"] == (100, 40, 35, 1)
    agreement = RelocationAgreement.objects.prefetch_related("transfers").get()
    over_time = charts.transfers_over_time(agreement)
    assert [row["running"] for row in over_time["rows"]] == [40, 40, 40]


def test_api_and_downloads_carry_the_awaiting_people(client, agreement):
    body = client.get(f"/api/relocations/{agreement.pk}/").json()
    assert (body["relocated"], body["awaiting_confirmation"], body["remaining"]) == (40, 35, 25)
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get("/relocations/?format=csv").streaming_content).decode()
            )
        )
    )
    assert (
        rows[0]["people_relocated"],
        rows[0]["people_awaiting_confirmation"],
        rows[0]["people_remaining"],
    ) == ("40", "35", "25")
    columns = list(rows[0])
    assert columns.index("people_awaiting_confirmation") > columns.index("url")


def test_the_city_that_must_confirm_is_told_by_email_with_the_link(
    client, athens, barcelona, athens_staff, barcelona_staff, django_capture_on_commit_callbacks
):
    agreement = builders.agreement(athens, barcelona, pledged=100, signed_on=SIGNED)
    client.force_login(barcelona_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:transfer-create", args=[agreement.pk]),
            {"reported_by_city": barcelona.pk, "date": "2016-05-02", "people": 12},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [athens_staff.email]
    assert "Barcelona reported that 12 people moved on May 2, 2016" in message.body
    # Absolute links, from the site's address (SITE_URL), like every notification.
    assert f"{settings.SITE_URL}/portal/" in message.body
    assert f"{settings.SITE_URL}{agreement.get_absolute_url()}" in message.body


def test_both_cities_are_told_of_a_transfer_the_secretariat_entered(
    athens, barcelona, athens_staff, barcelona_staff, curator, django_capture_on_commit_callbacks
):
    agreement = builders.agreement(athens, barcelona, pledged=100, signed_on=SIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_transfer(
            agreement=agreement, user=curator, date=timezone.localdate(), people=3
        )
    assert sorted(address for m in mail.outbox for address in m.to) == [
        athens_staff.email,
        barcelona_staff.email,
    ]


def test_a_transfer_a_curator_adds_in_the_admin_asks_both_cities_to_confirm(
    client, athens, barcelona, athens_staff, barcelona_staff, curator,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from commitments.models import Transfer
    from tests.curation import admin_url, ensure_groups, form_data

    ensure_groups()
    agreement = builders.agreement(athens, barcelona, pledged=100, signed_on=SIGNED)
    client.force_login(curator)
    data = form_data(client.get(admin_url(Transfer, "add")))
    data.update(agreement=agreement.pk, date=timezone.localdate().isoformat(), people=4)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url(Transfer, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(address for m in mail.outbox for address in m.to) == [
        athens_staff.email,
        barcelona_staff.email,
    ]
    assert all(f"{settings.SITE_URL}/portal/" in m.body for m in mail.outbox)
