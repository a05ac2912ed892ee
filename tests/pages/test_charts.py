"""Charts: tables with bars and a summary, counting published commitments only."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import translation
from model_bakery import baker

from cities.models import City
from commitments.models import Commitment, RelocationAgreement, Transfer
from forums.models import Forum, ForumParticipation, Theme
from pages import charts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Pages requested in another language by earlier tests leave it active here.
    with translation.override("en"):
        yield


PUBLISHED = Commitment.PublicationState.PUBLISHED
CONFIRMED = datetime.datetime(2016, 9, 2, tzinfo=datetime.UTC)


def _commitment(city, status="planned", state=PUBLISHED, themes=()):
    commitment = baker.make(
        Commitment,
        city=city,
        status=status,
        progress=100 if status == "achieved" else 0,
        publication_state=state,
    )
    commitment.themes.set(themes)
    return commitment


def _rows(chart):
    return {row["label"]: row["value"] for row in chart["rows"]}


def test_only_published_commitments_are_counted(barcelona, quito):
    _commitment(barcelona, "planned")
    _commitment(barcelona, "planned")
    _commitment(quito, "achieved")
    for state in ("draft", "submitted", "returned"):
        _commitment(quito, "stalled", state=state)

    chart = charts.commitments_by_status()

    assert _rows(chart) == {
        "planned": 2,
        "in progress": 0,
        "achieved": 1,
        "stalled": 0,
        "withdrawn": 0,
    }
    assert chart["summary"] == ("Of 3 published commitments, the most (2, 67%) are planned.")
    planned = chart["rows"][0]
    assert planned["url"] == "/commitments/?status=planned"
    assert planned["bar"] == "100" and chart["rows"][2]["bar"] == "50"


def test_commitments_by_region_follow_the_citys_country(barcelona, quito, athens):
    _commitment(barcelona)
    _commitment(athens)
    _commitment(quito)
    _commitment(quito, state="draft")

    chart = charts.commitments_by_region()

    assert _rows(chart)["Europe"] == 2
    assert _rows(chart)["Americas"] == 1
    assert chart["summary"] == (
        "The region with the most published commitments is Europe (2); "
        "a joint commitment counts in each of its cities' regions."
    )


def test_a_bar_counts_what_its_link_lists(client, barcelona, quito, athens):
    """A joint commitment of Quito and Barcelona counts in both regions, as the list's
    region filter finds it; Athens with Barcelona counts once in Europe."""
    joint = _commitment(quito)
    joint.partner_cities.add(barcelona)
    european = _commitment(athens)
    european.partner_cities.add(barcelona)

    chart = charts.commitments_by_region()

    assert _rows(chart)["Europe"] == 2
    assert _rows(chart)["Americas"] == 1
    for row in chart["rows"]:
        if row["value"]:
            listed = client.get(row["url"]).context["listing"].total
            assert listed == row["value"], row["label"]


def test_a_commitment_counts_under_each_of_its_themes(barcelona):
    housing = baker.make(Theme, name="Housing", slug="housing")
    health = baker.make(Theme, name="Health", slug="health")
    baker.make(Theme, name="Education", slug="education")
    _commitment(barcelona, themes=[housing, health])
    _commitment(barcelona, themes=[housing])
    _commitment(barcelona, themes=[health], state="draft")

    chart = charts.commitments_by_theme()

    # Education has no published commitment: not a bar.
    assert _rows(chart) == {"Housing": 2, "Health": 1}
    assert chart["summary"].startswith("The theme with the most published commitments is Housing")


def test_no_published_commitment_says_so(barcelona):
    _commitment(barcelona, state="draft")
    html = Template('{% load visuals %}{% chart "commitments_by_status" %}').render(Context())
    assert "No commitments have been published yet." in html
    assert "<table" not in html


def _agreement(origin, destination, pledged, moved=()):
    agreement = baker.make(
        RelocationAgreement,
        origin=origin,
        destination=destination,
        people_pledged=pledged,
        signed_on=datetime.date(2016, 1, 1),
    )
    for people in moved:
        baker.make(
            Transfer,
            agreement=agreement,
            people=people,
            date=datetime.date(2016, 6, 1),
            reported_by_city=agreement.origin,
            confirmed_at=CONFIRMED,
        )
    return agreement


def test_pledged_against_relocated_per_agreement_and_per_receiving_city(barcelona, athens, quito):
    _agreement(athens, barcelona, 100, moved=[20, 15])
    _agreement(quito, barcelona, 50, moved=[50])
    _agreement(barcelona, athens, 10)

    by_agreement = charts.pledged_by_agreement()
    by_city = charts.pledged_by_city()

    first = by_agreement["rows"][0]
    assert (first["label"], first["pledged"], first["relocated"]) == (
        "Athens to Barcelona",
        100,
        35,
    )
    assert (
        first["share"] == "35%"
        and first["pledged_bar"] == "100"
        and first["relocated_bar"] == "35"
    )
    assert by_agreement["summary"] == (
        "3 agreements: 85 of the 160 people pledged have been relocated (53%)."
    )
    assert [(r["label"], r["pledged"], r["relocated"]) for r in by_city["rows"]] == [
        ("Barcelona", 150, 85),
        ("Athens", 10, 0),
    ]


def test_the_agreement_chart_can_be_narrowed_to_a_list(barcelona, athens, quito):
    _agreement(athens, barcelona, 100, moved=[40])
    _agreement(quito, barcelona, 50)
    chart = charts.pledged_by_agreement(RelocationAgreement.objects.filter(origin=athens))
    assert [row["label"] for row in chart["rows"]] == ["Athens to Barcelona"]
    assert chart["summary"].startswith("1 agreement: 40 of the 100 people pledged")


def test_forums_over_time_in_order_with_their_hosts(barcelona, quito, athens):
    for edition, (city, year) in enumerate([(quito, 2015), (barcelona, 2014)], start=1):
        forum = baker.make(
            Forum,
            edition=edition,
            slug=f"forum-{year}",
            host_city=city,
            start_date=datetime.date(year, 6, 1),
        )
        ForumParticipation.objects.create(forum=forum, city=city, role="host")
        if year == 2015:
            ForumParticipation.objects.create(forum=forum, city=athens)

    chart = charts.forums_over_time()

    assert [(row["label"], row["value"]) for row in chart["rows"]] == [
        ("2014, Barcelona", 1),
        ("2015, Quito", 2),
    ]
    assert chart["summary"] == "2 forums from 2014 to 2015, hosted by Barcelona, Quito."


def test_charts_are_tables_with_a_summary_and_bars_drawn_without_style(barcelona, athens):
    _commitment(barcelona)
    _agreement(athens, barcelona, 1200, moved=[300])
    with translation.override("es"):
        html = Template("{% load visuals %}{% home_charts %}").render(Context())

    assert "style=" not in html
    # No theme and no forum yet: those two say so instead of drawing an empty table.
    assert html.count('<table class="chart-table"') == 4
    assert html.count('class="chart-summary"') == 6
    # Numbers in the reader's format, bar lengths with a dot.
    assert '<td class="num">1\xa0200</td>' in html  # Spanish groups with a space
    for width in re.findall(r'<rect class="chart-bar-\w+" x="0" y="0" width="([^"]+)"', html):
        assert re.fullmatch(r"\d+(\.\d)?", width), width


@pytest.mark.parametrize("size", [2, 20])
def test_chart_queries_do_not_grow_with_the_records(size, django_assert_max_num_queries):
    cities = baker.make(City, country="FR", _quantity=size)
    themes = baker.make(Theme, _quantity=3)
    for index, city in enumerate(cities):
        _commitment(city, themes=themes[: index % 3 + 1])
        _agreement(city, cities[index - 1], 10, moved=[1])
        forum = baker.make(Forum, host_city=city, start_date=datetime.date(2000 + index, 1, 1))
        ForumParticipation.objects.create(forum=forum, city=city)
    # status 1, region 1, theme 1, largest agreements 1, receiving cities (and the
    # totals) 1, forums 1
    with django_assert_max_num_queries(6):
        Template("{% load visuals %}{% home_charts %}").render(Context())


def test_an_agreements_transfers_over_time(barcelona, athens):
    agreement = _agreement(athens, barcelona, 100)
    baker.make(
        Transfer,
        agreement=agreement,
        people=15,
        date=datetime.date(2016, 9, 1),
        reported_by_city=athens,
        confirmed_at=CONFIRMED,
    )
    baker.make(
        Transfer,
        agreement=agreement,
        people=20,
        date=datetime.date(2016, 6, 1),
        reported_by_city=athens,
        confirmed_at=CONFIRMED,
    )

    chart = charts.transfers_over_time(agreement)

    assert [(row["value"], row["running"], row["bar"]) for row in chart["rows"]] == [
        (20, 20, "20"),
        (15, 35, "35"),
    ]
    assert chart["summary"] == (
        "By Sept. 1, 2016, 35 of the 100 people pledged had been relocated (35%), in 2 transfers."
    )


def test_pages_show_their_charts(client, barcelona, athens):
    agreement = _agreement(athens, barcelona, 100, moved=[40])
    _commitment(barcelona)

    home = client.get("/").content.decode()
    detail = client.get(agreement.get_absolute_url()).content.decode()
    filtered = client.get("/relocations/?destination=barcelona").content.decode()

    for chart_id in ("status", "theme", "region", "pledged-agreement", "pledged-city", "forums"):
        assert f'id="chart-{chart_id}"' in home
    assert f'id="chart-transfers-{agreement.pk}"' in detail
    assert "By " in detail and "40 of the 100 people pledged had been relocated" in detail
    assert 'id="chart-pledged-city"' in filtered
