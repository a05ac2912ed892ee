"""The commitments' admin: bounded pages, every rule by the field, review actions,
computed columns, staff confinement, CSV import, restore and edit conflicts."""

import datetime
import itertools

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from model_bakery import baker

from cities.models import City
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from forums.models import OutcomeDocument, Theme
from tests.curation import (
    admin_url,
    assert_admin_pages_bounded,
    ensure_groups,
    field_errors,
    form_data,
)

_numbers = itertools.count(1)
TODAY = timezone.localdate()
SUBMITTED = Commitment.PublicationState.SUBMITTED


@pytest.fixture
def admin_client(client, curator):
    ensure_groups()
    client.force_login(curator)
    return client


def _cities(n):
    return [baker.make(City, country="ES", slug=f"city-{next(_numbers)}") for _ in range(n)]


def _commitment(city, **fields):
    fields.setdefault("title", f"Commitment {next(_numbers)}")
    return Commitment.objects.create(city=city, **fields)


def _agreement(origin, destination, pledged=100, **fields):
    fields.setdefault("signed_on", datetime.date(2016, 9, 1))
    return RelocationAgreement.objects.create(
        origin=origin, destination=destination, people_pledged=pledged, **fields
    )


def build_commitments(n):
    cities = _cities(n)
    commitments = [_commitment(city) for city in cities]
    commitments[0].themes.set(baker.make(Theme, _quantity=2))
    for i in range(n):
        ProgressUpdate.objects.create(
            commitment=commitments[0], date=TODAY, text=f"Step {i}", percent=i % 100
        )
    return commitments[0]


def build_updates(n):
    return [
        ProgressUpdate.objects.create(
            commitment=_commitment(city), date=TODAY, text="x", percent=5
        )
        for city in _cities(n)
    ][0]


def build_agreements(n):
    cities = _cities(n + 1)
    agreements = [_agreement(a, b, pledged=1000) for a, b in itertools.pairwise(cities)]
    for i in range(n):
        Transfer.objects.create(
            agreement=agreements[0], date=TODAY, people=1, reported_by_city=cities[i % 2]
        )
    return agreements[0]


def build_transfers(n):
    cities = _cities(n + 1)
    return [
        Transfer.objects.create(
            agreement=_agreement(a, b), date=TODAY, people=2, reported_by_city=a
        )
        for a, b in itertools.pairwise(cities)
    ][0]


@pytest.mark.parametrize(
    ("model", "build"),
    [
        (Commitment, build_commitments),
        (ProgressUpdate, build_updates),
        (RelocationAgreement, build_agreements),
        (Transfer, build_transfers),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_admin_pages_make_the_same_number_of_queries_at_3_and_30_rows(
    admin_client, model, build, django_assert_max_num_queries
):
    assert_admin_pages_bounded(admin_client, model, build, django_assert_max_num_queries)


# Every rule, refused by the field in the admin form ---------------------------------


def _post_add(client, model, **values):
    data = form_data(client.get(admin_url(model, "add")))
    data.update({k: str(v) for k, v in values.items()})
    return client.post(admin_url(model, "add"), data)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"progress": 101}, "progress", "Ensure this value is less than or equal to 100."),
        (
            {"status": "achieved", "progress": 60},
            "progress",
            "An achieved commitment is at 100% progress.",
        ),
        (
            {"start_date": "2020-01-01", "target_date": "2019-01-01"},
            "target_date",
            "The target date cannot be before the start date.",
        ),
    ],
)
def test_commitment_rules_are_refused_by_the_field(
    admin_client, barcelona, values, field, message
):
    values = {"city": barcelona.pk, "title": "Open a centre", "status": "planned", **values}
    response = _post_add(admin_client, Commitment, **values)
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"destination": "origin"}, "destination", "The destination must differ from the origin."),
        ({"people_pledged": 0}, "people_pledged", "At least one person must be pledged."),
        (
            {"period_start": "2017-01-01", "period_end": "2016-01-01"},
            "period_end",
            "The end of the period cannot be before its start.",
        ),
    ],
)
def test_agreement_rules_are_refused_by_the_field(
    admin_client, athens, barcelona, values, field, message
):
    data = {
        "origin": athens.pk,
        "destination": barcelona.pk,
        "people_pledged": 100,
        "population_group": "refugees",
        "status": "signed",
        "signed_precision": "day",
        **values,
    }
    if data["destination"] == "origin":
        data["destination"] = athens.pk
    response = _post_add(admin_client, RelocationAgreement, **data)
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert not RelocationAgreement.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"people": 101}, "people", "more than the 100 pledged"),
        ({"date": "2016-08-31"}, "date", "before the agreement was signed"),
        ({"date": TODAY + datetime.timedelta(days=1)}, "date", "cannot be dated in the future"),
    ],
)
def test_transfer_rules_are_refused_by_the_field(
    admin_client, athens, barcelona, values, field, message
):
    agreement = _agreement(athens, barcelona, pledged=100)
    data = {"agreement": agreement.pk, "date": TODAY, "people": 10, **values}
    response = _post_add(admin_client, Transfer, **data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field))
    assert not Transfer.objects.exists()


def test_progress_update_over_100_is_refused_by_the_field(admin_client, barcelona):
    commitment = _commitment(barcelona)
    response = _post_add(
        admin_client, ProgressUpdate, commitment=commitment.pk, date=TODAY, text="x", percent=150
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in field_errors(response, "percent")


def test_transfers_added_together_on_the_agreement_cannot_exceed_the_pledge(
    admin_client, athens, barcelona
):
    agreement = _agreement(athens, barcelona, pledged=100)
    Transfer.objects.create(agreement=agreement, date=TODAY, people=40)
    url = admin_url(RelocationAgreement, "change", agreement.pk)
    data = form_data(admin_client.get(url))
    data.update(
        {
            "transfers-TOTAL_FORMS": "3",
            "transfers-1-date": str(TODAY),
            "transfers-1-people": "40",
            "transfers-2-date": str(TODAY),
            "transfers-2-people": "30",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "110 people, more than the 100 pledged" in response.content.decode()
    assert agreement.transfers.count() == 1


def test_transfers_are_corrected_and_deleted_on_the_agreement(admin_client, athens, barcelona):
    agreement = _agreement(athens, barcelona, pledged=100)
    kept = Transfer.objects.create(agreement=agreement, date=TODAY, people=50)
    wrong = Transfer.objects.create(agreement=agreement, date=TODAY, people=50)
    url = admin_url(RelocationAgreement, "change", agreement.pk)
    data = form_data(admin_client.get(url))
    rows = {data[f"transfers-{i}-id"]: i for i in range(2)}
    data[f"transfers-{rows[str(kept.pk)]}-people"] = "45"
    data[f"transfers-{rows[str(wrong.pk)]}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert list(agreement.transfers.values_list("people", flat=True)) == [45]
    # The deleted transfer is still in the history.
    assert Transfer.history.filter(id=wrong.pk, history_type="-").exists()


def test_agreement_list_shows_relocated_remaining_and_percent(admin_client, athens, barcelona):
    agreement = _agreement(athens, barcelona, pledged=100)
    # Relocated counts confirmed transfers only (issue 10).
    confirmed = timezone.now()
    Transfer.objects.create(agreement=agreement, date=TODAY, people=30, confirmed_at=confirmed)
    Transfer.objects.create(agreement=agreement, date=TODAY, people=15, confirmed_at=confirmed)
    response = admin_client.get(admin_url(RelocationAgreement, "changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.relocated, row.remaining) == (45, 55)
    body = response.content.decode()
    assert '<td class="field-percent_delivered">45%</td>' in body


# Review actions ---------------------------------------------------------------


def _action(client, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects], **extra}
    return client.post(admin_url(Commitment, "changelist"), data)


def test_publish_action_publishes_record_by_record_with_history(
    admin_client, barcelona, barcelona_staff, curator, django_capture_on_commit_callbacks
):
    submitted = _commitment(barcelona, publication_state=SUBMITTED)
    draft = _commitment(barcelona)
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(admin_client, "publish_selected", [submitted, draft])
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.publication_state == Commitment.PublicationState.PUBLISHED
    assert submitted.history.latest().history_user == curator
    assert submitted.history.latest().history_change_reason == "published"
    assert mail.outbox and barcelona_staff.email in mail.outbox[-1].to


def test_return_action_asks_for_a_comment_first(admin_client, barcelona, quito):
    submitted = _commitment(barcelona, publication_state=SUBMITTED)
    published = _commitment(quito, publication_state=Commitment.PublicationState.PUBLISHED)
    page = _action(admin_client, "return_selected", [submitted, published])
    assert page.status_code == 200
    assert submitted.title in page.content.decode()
    assert published.title not in page.content.decode()
    submitted.refresh_from_db()
    assert submitted.publication_state == SUBMITTED

    empty = _action(admin_client, "return_selected", [submitted], apply="1", comment=" ")
    assert empty.status_code == 200
    assert empty.context["form"].errors["comment"]

    done = _action(
        admin_client, "return_selected", [submitted, published], apply="1", comment="Add a date"
    )
    assert done.status_code == 302
    submitted.refresh_from_db()
    published.refresh_from_db()
    assert submitted.publication_state == Commitment.PublicationState.RETURNED
    assert submitted.review_comment == "Add a date"
    assert published.publication_state == Commitment.PublicationState.PUBLISHED


def test_accept_and_reject_pending_changes(admin_client, barcelona):
    accepted = _commitment(
        barcelona,
        publication_state=Commitment.PublicationState.PUBLISHED,
        pending_changes={"title": "New title", "target_date": "2030-01-01"},
    )
    rejected = _commitment(
        barcelona,
        title="Kept",
        publication_state=Commitment.PublicationState.PUBLISHED,
        pending_changes={"title": "Refused title"},
    )
    _action(admin_client, "accept_changes", [accepted])
    _action(admin_client, "reject_changes", [rejected])
    accepted.refresh_from_db()
    rejected.refresh_from_db()
    assert (accepted.title, accepted.target_date) == ("New title", datetime.date(2030, 1, 1))
    assert accepted.pending_changes == {}
    assert (rejected.title, rejected.pending_changes) == ("Kept", {})


def test_accepting_changes_that_break_a_rule_is_refused_with_a_message(admin_client, barcelona):
    commitment = _commitment(
        barcelona,
        start_date=datetime.date(2020, 1, 1),
        publication_state=Commitment.PublicationState.PUBLISHED,
        pending_changes={"target_date": "2019-01-01"},
    )
    response = _action(admin_client, "accept_changes", [commitment])
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.target_date is None
    assert commitment.pending_changes == {"target_date": "2019-01-01"}


def test_verify_action_marks_updates_verified(admin_client, barcelona, curator):
    update = ProgressUpdate.objects.create(
        commitment=_commitment(barcelona), date=TODAY, text="Opened", percent=20
    )
    response = admin_client.post(
        admin_url(ProgressUpdate, "changelist"),
        {"action": "verify_selected", ACTION_CHECKBOX_NAME: [str(update.pk)]},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.verified and update.verified_by == curator
    assert update.history.latest().history_user == curator


# Staff confinement ------------------------------------------------------------


def test_staff_with_admin_access_see_and_change_only_their_citys_records(
    client, barcelona_staff, barcelona, quito
):
    ensure_groups()
    barcelona_staff.is_staff = True
    barcelona_staff.save()
    client.force_login(barcelona_staff)
    own = _commitment(barcelona)
    other = _commitment(quito)
    listing = client.get(admin_url(Commitment, "changelist"))
    assert list(listing.context["cl"].result_list) == [own]
    assert client.get(admin_url(Commitment, "change", own.pk)).status_code == 200
    assert client.get(admin_url(Commitment, "change", other.pk)).status_code in (302, 403, 404)
    response = _post_add(client, Commitment, city=quito.pk, title="Not mine", status="planned")
    assert response.status_code == 200
    assert field_errors(response, "city")
    assert not Commitment.objects.filter(title="Not mine").exists()
    # No CSV import for staff: imports are the curators'.
    assert client.get(admin_url(Commitment, "import")).status_code == 403


# History, restore and conflicts ---------------------------------------------------


def test_commitment_change_then_restore_brings_old_values_back(admin_client, barcelona):
    housing, health = baker.make(Theme, _quantity=2)
    commitment = _commitment(barcelona, title="Open a centre", progress=10)
    commitment.themes.set([housing])
    url = admin_url(Commitment, "change", commitment.pk)
    data = form_data(admin_client.get(url))
    data.update(title="Wrong", progress="90", themes=[str(health.pk)])
    assert admin_client.post(url, data).status_code == 302
    assert list(commitment.themes.all()) == [health]

    before_mistake = commitment.history.filter(title="Open a centre").first()
    revert_url = admin_url(Commitment, "simple_history", commitment.pk, before_mistake.history_id)
    response = admin_client.post(revert_url, form_data(admin_client.get(revert_url)))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.title, commitment.progress) == ("Open a centre", 10)
    assert list(commitment.themes.all()) == [housing]


def test_a_stale_commitment_form_is_refused(admin_client, barcelona):
    commitment = _commitment(barcelona, title="Open a centre")
    url = admin_url(Commitment, "change", commitment.pk)
    stale = form_data(admin_client.get(url))
    Commitment.objects.get(pk=commitment.pk).save()  # someone else's save
    stale.update(title="Mine")
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.title == "Open a centre"


# CSV import -----------------------------------------------------------------------


def _import(client, model, text):
    upload = SimpleUploadedFile("data.csv", text.encode(), content_type="text/csv")
    return client.post(
        admin_url(model, "import"), {"format": "0", "import_file": upload, "resource": "0"}
    )


def _confirm(client, model, preview):
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    return client.post(admin_url(model, "process_import"), data)


def test_commitment_import_uses_slugs_and_applies_after_preview(admin_client, barcelona):
    theme = baker.make(Theme, slug="housing", name="Housing")
    document = baker.make(OutcomeDocument, slug="call-of-barcelona", kind="call")
    csv = (
        "id,city,outcome_document,title,themes,status,progress\n"
        ",barcelona,call-of-barcelona,Open a centre,housing,in_progress,20\n"
    )
    preview = _import(admin_client, Commitment, csv)
    assert preview.context["confirm_form"] is not None
    assert not Commitment.objects.exists()
    assert _confirm(admin_client, Commitment, preview).status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.city, commitment.outcome_document) == (barcelona, document)
    assert list(commitment.themes.all()) == [theme]
    assert commitment.publication_state == Commitment.PublicationState.DRAFT


def test_commitment_import_with_one_bad_row_applies_nothing_and_names_it(admin_client, barcelona):
    csv = (
        "id,city,title,themes,status,progress\n"
        ",barcelona,Fine row,,planned,0\n"
        ",barcelona,Achieved but not done,,achieved,40\n"
        ",atlantis,Unknown city,,planned,0\n"
    )
    response = _import(admin_client, Commitment, csv)
    assert response.context.get("confirm_form") is None
    invalid = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert set(invalid) == {2, 3}
    assert "An achieved commitment is at 100% progress." in str(invalid[2])
    assert "No city with slug “atlantis”." in str(invalid[3]["city"])
    assert not Commitment.objects.exists()


def test_progress_update_import_is_all_or_nothing(admin_client, barcelona):
    commitment = _commitment(barcelona)
    csv = (
        "id,commitment,date,percent,text\n"
        f",{commitment.pk},2020-01-01,20,Opened\n"
        f",{commitment.pk},2020-02-01,120,Too much\n"
    )
    response = _import(admin_client, ProgressUpdate, csv)
    invalid = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert set(invalid) == {2}
    assert "percent" in invalid[2]
    assert not ProgressUpdate.objects.exists()

    good = f"id,commitment,date,percent,text\n,{commitment.pk},2020-01-01,20,Opened\n"
    preview = _import(admin_client, ProgressUpdate, good)
    assert _confirm(admin_client, ProgressUpdate, preview).status_code == 302
    assert commitment.updates.get().percent == 20


def test_commitment_export_follows_the_admins_filters(admin_client, barcelona, quito):
    _commitment(barcelona, title="In Europe")
    _commitment(quito, title="In the Americas")
    url = admin_url(Commitment, "export") + "?city__region__exact=europe"
    page = admin_client.get(url)
    data = {"format": "0", "resource": "0"}
    data.update({name: "on" for name in page.context["form"].fields if "resource_" in name})
    text = admin_client.post(url, data).content.decode()
    assert "In Europe" in text
    assert "In the Americas" not in text
    assert "barcelona" in text  # the city by its slug


@pytest.mark.postgres
def test_unfiltered_commitment_list_is_counted_from_statistics_on_postgresql(
    admin_client, barcelona, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.admin import EstimatedCountPaginator

    for _ in range(3):
        _commitment(barcelona)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commitments_commitment")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(admin_url(Commitment, "changelist"))
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert response.context["cl"].result_count == 3

    with CaptureQueriesContext(connection) as queries:
        admin_client.get(admin_url(Commitment, "changelist") + "?status__exact=planned")
    assert [q for q in queries.captured_queries if "COUNT(" in q["sql"]]  # filtered: exact
