"""loadforumdata: the network's record with its sources, run safely on every start."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from cities.models import City, Network, Organization, SteeringPartner
from commitments.management.commands.loadforumdata import read_local_actions
from commitments.models import RelocationAgreement
from core.models import LoadedRecord
from forums.models import (
    FigureClaim,
    Forum,
    ForumPartner,
    Framework,
    FrameworkItem,
    OutcomeDocument,
    Theme,
)
from tests.curation import admin_url, ensure_groups, form_data

RECORD_APPS = ("cities", "forums", "commitments")


def _counts():
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in (*RECORD_APPS, "core"):
            counts[model._meta.label] = model._default_manager.count()
    return counts


def _load(*args, **kwargs):
    out = io.StringIO()
    call_command("loadforumdata", *args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    call_command("loadforumdata", verbosity=0)


# Idempotent, and never undoes a person's edit -------------------------------------


def test_running_it_twice_changes_nothing_and_adds_no_history(loaded):
    before = _counts()  # history models included: a rerun must add no history row
    assert before["forums.HistoricalForum"] == 6
    versions = dict(Forum.objects.values_list("pk", "version"))

    output = _load()

    assert _counts() == before
    assert dict(Forum.objects.values_list("pk", "version")) == versions
    assert "nothing changed" in output


@pytest.fixture
def curator_client(client, curator):
    ensure_groups()
    client.force_login(curator)
    return client


def _correct_the_pledge_in_the_admin(client, agreement, people):
    url = admin_url(RelocationAgreement, "change", agreement.pk)
    data = form_data(client.get(url))
    data["people_pledged"] = str(people)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.people_pledged == people


def test_a_curators_correction_in_the_admin_survives_the_next_load(loaded, curator_client):
    agreement = RelocationAgreement.objects.get()
    _correct_the_pledge_in_the_admin(curator_client, agreement, 120)
    history_rows = agreement.history.count()

    output = _load()

    agreement.refresh_from_db()
    assert agreement.people_pledged == 120
    assert agreement.history.count() == history_rows
    assert "Left alone: relocation agreement «agreement:athens:barcelona»" in output
    assert "people_pledged: now 120, loaded 100" in output
    assert "--reset" in output
    # The rest of the record is still kept up to date and unchanged.
    assert Forum.objects.count() == 6


def test_a_correction_survives_even_on_a_database_loaded_before_marks_existed(
    loaded, curator_client
):
    LoadedRecord.objects.all().delete()  # as on a database loaded by the old command
    agreement = RelocationAgreement.objects.get()
    _correct_the_pledge_in_the_admin(curator_client, agreement, 120)

    output = _load()

    agreement.refresh_from_db()
    assert agreement.people_pledged == 120
    assert "edited by a person and differs from the sources" in output


def test_a_record_no_person_touched_is_brought_up_to_date(loaded):
    LoadedRecord.objects.all().delete()
    # As the old command left it: month precision, no day.
    forum = Forum.objects.get(edition=1)
    forum.date_precision = "month"
    forum.save()

    _load()

    forum.refresh_from_db()
    assert forum.dates_display == "19–20 June 2014"


def test_an_edit_that_bypasses_history_is_left_alone_too(loaded):
    Forum.objects.filter(edition=4).update(theme="Corrected theme", slug="berlin")

    output = _load()

    forum = Forum.objects.get(edition=4)
    assert (forum.theme, forum.slug) == ("Corrected theme", "berlin")
    assert Forum.objects.count() == 6  # found by its key, not re-created under the old slug
    assert "Left alone: forum «forum:4»" in output


def test_a_record_deleted_by_a_curator_is_not_brought_back(loaded):
    figure = FigureClaim.objects.get(value=104)
    figure.delete()

    output = _load()

    assert not FigureClaim.objects.filter(value=104).exists()
    assert "deleted since it was loaded; not recreated" in output


def test_reset_names_what_it_overwrites_then_overwrites_it(loaded, curator_client):
    agreement = RelocationAgreement.objects.get()
    _correct_the_pledge_in_the_admin(curator_client, agreement, 120)

    output = _load("--reset", interactive=False)

    agreement.refresh_from_db()
    assert agreement.people_pledged == 100
    assert "Overwriting: relocation agreement «agreement:athens:barcelona»" in output
    assert "people_pledged: now 120, loaded 100" in output
    # Back in the loader's hands: the next run leaves it be, silently.
    assert "nothing changed" in _load()


def test_reset_asks_before_overwriting_and_a_no_writes_nothing(
    loaded, curator_client, monkeypatch
):
    agreement = RelocationAgreement.objects.get()
    _correct_the_pledge_in_the_admin(curator_client, agreement, 120)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing was written"):
        _load("--reset")

    agreement.refresh_from_db()
    assert agreement.people_pledged == 120


def test_dry_run_writes_nothing(db):
    output = _load("--dry-run")

    assert "Dry run" in output
    assert not Forum.objects.exists()


# The record ------------------------------------------------------------------------


def test_every_record_it_writes_has_a_source(loaded):
    checked = 0
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label not in RECORD_APPS or opts.auto_created:
            continue
        if opts.model_name.startswith("historical") or opts.model_name.endswith("tally"):
            continue  # history and running counts are not records
        for row in model._default_manager.all():
            source = getattr(row, "source_url", "") or getattr(row, "source_citation", "")
            # A progress update of the secretariat's cites its page as its evidence.
            source = source or getattr(row, "evidence_url", "")
            assert source, f"{opts.label} {row} has no source"
            checked += 1
    assert checked == LoadedRecord.objects.count()


def test_the_six_forums_with_their_days_hosts_and_outcomes(loaded):
    forums = {forum.edition: forum for forum in Forum.objects.select_related("host_city")}
    expected = {
        1: ("Barcelona", "19–20 June 2014", ["Call of Barcelona"]),
        2: (
            "Quito",
            "12–13 November 2015",
            ["Quito Local Agenda on Migration and Development"],
        ),
        3: (
            "Quezon City",
            "29–30 September 2016",
            ["Quezon City Commitment to Action"],
        ),
        4: (
            "Berlin",
            "26–27 June 2017",
            [
                "Mayoral Declaration on Migrants and Refugees: Meeting Needs, Protecting "
                "Rights and Fostering Empowerment"
            ],
        ),
        5: (
            "Marrakech",
            "8 December 2018",
            ["Marrakech Mayors Declaration: Cities Working Together for Migrants and Refugees"],
        ),
        6: ("Quito", "22 January 2020", []),
    }
    assert set(forums) == set(expected)
    for edition, (host, shown, outcomes) in expected.items():
        forum = forums[edition]
        assert forum.host_city.name == host
        assert forum.dates_display == shown
        assert list(forum.outcome_documents.values_list("title", flat=True)) == outcomes
        assert forum.participations.get().city == forum.host_city
        assert forum.source_url
    assert "no outcome document" in forums[6].summary


def test_figures_that_disagree_are_all_kept_with_their_sources(loaded):
    marrakech = OutcomeDocument.objects.get(slug="marrakech-mayors-declaration")
    signatories = marrakech.figures.filter(counted=FigureClaim.Counted.SIGNATORIES)
    assert sorted(signatories.values_list("value", flat=True)) == [64, 76, 104]
    assert len({figure.source_url for figure in signatories}) == 3
    assert signatories.get(value=104).to_date

    quezon = Forum.objects.get(edition=3)
    assert {(f.value, f.get_qualifier_display()) for f in quezon.figures.all()} >= {
        (119, "exactly"),
        (58, "exactly"),
        (170, "more than"),
    }
    # 40 endorsing cities, none named: a figure, not 40 invented endorsements.
    berlin = OutcomeDocument.objects.get(slug="berlin-mayoral-declaration")
    assert berlin.figures.get().value == 40
    assert not berlin.endorsements.exists()


def test_the_mayors_mechanism_and_its_steering_partners(loaded):
    mechanism = Organization.objects.get(slug="gfmd-mayors-mechanism")
    partners = SteeringPartner.objects.filter(organization=mechanism)
    assert {p.partner.slug for p in partners} == {"uclg", "mayors-migration-council", "iom"}
    assert "8 December 2018" in mechanism.description
    assert ForumPartner.objects.filter(
        organization=mechanism, forum__edition=6, role="co_organizer"
    ).exists()
    assert set(Organization.objects.values_list("slug", flat=True)) >= {
        "unitar",
        "iom",
        "un-habitat",
        "world-bank-knomad",
        "uclg",
        "mayors-migration-council",
    }


def test_knomad_co_founded_the_forums_the_article_covers(loaded):
    knomad = Organization.objects.get(slug="world-bank-knomad")
    assert knomad.name == "World Bank KNOMAD"
    editions = ForumPartner.objects.filter(organization=knomad, role="co_founder")
    assert sorted(editions.values_list("forum__edition", flat=True)) == [1, 2, 3]


def test_athens_to_barcelona_100_refugees_signed_16_march_2016(loaded):
    agreement = RelocationAgreement.objects.select_related("origin", "destination").get()
    assert (agreement.origin.name, agreement.destination.name) == ("Athens", "Barcelona")
    assert agreement.people_pledged == 100
    assert agreement.signed_on == datetime.date(2016, 3, 16)
    assert agreement.source_url.startswith("https://www.catalannews.com/")
    network = Network.objects.get()
    assert agreement.network == network
    assert set(network.cities.values_list("slug", flat=True)) == {"athens", "barcelona"}
    assert not agreement.transfers.exists()


def test_the_asean_micic_blueprint_and_the_frameworks(loaded):
    blueprint = OutcomeDocument.objects.get(kind=OutcomeDocument.Kind.BLUEPRINT)
    assert blueprint.forum is None
    assert list(blueprint.framework_items.values_list("code", flat=True)) == ["MICIC"]
    assert set(Framework.objects.values_list("code", flat=True)) == {
        "SDG",
        "NYD",
        "NUA",
        "GCM",
        "GCR",
        "MICIC",
    }
    nua = Framework.objects.get(code="NUA")
    assert (nua.adopted_on, nua.adopted_at) == (datetime.date(2016, 10, 20), "Quito")


def test_framework_items_at_the_level_people_report_against(loaded):
    gcm = FrameworkItem.objects.filter(framework__code="GCM", parent__code="GCM")
    assert sorted(gcm.values_list("code", flat=True), key=lambda c: int(c[4:])) == [
        f"GCM-{n}" for n in range(1, 24)
    ]
    assert FrameworkItem.objects.get(code="GCM-15").title == "Access to basic services"
    assert FrameworkItem.objects.filter(parent__code="GCR").count() == 4
    targets = {
        item.code: item.parent.code
        for item in FrameworkItem.objects.filter(parent__parent__code="SDG")
    }
    assert targets == {
        "SDG-5.2": "SDG-5",
        "SDG-8.7": "SDG-8",
        "SDG-8.8": "SDG-8",
        "SDG-10.7": "SDG-10",
        "SDG-10.c": "SDG-10",
        "SDG-16.2": "SDG-16",
        "SDG-16.9": "SDG-16",
        "SDG-17.18": "SDG-17",
    }
    for code in ("NYD", "NUA", "MICIC"):
        assert FrameworkItem.objects.get(code=code).parent is None


def test_themes_and_frameworks_have_spanish_and_french_names(loaded):
    assert not Theme.objects.filter(name_es="").exists()
    assert not Theme.objects.filter(name_fr="").exists()
    assert not Framework.objects.filter(name_es="").exists()
    assert not FrameworkItem.objects.filter(title_fr="").exists()


def test_nothing_beyond_the_sources(loaded):
    # The forums' hosts and parties, and the places of the cities' local actions.
    local = {place["slug"] for place in read_local_actions()["city"]}
    assert (
        set(City.objects.values_list("slug", flat=True))
        == {
            "barcelona",
            "quito",
            "quezon-city",
            "athens",
            "berlin",
            "marrakech",
        }
        | local
    )
    assert not City.objects.exclude(leader_name="").exists()
    assert not City.objects.exclude(population=None).exists()
    assert not OutcomeDocument.objects.filter(endorsements__isnull=False).exists()
