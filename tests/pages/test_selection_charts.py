"""A filtered list of commitments shows the charts of exactly its selection."""

import re

import pytest

from commitments.models import Commitment
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitments():
    barcelona = builders.city("barcelona", region="europe")
    quito = builders.city("quito", country="EC", region="americas")
    housing = builders.theme("housing")
    health = builders.theme("health")
    for city, status, theme in [
        (barcelona, Commitment.Status.IN_PROGRESS, housing),
        (barcelona, Commitment.Status.PLANNED, housing),
        (barcelona, Commitment.Status.PLANNED, health),
        (quito, Commitment.Status.IN_PROGRESS, housing),
        (quito, Commitment.Status.ACHIEVED, health),
    ]:
        builders.commitment(city, status=status).themes.add(theme)
    builders.commitment(barcelona, state=Commitment.PublicationState.DRAFT).themes.add(housing)


def _chart_rows(html, chart_id):
    section = html.split(f'id="{chart_id}"', 1)[1].split("</figure>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td class="num">(\d+)</td>', section, re.S)
    return {re.sub(r"<[^>]+>|\s+", " ", label).strip(): int(count) for label, count in rows}


def test_charts_count_only_the_filtered_selection(client, commitments):
    html = client.get("/commitments/?region=europe&theme=housing").content.decode()
    assert "This selection in charts" in html
    status = _chart_rows(html, "selection-chart-status")
    assert status["Planned"] == 1
    assert status["In progress"] == 1
    assert status["Achieved"] == 0
    region = _chart_rows(html, "selection-chart-region")
    assert region.get("Americas", 0) == 0
    assert sum(region.values()) == 2


def test_a_charts_link_reproduces_the_selection_narrowed(client, commitments):
    html = client.get("/commitments/?region=europe&theme=housing").content.decode()
    section = html.split('id="selection-chart-status"', 1)[1].split("</figure>", 1)[0]
    assert 'href="/commitments/?region=europe&amp;theme=housing&amp;status=planned"' in section


@pytest.mark.parametrize(
    "query",
    [
        "status=planned",
        "status=planned&status=achieved",
        "theme=health",
        "region=americas&status=in_progress",
        "theme=housing&theme=health&region=europe",
    ],
)
def test_each_bar_counts_what_its_link_lists(client, commitments, query):
    """Whichever filters are set (the chart's own among them), a bar's number is the
    number of commitments its link lists, and the status bars add up to the list.
    (A bar of nothing links to the list of its value instead, and so does a bar of a
    region or theme when that filter is set: no link can say "Europe and Americas".)"""
    page = client.get(f"/commitments/?{query}")
    html = page.content.decode()
    total = page.context["listing"].total
    assert sum(_chart_rows(html, "selection-chart-status").values()) == total
    for facet in ("status", "region", "theme"):
        if facet != "status" and f"{facet}=" in query:
            continue
        section = html.split(f'id="selection-chart-{facet}"', 1)[1].split("</figure>", 1)[0]
        bars = re.findall(
            r'<a href="(/commitments/\?[^"]+)"[^>]*>.*?</a>\s*</th>\s*<td class="num">(\d+)</td>',
            section,
            re.S,
        )
        assert bars
        for href, count in bars:
            if int(count):
                listed = client.get(href.replace("&amp;", "&")).context["listing"].total
                assert listed == int(count), (facet, href)
