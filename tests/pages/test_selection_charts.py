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
