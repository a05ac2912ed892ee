"""Good practices as first-class records: /practices/, /practices/<slug>/, their feed,
downloads, and their place in the site search."""

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from django.utils import translation
from model_bakery import baker

from forums.models import GoodPractice, Replication
from tests import builders

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def slugs(response):
    assert response.status_code == 200
    return sorted(row.slug for row in response.context["rows"])


@pytest.fixture
def practices(barcelona, quito, athens):
    housing, health = builders.theme("housing"), builders.theme("health")
    forum = builders.forum(barcelona, edition=1, year=2014)
    welcome = baker.make(
        GoodPractice, slug="welcome-desk", title="Welcome desk", city=barcelona, forum=forum,
        description="A **single door** for newcomers.<script>alert(1)</script>",
        source_url="https://example.org/welcome",
    )  # fmt: skip
    welcome.themes.set([housing])
    Replication.objects.create(practice=welcome, city=athens, note="Opened in 2017")
    Replication.objects.create(practice=welcome, city=quito)
    jobs = baker.make(GoodPractice, slug="job-fair", title="Job fair", city=quito)
    jobs.themes.set([health, housing])
    baker.make(GoodPractice, slug="night-school", title="Night school", city=athens)
    return [welcome, jobs]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["job-fair", "night-school", "welcome-desk"]),
        ("q=welcome", ["welcome-desk"]),
        ("q=newcomers", ["welcome-desk"]),
        ("theme=housing", ["job-fair", "welcome-desk"]),
        ("theme=health", ["job-fair"]),
        ("theme=health&theme=housing", ["job-fair", "welcome-desk"]),
        ("city=quito", ["job-fair"]),
        ("city=quito&city=barcelona", ["job-fair", "welcome-desk"]),
        ("region=americas", ["job-fair"]),
        ("region=europe", ["night-school", "welcome-desk"]),
        ("region=americas&region=europe", ["job-fair", "night-school", "welcome-desk"]),
        ("replicated=yes", ["welcome-desk"]),
        ("replicated=no", ["job-fair", "night-school"]),
        ("replicated=yes&replicated=no", ["job-fair", "night-school", "welcome-desk"]),
        ("replicated=no&theme=housing", ["job-fair"]),
    ],
)
def test_every_practice_filter_narrows_the_list(client, practices, query, expected):
    assert slugs(client.get(f"/practices/?{query}")) == expected


@pytest.mark.parametrize(
    "query",
    [
        "theme=atlantis", "city=atlantis", "region=mars", "replicated=maybe", "sort=size",
        "format=xls", "replicated=maybe&format=csv",
    ],
)  # fmt: skip
def test_a_bad_filter_value_answers_400_with_the_error(client, practices, query):
    response = client.get(f"/practices/?{query}")

    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_the_list_shows_facets_counts_and_sorts_by_replications(client, practices):
    response = client.get("/practices/?sort=replications")

    assert [row.slug for row in response.context["rows"]][0] == "welcome-desk"
    facets = {facet.name: facet for facet in response.context["listing"].facets}
    assert {o.value: o.count for o in facets["replicated"].options} == {"yes": 1, "no": 2}
    assert {o.value: o.count for o in facets["theme"].options} == {"housing": 2, "health": 1}
    html = response.content.decode()
    assert '<a href="/practices/welcome-desk/">Welcome desk</a>' in html
    assert "/practices/feed/?sort=" not in html


def test_a_practice_page_shows_city_forum_themes_replications_and_source(client, practices):
    html = client.get("/practices/welcome-desk/").content.decode()

    for expected in [
        "Welcome desk", ">Barcelona</a>, Spain", "Mayoral Forum 1", "Housing",
        "<strong>single door</strong>", ">Athens</a>, Greece: <span", "Opened in 2017",
        ">Quito</a>, Ecuador", "https://example.org/welcome",
    ]:  # fmt: skip
        assert expected in html, expected
    assert "<script>alert(1)" not in html


def test_a_practice_without_replication_says_so(client, practices):
    html = client.get("/practices/night-school/").content.decode()

    assert "No replication is recorded yet." in html


def test_an_unknown_practice_is_404(client, practices):
    assert client.get("/practices/atlantis/").status_code == 404


def test_city_and_forum_pages_link_to_the_practice_pages(client, practices):
    assert 'href="/practices/welcome-desk/"' in client.get("/cities/barcelona/").content.decode()
    assert 'href="/practices/welcome-desk/"' in client.get("/cities/athens/").content.decode()
    assert 'href="/practices/welcome-desk/"' in client.get("/forums/forum-1/").content.decode()


def test_the_download_holds_every_row_the_filters_select(client, practices):
    response = client.get("/practices/?theme=housing&format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_slug = {row["slug"]: row for row in rows}
    assert sorted(by_slug) == ["job-fair", "welcome-desk"]
    welcome = by_slug["welcome-desk"]
    assert welcome["city"] == "barcelona"
    assert welcome["region"] == "europe"
    assert welcome["forum"] == "forum-1"
    assert welcome["themes"] == "housing"
    assert welcome["replicated_by"] == "athens; quito"
    assert welcome["replications"] == "2"
    assert welcome["url"] == "http://testserver/practices/welcome-desk/"
    assert by_slug["job-fair"]["themes"] == "health; housing"


def test_the_json_download_has_the_same_keys(client, practices):
    response = client.get("/practices/?replicated=yes&format=json")

    [row] = json.loads(b"".join(response.streaming_content))
    assert row["slug"] == "welcome-desk"
    assert row["replicated_by"] == ["athens", "quito"]
    assert row["replications"] == 2


def test_the_feed_follows_the_lists_filters(client, practices):
    html = client.get("/practices/?theme=health&sort=title").content.decode()
    assert 'href="/practices/feed/?theme=health"' in html

    response = client.get("/practices/feed/?theme=health")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Quito: Job fair"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://testserver/practices/job-fair/"


def test_the_feed_answers_400_to_a_bad_filter(client, practices):
    assert client.get("/practices/feed/?city=atlantis").status_code == 400


def test_the_site_search_finds_practices(client, practices):
    response = client.get("/search/?q=welcome")

    groups = {group["name"]: group for group in response.context["groups"]}
    assert [row.slug for row in groups["practices"]["rows"]] == ["welcome-desk"]
    assert groups["practices"]["list_url"] == "/practices/?q=welcome"
    assert 'href="/practices/welcome-desk/"' in response.content.decode()


def test_the_navigation_links_to_practices_and_frameworks(client, db):
    html = client.get("/").content.decode()

    assert 'href="/practices/"' in html
    assert 'href="/frameworks/"' in html


@pytest.mark.parametrize("size", [2, 25])
def test_pages_stay_within_a_query_budget(client, django_assert_max_num_queries, size):
    builders.populate(size)
    assert GoodPractice.objects.count() == size
    pages = [
        # 4 facets (one grouped query each), count, rows, their themes, what the record
        # holds (commitments by initiative, practices)
        ("/practices/", 9),
        # + validation of the theme and the city named
        ("/practices/?theme=theme-0&city=city-0&replicated=yes&region=europe", 11),
        ("/practices/?q=P&sort=replications", 9),
        # the practice with its city and forum, its themes, its replications
        ("/practices/practice-0/", 3),
        # the city named, the practices
        ("/practices/feed/?city=city-0", 2),
    ]
    for url, budget in pages:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
    with django_assert_max_num_queries(4):
        response = client.get("/practices/?format=csv")
        assert len(b"".join(response.streaming_content).splitlines()) == size + 1


def test_the_practice_pages_speak_spanish_and_french(client, practices):
    # The test client leaves the language of the last page requested active.
    with translation.override("en"):
        spanish = client.get("/es/practices/welcome-desk/").content.decode()
        french = client.get("/fr/practices/").content.decode()

    assert "Ciudades que la replicaron" in spanish
    assert "Les plus reproduites" in french
