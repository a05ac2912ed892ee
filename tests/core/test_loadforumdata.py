"""loadforumdata: the article's records, exactly, and a second run changes nothing."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from cities.models import City, Network, Organization
from commitments.models import RelocationAgreement
from forums.models import Forum, ForumPartner, Framework, OutcomeDocument


def _counts():
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in ("cities", "forums", "commitments"):
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.fixture
def loaded(db):
    call_command("loadforumdata", verbosity=0)


def test_running_it_twice_changes_nothing_and_adds_no_history(loaded, capsys):
    before = _counts()  # history models included: a rerun must add no history row
    assert before["forums.HistoricalForum"] == 3
    call_command("loadforumdata")
    assert _counts() == before
    assert "nothing changed" in capsys.readouterr().out


def test_the_three_forums_their_months_hosts_and_outcomes(loaded):
    forums = {forum.edition: forum for forum in Forum.objects.select_related("host_city")}
    expected = {
        1: ("Barcelona", "ES", datetime.date(2014, 6, 1), "June 2014", "Call of Barcelona"),
        2: (
            "Quito",
            "EC",
            datetime.date(2015, 11, 1),
            "November 2015",
            "Quito Local Agenda on Migration and Development",
        ),
        3: (
            "Quezon City",
            "PH",
            datetime.date(2016, 9, 1),
            "September 2016",
            "Quezon City Commitment to Action",
        ),
    }
    assert set(forums) == set(expected)
    for edition, (host, country, start, shown, outcome) in expected.items():
        forum = forums[edition]
        assert (forum.host_city.name, forum.host_city.country) == (host, country)
        assert (forum.start_date, forum.dates_display) == (start, shown)
        assert list(forum.outcome_documents.values_list("title", flat=True)) == [outcome]
        assert forum.participations.get().city == forum.host_city
        assert forum.source_citation


def test_the_asean_micic_blueprint_and_the_frameworks(loaded):
    blueprint = OutcomeDocument.objects.get(kind=OutcomeDocument.Kind.BLUEPRINT)
    assert "ASEAN" in blueprint.title and "MICIC" in blueprint.title
    assert blueprint.forum is None
    assert list(blueprint.framework_items.values_list("code", flat=True)) == ["MICIC"]

    nyd = Framework.objects.get(code="NYD")
    assert nyd.adopted_on == datetime.date(2016, 9, 19)
    nua = Framework.objects.get(code="NUA")
    assert (nua.adopted_on, nua.adopted_at) == (datetime.date(2016, 10, 20), "Quito")
    assert set(Framework.objects.values_list("code", flat=True)) == {
        "SDG",
        "NYD",
        "NUA",
        "GCM",
        "MICIC",
    }


def test_knomad_co_founded_every_forum(loaded):
    knomad = Organization.objects.get()
    assert knomad.name == "World Bank KNOMAD"
    roles = ForumPartner.objects.filter(organization=knomad).values_list("role", flat=True)
    assert list(roles) == [ForumPartner.Role.CO_FOUNDER] * 3


def test_athens_to_barcelona_100_refugees_in_the_solidarity_network(loaded):
    agreement = RelocationAgreement.objects.select_related("origin", "destination").get()
    assert (agreement.origin.name, agreement.destination.name) == ("Athens", "Barcelona")
    assert agreement.people_pledged == 100
    assert agreement.population_group == RelocationAgreement.PopulationGroup.REFUGEES
    network = Network.objects.get()
    assert agreement.network == network
    assert "refugees in Greece" in network.name
    assert set(network.cities.values_list("slug", flat=True)) == {"athens", "barcelona"}
    # The article gives no signing date and no transfers: none are invented.
    assert agreement.signed_on is None
    assert not agreement.transfers.exists()


def test_nothing_beyond_the_article(loaded):
    assert set(City.objects.values_list("slug", flat=True)) == {
        "barcelona",
        "quito",
        "quezon-city",
        "athens",
    }
    assert not City.objects.exclude(leader_name="").exists()
    assert not City.objects.exclude(population=None).exists()
