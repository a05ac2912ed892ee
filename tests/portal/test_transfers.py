"""Staff of either party city record transfers; the other city confirms them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Transfer


def _transfer_url(agreement):
    return reverse("portal:transfer-create", args=[agreement.pk])


def test_staff_record_a_transfer_reported_by_their_city(
    client, barcelona_staff, barcelona, athens_to_barcelona
):
    client.force_login(barcelona_staff)
    form = client.get(_transfer_url(athens_to_barcelona)).context["form"]
    assert list(form.fields["reported_by_city"].queryset) == [barcelona]
    assert form["reported_by_city"].value() == barcelona.pk

    response = client.post(
        _transfer_url(athens_to_barcelona),
        {"reported_by_city": barcelona.pk, "date": "2016-05-02", "people": 12},
    )
    assert response["Location"] == reverse("portal:dashboard")
    transfer = athens_to_barcelona.transfers.get()
    assert (transfer.people, transfer.reported_by_city, transfer.reported_by) == (
        12,
        barcelona,
        barcelona_staff,
    )
    assert transfer.confirmed_at is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"people": 91},
            "people",
            "This would bring the people relocated to 101, more than the 100 pledged "
            "(90 remaining).",
        ),
        ({"date": "2016-02-29"}, "date", "cannot be dated before the agreement was signed"),
        ({"date": "2999-01-01"}, "date", "cannot be dated in the future"),
        ({"people": 0}, "people", "A transfer moves at least one person."),
        ({"people": "many"}, "people", "Enter a whole number."),
        ({"date": ""}, "date", "This field is required."),
    ],
)
def test_the_pledge_and_date_rules_show_by_the_field(
    client,
    barcelona_staff,
    barcelona,
    athens_to_barcelona,
    transfer_reported_by_athens,
    data,
    field,
    message,
):
    client.force_login(barcelona_staff)
    payload = {"reported_by_city": barcelona.pk, "date": "2016-05-02", "people": 5, **data}
    response = client.post(_transfer_url(athens_to_barcelona), payload)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert athens_to_barcelona.transfers.count() == 1


def test_a_transfer_shows_as_reported_until_the_other_city_confirms_it(
    client, barcelona_staff, athens_staff, athens, barcelona, athens_to_barcelona
):
    client.force_login(athens_staff)
    client.post(
        _transfer_url(athens_to_barcelona),
        {"reported_by_city": athens.pk, "date": "2016-05-02", "people": 7},
    )
    transfer = Transfer.objects.get()
    assert transfer.reported_by_city == athens

    # Athens sees it waiting for Barcelona; the reporting city cannot confirm it.
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "1 transfer you reported awaits confirmation by Barcelona." in dashboard
    assert reverse("portal:transfer-confirm", args=[transfer.pk]) not in dashboard
    response = client.post(reverse("portal:transfer-confirm", args=[transfer.pk]), follow=True)
    assert "Only staff of the other city" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.confirmed_at is None
    page = client.get(_transfer_url(athens_to_barcelona)).content.decode()
    assert "reported by Athens, awaiting confirmation" in page

    # Barcelona sees it awaiting its confirmation, and confirms.
    client.force_login(barcelona_staff)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Reported by Athens, awaiting your confirmation:" in dashboard
    assert reverse("portal:transfer-confirm", args=[transfer.pk]) in dashboard
    client.post(reverse("portal:transfer-confirm", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.confirmed_at is not None
    assert transfer.confirmed_by == barcelona_staff
    page = client.get(_transfer_url(athens_to_barcelona)).content.decode()
    assert "confirmed by both cities" in page
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("portal:transfer-confirm", args=[transfer.pk]) not in dashboard


def test_confirming_again_keeps_the_first_confirmation(
    client, barcelona_staff, second_barcelona_staff, transfer_reported_by_athens
):
    transfer = transfer_reported_by_athens
    client.force_login(barcelona_staff)
    client.post(reverse("portal:transfer-confirm", args=[transfer.pk]))
    transfer.refresh_from_db()
    first = (transfer.confirmed_at, transfer.confirmed_by)
    client.force_login(second_barcelona_staff)
    client.post(reverse("portal:transfer-confirm", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert (transfer.confirmed_at, transfer.confirmed_by) == first


def test_a_curator_records_a_transfer_for_no_city(client, curator, barcelona, athens_to_barcelona):
    client.force_login(curator)
    form = client.get(_transfer_url(athens_to_barcelona)).context["form"]
    assert not form.fields["reported_by_city"].required
    client.post(_transfer_url(athens_to_barcelona), {"date": "2016-05-02", "people": 3})
    assert athens_to_barcelona.transfers.get().reported_by_city is None


def test_the_pledge_holds_when_another_transfer_got_in_first(
    client, barcelona_staff, barcelona, athens, athens_to_barcelona, monkeypatch
):
    """The form checked the pledge; a transfer saved in between is caught under lock."""
    client.force_login(barcelona_staff)
    from portal import views

    real_record = views.services.record_transfer

    def someone_else_first(*, agreement, user, **kwargs):
        Transfer.objects.create(
            agreement=agreement, date=datetime.date(2016, 4, 1), people=95, reported_by_city=athens
        )
        return real_record(agreement=agreement, user=user, **kwargs)

    monkeypatch.setattr(views.services, "record_transfer", someone_else_first)
    response = client.post(
        _transfer_url(athens_to_barcelona),
        {"reported_by_city": barcelona.pk, "date": "2016-05-02", "people": 10},
    )
    assert response.status_code == 200
    assert "more than the 100 pledged" in response.content.decode()
    assert athens_to_barcelona.transfers.count() == 1


def test_dashboard_totals_count_each_transfer_once_whatever_the_number_of_staff(
    client, barcelona_staff, athens_staff, django_user_model, athens, athens_to_barcelona
):
    from tests.conftest import staff_user_of

    staff_user_of(django_user_model, "athens-staff-2", athens)
    staff_user_of(django_user_model, "athens-staff-3", athens)
    Transfer.objects.create(
        agreement=athens_to_barcelona,
        date=datetime.date(2016, 5, 1),
        people=10,
        reported_by_city=athens,
        confirmed_at=timezone.now(),
    )
    client.force_login(barcelona_staff)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "10 relocated of 100 pledged (90 remaining)" in body


def test_a_transfer_the_secretariat_entered_waits_for_both_cities(
    client, curator, barcelona_staff, athens_staff, athens_to_barcelona
):
    from commitments import services

    transfer = services.record_transfer(
        agreement=athens_to_barcelona, user=curator, date=datetime.date(2016, 5, 2), people=3
    )
    confirm = reverse("portal:transfer-confirm", args=[transfer.pk])
    public = reverse("commitments:relocation-detail", args=[athens_to_barcelona.pk])
    assert "awaiting both cities" in client.get(public).content.decode()

    client.force_login(barcelona_staff)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Entered by the secretariat, awaiting your confirmation:" in dashboard
    client.post(confirm)
    transfer.refresh_from_db()
    assert transfer.confirmed_at is None
    assert confirm not in client.get(reverse("portal:dashboard")).content.decode()
    body = client.get(public).content.decode()
    badge = '<span class="badge badge-verified">confirmed by both cities</span>'
    assert "awaiting the other city" in body and badge not in body

    client.force_login(athens_staff)
    assert confirm in client.get(reverse("portal:dashboard")).content.decode()
    client.post(confirm)
    transfer.refresh_from_db()
    assert transfer.confirmed_by == athens_staff
    assert badge in client.get(public).content.decode()
