"""loadforumdata: the network's record with its sources, run safely on every start."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from cities.models import City, Network, Organization, SteeringPartner
from commitments.management.commands.loadforumdata import (
    FORUMS,
    read_local_actions,
    read_record,
)
from commitments.models import Commitment, CommitmentPartner, ProgressUpdate, RelocationAgreement
from forums.models import (
    FigureClaim,
    Forum,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    GoodPractice,
    OutcomeDocument,
    Theme,
)
from tests.curation import admin_url, ensure_groups, form_data

RECORD_APPS = ("cities", "forums", "commitments")


def _shipped_counts():
    """How many rows of each model the shipped records hold, counted from the files."""
    shipped, local = read_record(FORUMS), read_local_actions()
    items = local["item"]
    commitments = [item for item in items if item["kind"] == "commitment"]
    return {
        Theme: len(shipped["theme"]),
        Network: 1,
        City: len({c["slug"] for c in shipped["city"] + local["city"]}),
        Organization: len(shipped["organization"]),
        SteeringPartner: len(shipped["steering"]),
        Framework: len(shipped["framework"]),
        FrameworkItem: len(shipped["framework"]) + len(shipped["framework_item"]),
        Forum: len(shipped["forum"]),
        ForumParticipation: len(shipped["forum"]),
        ForumPartner: sum(len(forum.get("partners", [])) for forum in shipped["forum"]),
        OutcomeDocument: len(shipped["outcome"]),
        FigureClaim: len(shipped["figure"]),
        Commitment: len(commitments),
        ProgressUpdate: sum(len(item.get("update", [])) for item in commitments),
        CommitmentPartner: sum(len(item.get("partners", [])) for item in commitments),
        GoodPractice: sum(item["kind"] == "practice" for item in items),
        RelocationAgreement: 1 + sum(item["kind"] == "agreement" for item in items),
    }


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


# Creates what is missing, never changes an existing row ----------------------------


def test_an_empty_database_gets_every_shipped_record(db):
    output = _load()

    shipped = _shipped_counts()
    assert {model: model.objects.count() for model in shipped} == shipped
    assert f"Created {sum(shipped.values())} record(s) (" in output
    assert "forums: 6" in output
    assert "0 shipped record(s) already existed" in output


def test_running_it_twice_creates_nothing_and_changes_nothing(loaded):
    before = _counts()  # history models included: a rerun must add no history row
    assert before["forums.HistoricalForum"] == 6
    versions = dict(Forum.objects.values_list("pk", "version"))

    output = _load()

    assert _counts() == before
    assert dict(Forum.objects.values_list("pk", "version")) == versions
    assert "Created" not in output
    assert f"{sum(_shipped_counts().values())} shipped record(s) already existed" in output


@pytest.fixture
def curator_client(client, curator):
    ensure_groups()
    client.force_login(curator)
    return client


def _correct_the_pledge_in_the_admin(client, people):
    agreement = RelocationAgreement.objects.get(origin__slug="athens")
    url = admin_url(RelocationAgreement, "change", agreement.pk)
    data = form_data(client.get(url))
    data["people_pledged"] = str(people)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.people_pledged == people
    return agreement


def test_a_curators_correction_in_the_admin_survives_the_next_load(loaded, curator_client):
    agreement = _correct_the_pledge_in_the_admin(curator_client, 120)
    history_rows = agreement.history.count()

    _load()

    agreement.refresh_from_db()
    assert agreement.people_pledged == 120
    assert agreement.history.count() == history_rows


def test_a_renamed_record_is_still_found_not_created_again(loaded):
    commitment = Commitment.objects.order_by("pk").first()
    commitment.title = "A curator's clearer title"
    commitment.save()
    City.objects.filter(slug="berlin").update(slug="berlin-de")  # even bypassing history

    _load()

    assert Commitment.objects.count() == _shipped_counts()[Commitment]
    assert not City.objects.filter(slug="berlin").exists()
    assert Commitment.objects.filter(title="A curator's clearer title").exists()


def test_a_deleted_shipped_record_is_created_again(loaded):
    FigureClaim.objects.get(value=104).delete()

    output = _load()

    assert FigureClaim.objects.filter(value=104).exists()
    assert "Created 1 record(s) (figures with their sources: 1)." in output


# --reset: every difference, then the shipped records back -------------------------


def test_reset_lists_each_difference_then_writes_the_shipped_values(
    loaded, curator_client, monkeypatch
):
    _correct_the_pledge_in_the_admin(curator_client, 120)
    document = OutcomeDocument.objects.get(slug="call-to-local-action")
    document.themes.clear()
    FigureClaim.objects.get(value=104).delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    output = _load("--reset")

    assert "Differs: relocation agreement «Athens → Barcelona: 120 refugees»" in output
    assert "  people_pledged: database 120, shipped 100" in output
    assert "Differs: outcome document «Call to Local Action for Migrants and Refugees»" in output
    assert "  themes: database [], shipped ['Governance of migration']" in output
    assert "Missing: figure with its source «Marrakech Mayors Declaration" in output
    assert "Created 1 and overwrote 2 record(s)." in output
    agreement = RelocationAgreement.objects.get(origin__slug="athens")
    assert agreement.people_pledged == 100
    assert agreement.history.latest().history_change_reason == "loadforumdata"
    assert list(document.themes.values_list("name", flat=True)) == ["Governance of migration"]
    assert FigureClaim.objects.filter(value=104).exists()
    assert "No differences" in _load("--reset")


def test_reset_with_yes_overwrites_without_asking(loaded, curator_client):
    _correct_the_pledge_in_the_admin(curator_client, 120)

    _load("--reset", "--yes")

    assert RelocationAgreement.objects.get(origin__slug="athens").people_pledged == 100


def test_declining_the_reset_changes_nothing(loaded, curator_client, monkeypatch):
    _correct_the_pledge_in_the_admin(curator_client, 120)
    FigureClaim.objects.get(value=104).delete()
    before = _counts()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing was written"):
        _load("--reset")

    assert _counts() == before
    assert RelocationAgreement.objects.get(origin__slug="athens").people_pledged == 120
    assert not FigureClaim.objects.filter(value=104).exists()


def test_reset_on_the_shipped_records_finds_no_difference_and_writes_nothing(loaded, monkeypatch):
    before = _counts()
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked for nothing"))

    output = _load("--reset")

    assert output == "No differences: the database holds the shipped records.\n"
    assert _counts() == before


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
    assert checked == sum(_shipped_counts().values())


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
