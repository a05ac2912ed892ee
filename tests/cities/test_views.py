"""The public city pages: /cities/ and /cities/<slug>/."""

import datetime

import pytest
from model_bakery import baker

from cities.models import City, Network
from commitments.models import Commitment
from forums.models import Endorsement, ForumParticipation, GoodPractice, Replication
from tests import builders

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200
    return sorted(city.slug for city in response.context["rows"])


@pytest.fixture
def cities(barcelona, quito, athens):
    quezon = builders.city(
        "quezon-city", "PH", name="Quezon City", kind=City.Kind.CITY, leader_name="Mayor Q"
    )
    catalonia = builders.city("catalonia", "ES", kind=City.Kind.REGION)
    solidarity = baker.make(Network, slug="solidarity", name="Solidarity network")
    solidarity.cities.set([athens, barcelona])
    first = builders.forum(barcelona, edition=1, year=2014)
    second = builders.forum(quito, edition=2, year=2015)
    ForumParticipation.objects.create(forum=first, city=barcelona, role="host")
    ForumParticipation.objects.create(forum=first, city=quito)
    ForumParticipation.objects.create(forum=second, city=quito, role="host")
    ForumParticipation.objects.create(forum=second, city=quezon)
    return {"quezon": quezon, "catalonia": catalonia}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["athens", "barcelona", "catalonia", "quezon-city", "quito"]),
        ("q=quezon", ["quezon-city"]),
        ("q=mayor", ["quezon-city"]),
        ("region=europe", ["athens", "barcelona", "catalonia"]),
        ("region=americas&region=asia", ["quezon-city", "quito"]),
        ("country=ES", ["barcelona", "catalonia"]),
        ("country=GR&country=EC", ["athens", "quito"]),
        ("kind=region", ["catalonia"]),
        ("network=solidarity", ["athens", "barcelona"]),
        ("forum=forum-1", ["barcelona", "quito"]),
        ("forum=forum-1&forum=forum-2", ["barcelona", "quezon-city", "quito"]),
        ("forum=forum-2&region=americas", ["quito"]),
        ("network=solidarity&country=ES", ["barcelona"]),
    ],
)
def test_every_city_filter_narrows_the_list(client, cities, query, expected):
    assert slugs(client.get(f"/cities/?{query}")) == expected


def test_the_list_sorts_by_population(client):
    builders.city("small", population=10)
    builders.city("large", population=1000)
    builders.city("unknown")

    response = client.get("/cities/?sort=population")

    assert [c.slug for c in response.context["rows"]] == ["large", "small", "unknown"]


def test_a_city_page_shows_its_profile_with_markdown_sanitized(client):
    builders.city(
        "bogota",
        "CO",
        name="Bogotá",
        profile="A **welcoming** city.<script>alert(1)</script> [site](javascript:alert(2))",
        population=7_000_000,
    )

    html = client.get("/cities/bogota/").content.decode()

    assert "<strong>welcoming</strong>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "7,000,000" in html
    assert "Colombia" in html


def test_a_city_page_shows_forums_endorsements_and_commitments_by_status(client, barcelona, quito):
    forum = builders.forum(barcelona, edition=1, year=2014, title="First Mayoral Forum")
    ForumParticipation.objects.create(forum=forum, city=barcelona, role="host")
    call = builders.outcome("call-of-barcelona", forum=forum, title="Call of Barcelona")
    Endorsement.objects.create(
        document=call, city=barcelona, endorsed_on=datetime.date(2014, 6, 1),
        endorsed_precision="month",
    )  # fmt: skip
    builders.commitment(barcelona, title="Shelter network", status="in_progress", progress=30)
    builders.commitment(barcelona, title="Health clinics", status="achieved")
    builders.commitment(barcelona, title="Language classes", status="in_progress")
    builders.commitment(quito, title="Quito jobs")

    response = client.get("/cities/barcelona/")

    html = response.content.decode()
    assert "First Mayoral Forum" in html and ">host</span>" in html
    assert "Call of Barcelona" in html and "endorsed June 2014" in html
    groups = [
        (status, [c.title for c in items])
        for _label, status, items in response.context["commitments_by_status"]
    ]
    assert groups == [
        ("in_progress", ["Language classes", "Shelter network"]),
        ("achieved", ["Health clinics"]),
    ]
    assert "Quito jobs" not in html
    assert 'href="/commitments/?city=barcelona"' in html


def test_a_city_page_shows_agreements_in_both_directions(client, athens, barcelona, quito):
    to_barcelona = builders.agreement(athens, barcelona, pledged=100)
    builders.transfer(to_barcelona, 40, confirmed=True)
    builders.agreement(barcelona, quito, pledged=20)
    builders.agreement(athens, quito, pledged=7)

    response = client.get("/cities/barcelona/")

    assert [
        (a.origin.slug, a.relocated) for a in response.context["agreements_as_destination"]
    ] == [("athens", 40)]
    assert [a.destination.slug for a in response.context["agreements_as_origin"]] == ["quito"]
    html = response.content.decode()
    assert "From Athens" in html and "To Quito" in html
    assert '<td class="num">100</td>' in html and '<td class="num">40</td>' in html


def test_a_city_page_shows_good_practices_presented_and_replicated(client, barcelona, quito):
    presented = baker.make(GoodPractice, city=barcelona, slug="welcome", title="Welcome desks")
    Replication.objects.create(practice=presented, city=quito)
    from_quito = baker.make(GoodPractice, city=quito, slug="bus", title="Mobile registry")
    Replication.objects.create(practice=from_quito, city=barcelona, note="Adapted in 2016")

    html = client.get("/cities/barcelona/").content.decode()

    assert "Welcome desks" in html and "Replicated by" in html and ">Quito</a>" in html
    assert "Mobile registry" in html and "Adapted in 2016" in html


def test_only_published_commitments_count_on_a_city_page(client, barcelona):
    builders.commitment(barcelona, state=Commitment.PublicationState.SUBMITTED, title="Pending")

    html = client.get("/cities/barcelona/").content.decode()

    assert "Pending" not in html
    assert "No published commitment yet." in html


@pytest.mark.parametrize("size", [2, 25])
def test_pages_stay_within_a_query_budget(client, django_assert_max_num_queries, size):
    builders.populate(size)
    pages = [
        # 5 facets (one grouped query each), count, rows, their networks
        ("/cities/", 8),
        # + validation of the network and of the forum named
        ("/cities/?network=network&forum=forum-1&sort=country", 10),
        # the city, its networks, published commitments (with flags, lead or partner)
        # and their partner cities, agreements (with totals), forums, endorsements, good
        # practices and their replicating cities, practices it replicated
        ("/cities/city-0/", 10),
    ]
    for url, budget in pages:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
