"""The public commitment and relocation pages: /commitments/, /commitments/<id>/,
/relocations/, /relocations/<id>/."""

import datetime

import pytest
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement
from forums.models import Clause
from tests import builders

pytestmark = pytest.mark.django_db


def titles(response):
    assert response.status_code == 200
    return sorted(c.title for c in response.context["rows"])


def agreement_ids(response):
    assert response.status_code == 200
    return sorted(a.pk for a in response.context["rows"])


@pytest.fixture
def commitments(barcelona, quito, athens):
    """Four published commitments that each filter tells apart, and a draft."""
    housing, health = builders.theme("housing"), builders.theme("health")
    target = builders.framework_item("SDG-10.7")
    first_forum = builders.forum(barcelona, edition=1, year=2014)
    second_forum = builders.forum(quito, edition=2, year=2015)
    call = builders.outcome("call-of-barcelona", forum=first_forum)
    agenda = builders.outcome("quito-agenda", forum=second_forum)
    made = {
        "shelter": builders.commitment(
            barcelona, title="Shelter network", status="in_progress", progress=30,
            outcome_document=call, start_date=datetime.date(2015, 3, 1),
        ),
        "clinics": builders.commitment(
            barcelona, title="Health clinics", status="achieved",
            outcome_document=agenda, start_date=datetime.date(2016, 3, 1),
        ),
        "jobs": builders.commitment(
            quito, title="Jobs for newcomers", status="planned",
            outcome_document=agenda, start_date=datetime.date(2016, 5, 1),
        ),
        "reception": builders.commitment(
            athens, title="Reception centres", status="stalled", progress=10,
        ),
    }  # fmt: skip
    made["shelter"].themes.set([housing])
    made["clinics"].themes.set([health])
    made["jobs"].themes.set([housing, health])
    made["shelter"].framework_items.set([target])
    made["jobs"].framework_items.set([target])
    builders.commitment(quito, state=Commitment.PublicationState.DRAFT, title="Draft housing")
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Health clinics", "Jobs for newcomers", "Reception centres", "Shelter network"]),
        ("q=shelter", ["Shelter network"]),
        ("city=barcelona", ["Health clinics", "Shelter network"]),
        ("city=quito&city=athens", ["Jobs for newcomers", "Reception centres"]),
        ("country=EC", ["Jobs for newcomers"]),
        ("country=ES&country=GR", ["Health clinics", "Reception centres", "Shelter network"]),
        ("region=americas", ["Jobs for newcomers"]),
        ("region=europe", ["Health clinics", "Reception centres", "Shelter network"]),
        ("status=in_progress", ["Shelter network"]),
        ("status=achieved&status=stalled", ["Health clinics", "Reception centres"]),
        ("theme=housing", ["Jobs for newcomers", "Shelter network"]),
        (
            "theme=housing&theme=health",
            ["Health clinics", "Jobs for newcomers", "Shelter network"],
        ),
        ("framework=SDG-10.7", ["Jobs for newcomers", "Shelter network"]),
        ("outcome=quito-agenda", ["Health clinics", "Jobs for newcomers"]),
        ("forum=forum-1", ["Shelter network"]),
        ("year=2016", ["Health clinics", "Jobs for newcomers"]),
        ("year=2015&year=2016", ["Health clinics", "Jobs for newcomers", "Shelter network"]),
        ("city=barcelona&theme=health", ["Health clinics"]),
        ("region=europe&status=stalled&q=centres", ["Reception centres"]),
    ],
)
def test_every_commitment_filter_narrows_the_list(client, commitments, query, expected):
    assert titles(client.get(f"/commitments/?{query}")) == expected


def test_the_list_shows_city_status_progress_and_marks(client, barcelona):
    old = builders.commitment(
        barcelona, title="Late plan", status="in_progress", progress=40,
        target_date=datetime.date(2001, 1, 1),
    )  # fmt: skip
    # Stale counts from publication when there is no update (issue 10).
    Commitment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=800),
        published_at=timezone.now() - datetime.timedelta(days=800),
    )

    html = client.get("/commitments/").content.decode()

    assert 'href="/cities/barcelona/">Barcelona</a>' in html
    assert '<progress max="100" value="40"' in html
    assert ">overdue</span>" in html
    assert ">stale</span>" in html
    assert ">in progress</span>" in html


@pytest.fixture
def agreements(barcelona, quito, athens):
    madrid = builders.city("madrid", "ES")
    return {
        "athens-barcelona": builders.agreement(
            athens, barcelona, pledged=100, signed_on=datetime.date(2016, 3, 1),
            status="in_progress",
        ),
        "barcelona-quito": builders.agreement(
            barcelona, quito, pledged=20, population_group="unaccompanied_minors",
            signed_on=datetime.date(2017, 3, 1), status="signed",
        ),
        "quito-madrid": builders.agreement(
            quito, madrid, pledged=5, notes="A pilot for families", status="completed",
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["athens-barcelona", "barcelona-quito", "quito-madrid"]),
        ("q=pilot", ["quito-madrid"]),
        ("city=barcelona", ["athens-barcelona", "barcelona-quito"]),
        ("city=athens&city=madrid", ["athens-barcelona", "quito-madrid"]),
        ("origin=barcelona", ["barcelona-quito"]),
        ("destination=barcelona", ["athens-barcelona"]),
        ("origin=quito&destination=madrid", ["quito-madrid"]),
        ("country=GR", ["athens-barcelona"]),
        ("country=EC", ["barcelona-quito", "quito-madrid"]),
        ("status=signed&status=completed", ["barcelona-quito", "quito-madrid"]),
        ("group=unaccompanied_minors", ["barcelona-quito"]),
        ("year=2016", ["athens-barcelona"]),
        ("year=2016&year=2017", ["athens-barcelona", "barcelona-quito"]),
    ],
)
def test_every_relocation_filter_narrows_the_list(client, agreements, query, expected):
    assert agreement_ids(client.get(f"/relocations/?{query}")) == sorted(
        agreements[key].pk for key in expected
    )


def test_the_relocation_list_shows_pledged_against_relocated(client, agreements, athens):
    agreement = agreements["athens-barcelona"]
    builders.transfer(agreement, 30, reported_by_city=athens, confirmed=True)
    builders.transfer(agreement, 12, reported_by_city=athens, confirmed=True)
    builders.transfer(agreement, 8, reported_by_city=athens)

    response = client.get("/relocations/?city=athens")

    # Relocated counts the confirmed transfers; the unconfirmed are shown beside it.
    assert response.context["rows"][0].relocated == 42
    html = response.content.decode()
    assert '<progress max="100" value="42"' in html
    assert "8 reported by Athens, awaiting Barcelona’s confirmation" in html
    assert "Athens → Barcelona" in html


def test_a_commitment_page_shows_what_the_public_needs(client, barcelona, curator):
    document = builders.outcome("quito-agenda", title="Quito Local Agenda")
    clause = Clause.objects.create(document=document, number="4", text="Secure resources.")
    commitment = builders.commitment(
        barcelona,
        title="Shelter network",
        status="in_progress",
        progress=55,
        outcome_document=document,
        target_date=datetime.date(2001, 1, 1),
        resources_needed="250000",
        currency="EUR",
        source_url="https://example.org/source",
    )
    commitment.clauses.set([clause])
    commitment.themes.set([builders.theme("housing")])
    commitment.framework_items.set([builders.framework_item("SDG-10.7")])
    ProgressUpdate.objects.create(
        commitment=commitment, date=datetime.date(2020, 5, 1), text="Opened two shelters",
        percent=55, reported_by_city=True,
    )  # fmt: skip
    ProgressUpdate.objects.create(
        commitment=commitment, date=datetime.date(2021, 5, 1), text="Audited",
        percent=55, reported_by_city=False, verified=True, verified_by=curator,
    )  # fmt: skip

    html = client.get(f"/commitments/{commitment.pk}/").content.decode()

    for expected in [
        "Shelter network", ">in progress</span>", ">overdue</span>",
        '<progress max="100" value="55"', "Quito Local Agenda § 4", "Housing",
        "SDG-10.7", "Opened two shelters", "self-reported by the city",
        "entered by the secretariat", "verified by the secretariat", "not yet verified",
        "250,000 EUR", "https://example.org/source",
    ]:  # fmt: skip
        assert expected in html, expected
    assert curator.username not in html


def test_what_changed_shows_field_names_and_dates_but_no_one(
    client, barcelona, barcelona_staff, curator
):
    commitment = builders.commitment(
        barcelona, state=Commitment.PublicationState.DRAFT, title="Draft nobody saw"
    )
    commitment.title = "Shelter"
    commitment.save()
    services.submit_for_review(commitment=commitment, user=barcelona_staff)
    services.publish(commitment=commitment, user=curator)
    services.add_progress_update(
        commitment=commitment,
        user=barcelona_staff,
        date=timezone.localdate(),
        text="Started",
        percent=20,
    )
    services.propose_changes(
        commitment=commitment, user=barcelona_staff, changes={"title": "Waiting for review"}
    )

    response = client.get(f"/commitments/{commitment.pk}/")

    changes = response.context["changes"]
    assert [c.get("published", False) for c in changes] == [False, True]
    assert [str(name) for name in changes[0]["fields"]] == ["progress (%)"]
    html = response.content.decode()
    assert "What changed and when" in html
    for private in ["barcelona-staff", "curator", "Waiting for review", "Draft nobody saw"]:
        assert private not in html


def test_a_relocation_page_shows_pledged_relocated_remaining_and_transfers(
    client, athens, barcelona
):
    network = builders.baker.make(
        "cities.Network", slug="solidarity", name="Inter-EU city solidarity network"
    )
    agreement = builders.agreement(
        athens, barcelona, pledged=100, network=network, status="in_progress",
        source_url="https://example.org/article",
    )  # fmt: skip
    builders.transfer(agreement, 30, reported_by_city=athens, confirmed=True)
    builders.transfer(agreement, 10, reported_by_city=barcelona)
    builders.transfer(agreement, 5)

    response = client.get(f"/relocations/{agreement.pk}/")

    html = response.content.decode()
    # Relocated counts the confirmed transfer only (issue 10); the others are beside it.
    assert response.context["agreement"].relocated == 30
    assert response.context["agreement"].awaiting == 15
    assert response.context["agreement"].remaining == 55
    for expected in [
        "Relocation from Athens to Barcelona", "<dd>100</dd>", "<dd>30</dd>", "<dd>15</dd>",
        "<dd>55</dd>", "10 reported by Barcelona, awaiting Athens’s confirmation",
        "5 entered by the secretariat, awaiting the cities’ confirmation",
        "Inter-EU city solidarity network", "confirmed by both cities",
        "awaiting the other city's confirmation", "the secretariat", "in progress",
        "https://example.org/article",
    ]:  # fmt: skip
        assert expected in html, expected


@pytest.mark.parametrize("size", [2, 25])
def test_pages_stay_within_a_query_budget(client, django_assert_max_num_queries, size):
    builders.populate(size)
    commitment = Commitment.objects.published().first()
    agreement = RelocationAgreement.objects.first()
    pages = [
        # theme validation, the facets (status, initiative, outcome, forum and year in
        # one grouped query; region, country and city in one over both sides; theme and
        # framework item one each), count, rows, their partner cities, the charts of the
        # selection (by theme: the themes, and their counts), and what the record holds
        # (commitments by initiative, practices)
        ("/commitments/?status=planned&status=in_progress&theme=theme-0", 20),
        ("/commitments/", 19),
        ("/commitments/?page=1&sort=city&q=commitment", 19),
        # city validation, the facets (city and country over both sides in one query),
        # count, rows, the pledged-by-city chart, what the record holds (two)
        ("/relocations/?city=city-0", 13),
        # the commitment (with flags), themes, framework items and their framework,
        # updates, clauses with their document, partner cities, the commitments that
        # answer it, history
        (f"/commitments/{commitment.pk}/", 9),
        # the agreement with totals and related cities, transfers (with reporting city)
        (f"/relocations/{agreement.pk}/", 3),
    ]
    for url, budget in pages:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
