"""A city's name in the reader's language: Atenas on /es/, Athènes on /fr/, Athens on
the English pages and in every download; English wherever no translation is given."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import City
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def athens(db):
    return builders.city(
        "athens",
        "GR",
        name="Athens",
        name_es="Atenas",
        name_fr="Athènes",
        latitude="37.98376",
        longitude="23.72784",
    )


@pytest.fixture
def quito(db):
    # Quito in every language: no translation given.
    return builders.city("quito", "EC", name="Quito", latitude="-0.22985", longitude="-78.52495")


def _heading(response):
    html = response.content.decode()
    return html[html.index("<h1>") + len("<h1>") : html.index("</h1>")]


@pytest.mark.parametrize(
    ("prefix", "name"), [("", "Athens"), ("/es", "Atenas"), ("/fr", "Athènes")]
)
def test_the_city_page_is_headed_with_the_name_in_the_readers_language(
    client, athens, prefix, name
):
    response = client.get(f"{prefix}/cities/athens/")

    assert response.status_code == 200
    assert _heading(response) == name
    assert f"<title>{name}" in response.content.decode()


def test_a_city_with_no_spanish_name_keeps_its_english_one(client, quito):
    response = client.get("/es/cities/quito/")

    assert _heading(response) == "Quito"


def test_the_city_list_shows_the_readers_names(client, athens, quito):
    html = client.get("/es/cities/").content.decode()

    assert '<a href="/es/cities/athens/">Atenas</a>' in html
    assert '<a href="/es/cities/quito/">Quito</a>' in html
    assert ">Athens<" not in html


def test_the_commitment_list_names_cities_in_its_rows_and_its_city_facet(client, athens, quito):
    builders.commitment(athens, title="Athens reception")
    joint = builders.commitment(quito, title="Quito and Athens")
    joint.partner_cities.add(athens)

    response = client.get("/es/commitments/")

    html = response.content.decode()
    assert '<a href="/es/cities/athens/">Atenas</a>' in html  # lead city of a row
    assert ', <a href="/es/cities/athens/">Atenas</a>' in html  # partner city of a row
    facet = next(f for f in response.context["listing"].facets if f.name == "city")
    assert {o.value: (o.label, o.count) for o in facet.options} == {
        "athens": ("Atenas", 2),
        "quito": ("Quito", 1),
    }
    assert "Athens" not in html.replace("Athens reception", "").replace("Quito and Athens", "")


def test_an_active_city_filter_is_named_in_the_readers_language(client, athens):
    builders.commitment(athens)

    response = client.get("/fr/commitments/?city=athens")

    [active] = response.context["listing"].active_filters
    assert active.value_label == "Athènes"


def test_the_relocation_list_and_its_facets_name_both_cities(client, athens, quito):
    builders.agreement(athens, quito)

    response = client.get("/es/relocations/")

    assert "Atenas → Quito" in response.content.decode()
    facets = {f.name: f for f in response.context["listing"].facets}
    for name in ("city", "origin"):
        assert "Atenas" in [o.label for o in facets[name].options], name
    assert [o.label for o in facets["destination"].options] == ["Quito"]


def test_a_relocation_page_names_its_cities_in_its_title(client, athens, quito):
    agreement = builders.agreement(athens, quito)

    html = client.get(f"/fr/relocations/{agreement.pk}/").content.decode()

    assert ">Athènes</a>" in html
    assert "Athens" not in html


def test_the_map_and_the_feed_use_the_readers_names(client, athens, quito):
    builders.agreement(athens, quito)

    page = client.get("/es/cities/quito/").content.decode()
    feed = client.get("/es/cities/athens/feed/").content.decode()

    assert ">Atenas</text>" in page  # the label of the marker on the map
    assert "Atenas" in feed
    assert "Athens" not in feed


def test_downloads_keep_the_english_name(client, athens):
    builders.commitment(athens, title="Athens reception")

    csv_rows = list(csv.DictReader(io.StringIO(_body(client, "/es/commitments/?format=csv"))))
    json_rows = json.loads(_body(client, "/es/commitments/?format=json"))
    cities = _body(client, "/fr/cities/?format=csv")

    assert [row["city_name"] for row in csv_rows] == ["Athens"]
    assert [row["city_name"] for row in json_rows] == ["Athens"]
    assert "Athens" in cities and "Athènes" not in cities


def _body(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content).decode()


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/commitments/", "/relocations/", "/cities/athens/"])
def test_a_translated_page_costs_no_more_queries_than_the_english_one(client, athens, quito, path):
    joint = builders.commitment(quito)
    joint.partner_cities.add(athens)
    builders.agreement(athens, quito)

    english = _query_count(client, path)

    assert _query_count(client, f"/es{path}") == english
    assert _query_count(client, f"/fr{path}") == english


def test_the_loader_gives_the_names_of_the_record(db):
    call_command("loadforumdata", verbosity=0)

    names = {c.slug: (c.name, c.name_es, c.name_fr) for c in City.objects.all()}
    # From commitments/records/forums.toml (the forums' hosts and parties).
    assert names["athens"] == ("Athens", "Atenas", "Athènes")
    assert names["barcelona"] == ("Barcelona", "", "Barcelone")
    # From commitments/records/local_actions.toml.
    assert names["addis-ababa"] == ("Addis Ababa", "Adís Abeba", "Addis-Abeba")
    assert names["beirut"] == ("Beirut", "", "Beyrouth")
    # No name given where it is the same in Spanish and French.
    assert names["quito"] == ("Quito", "", "")
    assert names["nairobi"] == ("Nairobi", "", "")
    # A translation only where it differs from the English name.
    assert not [slug for slug, (en, es, fr) in names.items() if en in (es, fr)]
