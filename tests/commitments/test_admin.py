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
    Transfer.objects.create(
        agreement=agreement, date=TODAY, people=30, reported_by_city=athens, confirmed_at=confirmed
    )
    Transfer.objects.create(
        agreement=agreement, date=TODAY, people=15, reported_by_city=athens, confirmed_at=confirmed
    )
    response = admin_client.get(admin_url(RelocationAgreement, "changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.relocated, row.remaining) == (45, 55)
    body = response.content.decode()
    assert '<td class="field-percent_delivered">45%</td>' in body


# Review actions ---------------------------------------------------------------


def _action(client, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects], **extra}
    return client.post(admin_url(Commitment, "changelist"), data)


def _review_then_confirm(client, action, objects):
    """The publish and accept actions first show the commitments; then the curator
    confirms with the versions shown."""
    page = _action(client, action, objects)
    assert page.status_code == 200
    versions = {
        f"version_{item['commitment'].pk}": item["commitment"].version
        for item in page.context["items"]
    }
    return _action(client, action, objects, apply="1", **versions)


def test_publish_action_publishes_record_by_record_with_history(
    admin_client, barcelona, barcelona_staff, curator, django_capture_on_commit_callbacks
):
    submitted = _commitment(barcelona, publication_state=SUBMITTED)
    draft = _commitment(barcelona)
    with django_capture_on_commit_callbacks(execute=True):
        response = _review_then_confirm(admin_client, "publish_selected", [submitted, draft])
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
    _review_then_confirm(admin_client, "accept_changes", [accepted])
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
    response = _review_then_confirm(admin_client, "accept_changes", [commitment])
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


# The admin is the curators' room ------------------------------------------------


def test_staff_even_with_a_stray_admin_flag_get_no_admin_page(client, barcelona_staff, barcelona):
    from django.urls import reverse

    ensure_groups()
    barcelona_staff.is_staff = True
    barcelona_staff.save()
    client.force_login(barcelona_staff)
    own = _commitment(barcelona)
    for url in [
        admin_url(Commitment, "changelist"),
        admin_url(Commitment, "change", own.pk),
        admin_url(Commitment, "add"),
        admin_url(Commitment, "import"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(
        admin_url(Commitment, "add"), {"city": barcelona.pk, "title": "Mine", "status": "planned"}
    )
    assert response.status_code == 302
    assert not Commitment.objects.filter(title="Mine").exists()


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


def _restore(client, model, obj, record):
    url = admin_url(model, "simple_history", obj.pk, record.history_id)
    return client.post(url, form_data(client.get(url)))


def test_restore_brings_back_content_and_many_to_many_but_never_the_workflow(
    admin_client, barcelona, barcelona_staff, curator
):
    from commitments import services

    housing, health = baker.make(Theme, _quantity=2)
    commitment = _commitment(barcelona, title="Draft-era title", description="Draft text")
    commitment.themes.set([housing])
    draft_era = commitment.history.latest()
    services.submit_for_review(commitment=commitment, user=barcelona_staff)
    services.return_to_city(commitment=commitment, user=curator, comment="Add a date")
    services.submit_for_review(commitment=commitment, user=barcelona_staff)
    services.publish(commitment=commitment, user=curator)
    commitment.title = "Published title"
    commitment.save()
    commitment.themes.set([health])
    services.propose_changes(
        commitment=commitment, user=barcelona_staff, changes={"title": "Proposed title"}
    )
    commitment.refresh_from_db()
    workflow = {name: getattr(commitment, name) for name in Commitment.WORKFLOW_FIELDS}
    assert workflow["pending_changes"] == {"title": "Proposed title"}

    assert _restore(admin_client, Commitment, commitment, draft_era).status_code == 302
    commitment.refresh_from_db()
    # Content: back to the old version, many-to-many values included.
    assert (commitment.title, commitment.description) == ("Draft-era title", "Draft text")
    assert list(commitment.themes.all()) == [housing]
    # Workflow: as it was before the restore (still public, same times, same proposal).
    assert {name: getattr(commitment, name) for name in Commitment.WORKFLOW_FIELDS} == workflow
    assert commitment.publication_state == Commitment.PublicationState.PUBLISHED
    # A curator's restore is a correction like an edit in the admin: history keeps it.
    assert commitment.history.latest().history_user == curator


def test_restoring_a_transfer_keeps_who_reported_and_confirmed_it(
    admin_client, athens, barcelona, curator
):
    from commitments import services

    agreement = _agreement(athens, barcelona, pledged=100)
    transfer = Transfer.objects.create(
        agreement=agreement, date=TODAY, people=10, reported_by_city=athens
    )
    before_confirmation = transfer.history.latest()
    transfer.people = 12
    transfer.save()
    services.confirm_transfer(transfer=transfer, user=curator, city=barcelona)
    confirmed_at = Transfer.objects.get(pk=transfer.pk).confirmed_at
    assert _restore(admin_client, Transfer, transfer, before_confirmation).status_code == 302
    transfer.refresh_from_db()
    assert transfer.people == 10
    assert (transfer.reported_by_city, transfer.confirmed_at) == (athens, confirmed_at)


def test_workflow_fields_posted_to_admin_forms_are_ignored(admin_client, athens, barcelona):
    commitment = _commitment(barcelona, title="Kept draft")
    url = admin_url(Commitment, "change", commitment.pk)
    data = form_data(admin_client.get(url))
    data.update(
        title="Corrected",
        publication_state="published",
        published_at="2020-01-01 00:00:00",
        submitted_at="2020-01-01 00:00:00",
        review_comment="Forged comment",
        pending_changes='{"title": "x"}',
    )
    assert admin_client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Corrected"
    assert (commitment.publication_state, commitment.review_comment) == ("draft", "")
    assert (commitment.published_at, commitment.submitted_at) == (None, None)
    assert commitment.pending_changes == {}

    agreement = _agreement(athens, barcelona, pledged=100)
    response = _post_add(
        admin_client, Transfer, agreement=agreement.pk, date=TODAY, people=5,
        reported_by_city=athens.pk, confirmed_at="2020-01-01 00:00:00",
    )  # fmt: skip
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    # Entered by a curator: the secretariat's, awaiting both cities.
    assert (transfer.reported_by_city, transfer.confirmed_at) == (None, None)

    response = _post_add(
        admin_client, ProgressUpdate, commitment=commitment.pk, date=TODAY, text="x",
        percent=5, verified="on", reported_by_city="on",
    )  # fmt: skip
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.verified, update.reported_by_city) == (False, False)


def test_import_never_sets_a_workflow_field(admin_client, barcelona):
    shown = _commitment(
        barcelona, title="Public", publication_state=Commitment.PublicationState.PUBLISHED
    )
    csv = (
        "id,city,title,status,progress,publication_state\n"
        ",barcelona,Imported as published,planned,0,published\n"
        f"{shown.pk},barcelona,Public corrected,planned,0,draft\n"
    )
    preview = _import(admin_client, Commitment, csv)
    assert _confirm(admin_client, Commitment, preview).status_code == 302
    new = Commitment.objects.get(title="Imported as published")
    assert new.publication_state == Commitment.PublicationState.DRAFT
    shown.refresh_from_db()
    assert shown.title == "Public corrected"
    assert shown.publication_state == Commitment.PublicationState.PUBLISHED

    update = ProgressUpdate.objects.create(
        commitment=shown, date=TODAY, text="Checked", percent=5, reported_by_city=True
    )
    csv = (
        "id,commitment,date,percent,text,reported_by_city,verified\n"
        f"{update.pk},{shown.pk},{TODAY},5,Checked,0,1\n"
        f",{shown.pk},{TODAY},6,New,1,1\n"
    )
    preview = _import(admin_client, ProgressUpdate, csv)
    assert _confirm(admin_client, ProgressUpdate, preview).status_code == 302
    update.refresh_from_db()
    assert (update.reported_by_city, update.verified) == (True, False)
    new_update = ProgressUpdate.objects.get(text="New")
    assert (new_update.reported_by_city, new_update.verified) == (False, False)


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


@pytest.mark.parametrize("found_by", ["form check", "write"])
def test_after_an_admin_conflict_the_form_names_their_changes_and_saves_again(
    admin_client, barcelona, quito, found_by, race_past_the_form_check
):
    if found_by == "form check":
        race_past_the_form_check.append("no race")
    housing = baker.make(Theme, name="Housing", slug="housing")
    commitment = _commitment(barcelona, title="Open a centre")
    url = admin_url(Commitment, "change", commitment.pk)
    mine = form_data(admin_client.get(url))
    mine.update(title="Open two centres")
    theirs = Commitment.objects.get(pk=commitment.pk)
    theirs.city, theirs.status = quito, Commitment.Status.IN_PROGRESS
    theirs.save()
    theirs.themes.set([housing])

    response = admin_client.post(url, mine)

    assert response.status_code == 200
    text = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Someone else saved this record while you were editing it" in text
    assert "city: Barcelona → Quito" in text
    assert "status: planned → in progress" in text
    assert "themes: – → Housing" in text
    assert "in_progress" not in text
    commitment.refresh_from_db()
    assert (commitment.title, commitment.city, commitment.version) == (
        "Open a centre",
        quito,
        theirs.version,
    )

    again = form_data(response)
    assert again["loaded_version"] == str(theirs.version)
    assert (again["city"], again["status"]) == (str(quito.pk), "in_progress")
    assert again["themes"] == [str(housing.pk)]
    assert again["title"] == "Open two centres"
    assert admin_client.post(url, again).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.title, commitment.city, commitment.status) == (
        "Open two centres",
        quito,
        "in_progress",
    )
    assert list(commitment.themes.all()) == [housing]


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


def test_publish_action_shows_the_content_and_refuses_a_record_changed_since(
    admin_client, barcelona
):
    seen = _commitment(barcelona, title="Seen as shown", publication_state=SUBMITTED)
    changed = _commitment(barcelona, title="Shown before an edit", publication_state=SUBMITTED)
    page = _action(admin_client, "publish_selected", [seen, changed])
    assert page.status_code == 200
    assert "Seen as shown" in page.content.decode()
    assert seen.publication_state == SUBMITTED  # nothing is published by the first step
    versions = {
        f"version_{i['commitment'].pk}": i["commitment"].version for i in page.context["items"]
    }

    changed.title = "Edited after the curator looked"
    changed.save()
    done = _action(admin_client, "publish_selected", [seen, changed], apply="1", **versions)
    assert done.status_code == 302
    seen.refresh_from_db()
    changed.refresh_from_db()
    assert seen.publication_state == Commitment.PublicationState.PUBLISHED
    assert changed.publication_state == SUBMITTED
    messages = [str(m) for m in admin_client.get(done["Location"]).context["messages"]]
    assert any("changed since you loaded it" in m for m in messages), messages


def test_publish_action_without_the_review_step_publishes_nothing(admin_client, barcelona):
    submitted = _commitment(barcelona, publication_state=SUBMITTED)
    _action(admin_client, "publish_selected", [submitted], apply="1")
    submitted.refresh_from_db()
    assert submitted.publication_state == SUBMITTED
