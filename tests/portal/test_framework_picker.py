"""Staff pick framework items as grouped checkboxes (no Ctrl-click list) and link the
clauses of the outcome document their commitment answers; clauses of another
document are refused by the field."""

import re

import pytest
from django.urls import reverse
from model_bakery import baker

from commitments.models import Commitment
from forums.models import Clause, Framework, FrameworkItem
from tests import builders
from tests.curation import admin_url, ensure_groups, field_errors, form_data

PUBLISHED = Commitment.PublicationState.PUBLISHED


def _item(framework, code, title):
    return baker.make(FrameworkItem, framework=framework, code=code, title=title)


@pytest.fixture
def frameworks(db):
    gcm = baker.make(Framework, code="GCM", slug="gcm", name="Global Compact for Migration")
    sdg = baker.make(Framework, code="SDG", slug="sdg", name="Sustainable Development Goals")
    return {
        "GCM-2": _item(gcm, "GCM-2", "Minimize the adverse drivers"),
        "GCM-10": _item(gcm, "GCM-10", "Prevent, combat and eradicate trafficking"),
        "GCM-16": _item(gcm, "GCM-16", "Empower migrants for full inclusion"),
        "SDG-10.7": _item(sdg, "SDG-10.7", "Facilitate orderly, safe migration"),
        "SDG-8.8": _item(sdg, "SDG-8.8", "Protect labour rights"),
    }


@pytest.fixture
def documents(db):
    call = builders.outcome("call-of-barcelona", title="Call of Barcelona")
    agenda = builders.outcome("quito-local-agenda", title="Quito Local Agenda")
    return {
        "call": call,
        "agenda": agenda,
        "call-1": Clause.objects.create(document=call, number="1", text="Cities are heard."),
        "call-2": Clause.objects.create(document=call, number="2", text="Cities cooperate."),
        "agenda-1": Clause.objects.create(document=agenda, number="1", text="Local agenda."),
    }


def _new(client, **data):
    return client.post(
        reverse("portal:commitment-create"),
        {"title": "Welcome office", "status": "planned", "progress": 0, **data},
    )


def _fieldset(html, name):
    """The HTML of the picker of one field."""
    match = re.search(rf'<div class="picker" id="id_{name}".*?</div></fieldset>', html, re.S)
    assert match, f"no picker for {name}"
    return match.group(0)


def test_framework_items_are_checkboxes_grouped_by_framework(client, barcelona_staff, frameworks):
    client.force_login(barcelona_staff)
    html = client.get(reverse("portal:commitment-create")).content.decode()

    assert "<select" not in _fieldset(html, "framework_items")
    assert 'name="framework_items" multiple' not in html
    picker = _fieldset(html, "framework_items")
    groups = re.findall(r"<legend>(.*?)</legend>(.*?)</fieldset>", picker, re.S)
    assert [legend for legend, _body in groups] == [
        "Global Compact for Migration",
        "Sustainable Development Goals",
    ]
    # Each framework's items in their natural order: 2 before 10, 8.8 before 10.7.
    codes = [re.findall(r"(\w+-[\d.]+) – ", body) for _legend, body in groups]
    assert codes == [["GCM-2", "GCM-10", "GCM-16"], ["SDG-8.8", "SDG-10.7"]]
    assert picker.count('type="checkbox" name="framework_items"') == 5
    # The search box is there for the script to show; the page works without it.
    assert re.search(r'<div class="picker-search" data-picker-search hidden>', picker)
    assert '<label for="id_framework_items_search">Find a framework item</label>' in picker
    assert '<script src="/static/js/picker.js"></script>' in html


def test_the_page_makes_the_same_number_of_queries_with_3_or_30_items(
    client, barcelona_staff, frameworks, documents, django_assert_max_num_queries
):
    client.force_login(barcelona_staff)
    url = reverse("portal:commitment-create")
    client.get(url)  # session, user and groups primed
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    gcm = Framework.objects.get(code="GCM")
    for n in range(20, 50):
        _item(gcm, f"GCM-{n}", f"Objective {n}")
        Clause.objects.create(document=documents["agenda"], number=str(n), text=f"Clause {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_staff_pick_framework_items_and_clauses_for_a_new_commitment(
    client, barcelona_staff, barcelona, frameworks, documents
):
    client.force_login(barcelona_staff)
    response = _new(
        client,
        city=barcelona.pk,
        outcome_document=documents["call"].pk,
        clauses=[documents["call-1"].pk, documents["call-2"].pk],
        framework_items=[frameworks["GCM-16"].pk, frameworks["SDG-10.7"].pk],
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert set(commitment.clauses.all()) == {documents["call-1"], documents["call-2"]}
    assert {item.code for item in commitment.framework_items.all()} == {"GCM-16", "SDG-10.7"}

    page = client.get(response["Location"]).content.decode()
    clause = documents["call-1"]
    assert re.search(rf'name="clauses" value="{clause.pk}"[^>]*checked', page)


def test_a_clause_of_another_outcome_document_is_refused_by_the_field(
    client, barcelona_staff, barcelona, documents
):
    client.force_login(barcelona_staff)
    response = _new(
        client,
        city=barcelona.pk,
        outcome_document=documents["call"].pk,
        clauses=[documents["call-1"].pk, documents["agenda-1"].pk],
    )
    assert response.status_code == 200
    assert response.context["form"].errors["clauses"] == [
        "Choose clauses of the outcome document this commitment answers."
    ]
    assert not Commitment.objects.exists()


def test_clauses_without_their_outcome_document_are_refused(
    client, barcelona_staff, barcelona, documents
):
    client.force_login(barcelona_staff)
    response = _new(client, city=barcelona.pk, clauses=[documents["call-1"].pk])
    assert response.context["form"].errors["outcome_document"] == [
        "Clauses answered need their outcome document."
    ]
    assert not Commitment.objects.exists()


def test_an_unknown_clause_is_an_error_by_the_field_not_a_crash(
    client, barcelona_staff, barcelona, documents
):
    client.force_login(barcelona_staff)
    for value in ("999999", "not-a-number", str(2**70)):
        response = _new(
            client, city=barcelona.pk, outcome_document=documents["call"].pk, clauses=[value]
        )
        assert response.status_code == 200
        assert "clauses" in response.context["form"].errors


def test_the_outcome_document_and_its_clauses_change_together(
    client, barcelona_staff, barcelona, documents
):
    commitment = builders.commitment(
        barcelona, state=Commitment.PublicationState.DRAFT, outcome_document=documents["call"]
    )
    commitment.clauses.set([documents["call-1"]])
    client.force_login(barcelona_staff)
    response = client.post(
        reverse("portal:commitment-edit", args=[commitment.pk]),
        {
            "title": commitment.title,
            "status": "planned",
            "progress": 0,
            "outcome_document": documents["agenda"].pk,
            "clauses": [documents["agenda-1"].pk],
            "loaded_version": commitment.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    commitment.refresh_from_db()
    assert commitment.outcome_document == documents["agenda"]
    assert list(commitment.clauses.all()) == [documents["agenda-1"]]


def test_clauses_of_a_published_commitment_change_at_once(
    client, barcelona_staff, barcelona, documents
):
    commitment = builders.commitment(barcelona, state=PUBLISHED)
    client.force_login(barcelona_staff)
    response = client.post(
        reverse("portal:commitment-edit", args=[commitment.pk]),
        {
            "title": commitment.title,
            "status": "planned",
            "progress": 0,
            "outcome_document": documents["call"].pk,
            "clauses": [documents["call-2"].pk],
            "loaded_version": commitment.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    commitment.refresh_from_db()
    assert commitment.pending_changes == {}
    assert list(commitment.clauses.all()) == [documents["call-2"]]


# The admin judges clauses the same way ----------------------------------------------


@pytest.fixture
def admin_client(client, curator):
    ensure_groups()
    client.force_login(curator)
    return client


def test_the_admin_refuses_a_clause_of_another_outcome_document(
    admin_client, barcelona, documents
):
    commitment = builders.commitment(barcelona, outcome_document=documents["call"])
    url = admin_url(Commitment, "change", commitment.pk)
    data = form_data(admin_client.get(url))
    data["clauses"] = [documents["agenda-1"].pk]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Choose clauses of the outcome document this commitment answers." in field_errors(
        response, "clauses"
    )
    assert not commitment.clauses.exists()


def test_the_admin_changes_the_outcome_document_and_its_clauses_together(
    admin_client, barcelona, documents
):
    commitment = builders.commitment(barcelona, outcome_document=documents["call"])
    commitment.clauses.set([documents["call-1"]])
    url = admin_url(Commitment, "change", commitment.pk)
    data = form_data(admin_client.get(url))
    data.update(outcome_document=documents["agenda"].pk, clauses=[documents["agenda-1"].pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(commitment.clauses.all()) == [documents["agenda-1"]]


def test_a_commitment_whose_saved_clauses_belong_to_another_document_is_refused(
    barcelona, documents
):
    from django.core.exceptions import ValidationError

    commitment = builders.commitment(barcelona, outcome_document=documents["call"])
    commitment.clauses.set([documents["call-1"]])
    commitment.outcome_document = documents["agenda"]
    with pytest.raises(ValidationError) as excinfo:
        commitment.full_clean()
    assert excinfo.value.message_dict["outcome_document"] == [
        "This commitment answers clauses of another outcome document."
    ]


def test_a_conflicting_save_says_so_and_nothing_else(
    client, barcelona_staff, barcelona, documents
):
    commitment = builders.commitment(
        barcelona, state=Commitment.PublicationState.DRAFT, outcome_document=documents["call"]
    )
    commitment.clauses.set([documents["call-1"]])
    loaded = commitment.version
    Commitment.objects.filter(pk=commitment.pk).update(version=loaded + 1)  # saved since
    client.force_login(barcelona_staff)
    response = client.post(
        reverse("portal:commitment-edit", args=[commitment.pk]),
        {
            "title": commitment.title,
            "status": "planned",
            "progress": 0,
            "outcome_document": documents["agenda"].pk,
            "clauses": [documents["agenda-1"].pk],
            "loaded_version": loaded,
        },
    )
    errors = response.context["form"].errors
    assert list(errors) == ["__all__"]
    assert "Someone else saved this record" in errors["__all__"][0]
    assert list(commitment.clauses.all()) == [documents["call-1"]]
