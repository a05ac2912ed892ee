"""The server-drawn map: cities as links, agreements as arrows, no script needed."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from model_bakery import baker

from cities.models import City
from commitments.models import RelocationAgreement
from pages import maps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Pages requested in another language by earlier tests leave it active here.
    with translation.override("en"):
        yield


def _city(slug, lat, lon, country="ES", name=None):
    return baker.make(
        City,
        slug=slug,
        name=name or slug.title(),
        country=country,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
    )


def _render(source, **context):
    return Template("{% load visuals %}" + source).render(Context(context))


@pytest.fixture
def athens_to_barcelona():
    barcelona = _city("barcelona", "41.38879", "2.15899")
    athens = _city("athens", "37.98376", "23.72784", country="GR")
    agreement = baker.make(
        RelocationAgreement, origin=athens, destination=barcelona, people_pledged=100
    )
    return barcelona, athens, agreement


def test_every_city_is_a_named_link_to_its_page(athens_to_barcelona):
    _city("unplaced", "0", "0")
    City.objects.filter(slug="unplaced").update(latitude=None, longitude=None)

    html = _render("{% network_map %}")

    assert '<a href="/cities/barcelona/" aria-label="Barcelona, Spain">' in html
    assert '<a href="/cities/athens/" aria-label="Athens, Greece">' in html
    # A city without coordinates cannot be placed; it is not drawn at a made-up spot.
    assert "/cities/unplaced/" not in html


def test_an_agreement_is_an_arrow_from_origin_to_destination(athens_to_barcelona):
    barcelona, athens, agreement = athens_to_barcelona

    html = _render("{% network_map %}")

    arc = re.search(rf'<a href="/relocations/{agreement.pk}/" aria-label="([^"]+)">', html)
    assert arc, html
    assert arc.group(1) == ("Relocation agreement from Athens to Barcelona: 100 people pledged")
    path = re.search(r'class="map-arc" d="M([\d.]+) ([\d.]+)Q[\d. ]+ ([\d.]+) ([\d.]+)"', html)
    start_x, end_x = float(path.group(1)), float(path.group(3))
    # Athens lies east of Barcelona: the line starts at Athens and heads west.
    assert start_x == pytest.approx(maps.project(athens.longitude, athens.latitude)[0], abs=0.1)
    assert end_x < start_x
    assert 'marker-end="url(#network-map-arrow)"' in html


def test_the_map_has_a_text_alternative_listing_the_same_cities(athens_to_barcelona):
    html = _render("{% network_map %}")

    caption = re.search(r'<figcaption class="map-caption">(.*?)<span', html, re.S).group(1)
    assert "2 cities" in caption and "1 relocation agreement" in caption
    table = html[html.index("<details") :]
    assert '<th scope="row"><a href="/cities/athens/">Athens</a></th><td>Greece</td>' in table
    assert "Athens to Barcelona" in table


def test_the_world_has_no_stripe_across_the_antimeridian():
    # Russia and Fiji cross 180°: drawn naively, a ring would jump across the map.
    for ring in maps.land_path().split("z"):
        if not ring:
            continue
        moves = [float(n) for n in re.findall(r"-?[\d.]+", ring.split("l", 1)[1])]
        assert max(abs(dx) for dx in moves[0::2]) < maps.WORLD_WIDTH / 4


def test_the_world_outline_is_drawn_from_the_shipped_shapes():
    world = maps.land_path()
    assert world.count("M") > 200  # every country, islands included
    assert 20_000 < len(world) < 80_000  # small enough to inline in a page


def test_a_city_map_zooms_on_the_city_and_its_partners(athens_to_barcelona):
    barcelona, athens, _agreement = athens_to_barcelona
    _city("quito", "-0.22985", "-78.52495", country="EC")

    context = maps.city_map(barcelona)

    x, y, width, height = (float(v) for v in context["viewbox"].split())
    for city in (barcelona, athens):
        cx, cy = maps.project(city.longitude, city.latitude)
        assert x < cx < x + width and y < cy < y + height
    assert width < maps.WORLD_WIDTH / 4  # a regional view, not the world
    names = [marker.name for marker in context["markers"]]
    assert names == ["Athens", "Barcelona"]  # Quito is far away; the city comes last, on top
    assert context["markers"][-1].current
    html = _render("{% city_map city %}", city=barcelona)
    assert 'aria-current="page"' in html
    assert "Its 1 relocation agreement is drawn as an arrow" in html


def test_a_city_without_coordinates_has_no_map(db):
    city = baker.make(City, slug="nowhere", country="ES", latitude=None, longitude=None)
    assert _render("{% city_map city %}", city=city).strip() == ""


def test_svg_numbers_keep_a_decimal_point_in_spanish(athens_to_barcelona):
    barcelona, _athens, _agreement = athens_to_barcelona
    with translation.override("es"):
        html = _render("{% network_map %}{% city_map city %}", city=barcelona)
    assert "Mapa" in html or "map" in html
    for attribute in re.findall(r' (?:viewBox|cx|cy|r|x|y|d|font-size)="([^"]*)"', html):
        assert "," not in attribute, attribute


@pytest.mark.parametrize("size", [3, 30])
def test_map_queries_do_not_grow_with_the_network(size, django_assert_max_num_queries):
    cities = [_city(f"city-{i}", str(i % 80), str(i * 3 % 170), country="FR") for i in range(size)]
    for origin, destination in zip(cities, cities[1:], strict=False):
        baker.make(RelocationAgreement, origin=origin, destination=destination, people_pledged=5)
    with django_assert_max_num_queries(2):  # the cities; the agreements with both ends
        _render("{% network_map %}")
    with django_assert_max_num_queries(2):  # the city's agreements; the cities in view
        _render("{% city_map city %}", city=cities[1])


def test_the_home_page_and_a_city_page_show_the_map(client, athens_to_barcelona):
    home = client.get("/").content.decode()
    city = client.get("/cities/barcelona/").content.decode()

    assert 'id="network-map"' in home and "<svg" in home
    assert 'id="city-map-barcelona"' in city
    assert '<a href="/cities/athens/" aria-label="Athens, Greece">' in city
