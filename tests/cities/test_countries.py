"""Every ISO 3166-1 country can be recorded, with its UN M49 region and sub-region,
and is named in the reader's language; filters and downloads keep the codes and the
region slugs they always took."""

import csv
import io
import json

import pytest
from django.utils import translation

from cities.models import City
from commitments.models import Commitment
from core import geo
from tests import builders
from tests.curation import admin_url, ensure_groups, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def restore_language(settings):
    # The test client leaves the language of the last page requested active.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_client(client, curator):
    ensure_groups()
    client.force_login(curator)
    return client


# Countries the old hand-written table lacked, so that no city there could be recorded.
NEWLY_AVAILABLE = [
    ("TD", "Chad", "africa", "sub-saharan-africa"),
    ("BI", "Burundi", "africa", "sub-saharan-africa"),
    ("GA", "Gabon", "africa", "sub-saharan-africa"),
    ("MR", "Mauritania", "africa", "sub-saharan-africa"),
    ("ER", "Eritrea", "africa", "sub-saharan-africa"),
    ("MC", "Monaco", "europe", "western-europe"),
    ("WS", "Samoa", "oceania", "polynesia"),
    ("FM", "Micronesia", "oceania", "micronesia"),
]


def test_every_iso_3166_country_is_available():
    assert len(geo.COUNTRY_CODES) == 249
    choices = {code for code, _name in City._meta.get_field("country").choices}
    assert choices == set(geo.COUNTRY_CODES)


@pytest.mark.parametrize(("code", "name", "region", "subregion"), NEWLY_AVAILABLE)
def test_a_city_anywhere_is_recorded_with_its_un_region(code, name, region, subregion):
    city = City(name=f"Capital of {name}", slug=f"capital-{code.lower()}", country=code)
    city.full_clean()
    city.save()
    city.refresh_from_db()
    assert (city.country.code, city.region, city.subregion) == (code, region, subregion)
    assert city.country_name.startswith(name)


def test_every_country_but_antarctica_has_an_m49_region():
    without = [code for code in geo.COUNTRY_CODES if not geo.region_of(code)]
    assert without == ["AQ"]
    assert {geo.subregion_of(code) for code in geo.COUNTRY_CODES} - {""} == set(geo.SUBREGIONS)


# Rows of UNSD's M49 table (unstats.un.org/unsd/methodology/m49/overview/), one from each
# region and the ones a reader might guess wrong (Turkey, Cyprus, Mexico, Russia).
@pytest.mark.parametrize(
    ("code", "region", "subregion"),
    [("MX", "americas", "latin-america-caribbean"), ("US", "americas", "northern-america"),
     ("TR", "asia", "western-asia"), ("CY", "asia", "western-asia"),
     ("RU", "europe", "eastern-europe"), ("EG", "africa", "northern-africa"),
     ("AU", "oceania", "australia-new-zealand"), ("JP", "asia", "eastern-asia")],
)  # fmt: skip
def test_countries_are_in_the_regions_of_the_un_m49_table(code, region, subregion):
    assert (geo.region_of(code), geo.subregion_of(code)) == (region, subregion)


def test_the_m49_table_has_one_row_for_each_iso_country():
    with geo.M49_TABLE.open(encoding="utf-8", newline="") as file:
        codes = [row["ISO-alpha2 Code"] for row in csv.DictReader(file)]
    assert codes == geo.COUNTRY_CODES


@pytest.mark.parametrize(
    ("language", "chad", "gabon", "monaco"),
    [("en", "Chad", "Gabon", "Monaco"), ("es", "Chad", "Gabón", "Mónaco"),
     ("fr", "Tchad", "Gabon", "Monaco")],
)  # fmt: skip
def test_country_names_follow_the_readers_language(language, chad, gabon, monaco):
    with translation.override(language):
        assert chad in geo.country_name("TD")
        assert (geo.country_name("GA"), geo.country_name("MC")) == (gabon, monaco)


def test_a_city_page_names_its_country_in_the_pages_language(client):
    builders.city("nouakchott", "MR", name="Nouakchott")
    assert "Mauritania" in client.get("/cities/nouakchott/").content.decode()
    assert "Mauritanie" in client.get("/fr/cities/nouakchott/").content.decode()


def test_the_admin_shows_country_names_not_codes(admin_client):
    builders.city("ndjamena", "TD", name="N'Djamena")
    changelist = admin_client.get(admin_url(City, "changelist")).content.decode()
    assert '<td class="field-country">Chad</td>' in changelist

    add_form = admin_client.get(admin_url(City, "add")).content.decode()
    assert '<option value="TD">Chad</option>' in add_form
    assert '<option value="MC">Monaco</option>' in add_form


def test_a_city_in_a_new_country_is_added_in_the_admin(admin_client):
    data = form_data(admin_client.get(admin_url(City, "add")))
    data.update(name="Bujumbura", slug="bujumbura", kind="city", country="BI")
    response = admin_client.post(admin_url(City, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    city = City.objects.get(slug="bujumbura")
    assert (city.country.code, city.region, city.subregion) == (
        "BI",
        "africa",
        "sub-saharan-africa",
    )


@pytest.fixture
def cities_far_and_near(barcelona, quito):
    ndjamena = builders.city("ndjamena", "TD", name="N'Djamena")
    monaco = builders.city("monaco", "MC", name="Monaco")
    for city in (ndjamena, monaco, barcelona, quito):
        builders.commitment(city, title=f"Commitment of {city.name}")
    return ndjamena, monaco


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=TD", ["ndjamena"]),
        ("country=MC&country=ES", ["barcelona", "monaco"]),
        ("region=africa", ["ndjamena"]),
        ("region=europe", ["barcelona", "monaco"]),
        ("region=americas", ["quito"]),
    ],
)
def test_filters_take_iso_codes_and_region_slugs(client, cities_far_and_near, query, expected):
    page = client.get(f"/cities/?{query}")
    assert sorted(city.slug for city in page.context["rows"]) == expected

    commitments = client.get(f"/commitments/?{query}")
    assert sorted(c.city.slug for c in commitments.context["rows"]) == expected

    api = client.get(f"/api/cities/?{query}").json()
    assert sorted(row["slug"] for row in api["results"]) == expected


def test_an_unknown_country_code_is_still_refused(client):
    assert client.get("/cities/?country=XX").status_code == 400
    assert client.get("/api/cities/?country=XX").status_code == 400


def test_downloads_give_the_code_the_region_slug_and_the_english_name(client, cities_far_and_near):
    content = b"".join(client.get("/cities/?country=TD&format=csv").streaming_content)
    [row] = csv.DictReader(io.StringIO(content.decode()))
    assert (row["country"], row["country_name"], row["region"], row["subregion"]) == (
        "TD",
        "Chad",
        "africa",
        "sub-saharan-africa",
    )

    content = b"".join(client.get("/commitments/?country=MC&format=json").streaming_content)
    [commitment] = json.loads(content)
    assert (commitment["country"], commitment["region"]) == ("MC", "europe")
    assert Commitment.objects.get(pk=commitment["id"]).city.slug == "monaco"


def test_the_api_gives_the_code_and_the_region_slug(client, cities_far_and_near):
    [row] = client.get("/api/cities/?country=TD").json()["results"]
    assert (row["country"], row["country_name"], row["region"], row["subregion"]) == (
        "TD",
        "Chad",
        "africa",
        "sub-saharan-africa",
    )
