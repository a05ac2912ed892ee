"""Counts at scale (core.sampling): a large selection of a large table is counted over
a fixed-size sample and the page says its counts are estimates; a small table or a
small selection is counted exactly. "Large" is made small here through the settings,
so that a few thousand rows stand for a million."""

import re

import pytest
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from commitments.models import Commitment
from core.sampling import EXACT, MODULUS, Sample, rounded, sample_for
from tests import builders
from tests.test_valid_html import _java, _vnu

pytestmark = pytest.mark.django_db
# The sample has its index on PostgreSQL only; SQLite counts exactly (tested below).
on_postgresql = pytest.mark.postgres

STATUSES = [Commitment.Status.PLANNED, Commitment.Status.IN_PROGRESS, Commitment.Status.ACHIEVED]
RESULT_COUNT = re.compile(r'<p class="result-count">\s*(About )?([\d,]+) results?')


@pytest.fixture
def large(settings):
    """3,000 published commitments in 30 cities (a tenth of them in city-0), statuses
    in turn; and a table that counts as large past 1,000 rows, sampled to a tenth."""
    settings.EXACT_COUNTS_UP_TO = 1_000
    settings.MIN_SAMPLED_ROWS = 40
    cities = [builders.city(f"city-{n}") for n in range(30)]
    now = timezone.now()
    Commitment.objects.bulk_create(
        Commitment(
            city=cities[n % 30],
            title=f"Commitment {n}",
            publication_state=Commitment.PublicationState.PUBLISHED,
            published_at=now,
            status=STATUSES[n % 3],
            progress=100 if STATUSES[n % 3] == Commitment.Status.ACHIEVED else 0,
        )
        for n in range(3_000)
    )
    # The size of a table is read from its largest id, which other tests' rows (on
    # PostgreSQL, sequences go on) have pushed up: sample a tenth of the ids.
    settings.SAMPLE_ROWS = Commitment.objects.aggregate(largest=Max("pk"))["largest"] // 10
    return cities


def _result_count(response):
    about, number = RESULT_COUNT.search(response.content.decode()).groups()
    return bool(about), int(number.replace(",", ""))


def _facet_counts(response, facet):
    html = response.content.decode()
    pattern = (
        rf'data-facet="{facet}" data-value="([^"]+)">.*?</span>(?:<abbr[^>]*>≈</abbr>)?(\d+)</a>'
    )
    return {value: int(count) for value, count in re.findall(pattern, html)}


def test_rounding_and_scaling():
    assert [rounded(v) for v in (0, 7, 99.4, 123, 1_049, 987_654)] == [
        0,
        7,
        99,
        120,
        1_000,
        990_000,
    ]
    assert EXACT.exact and EXACT.scale(1_234) == 1_234
    half = Sample(buckets=(MODULUS + 1) // 2)
    assert not half.exact and half.scale(500) == 1_000


def test_a_small_table_is_counted_exactly(settings):
    settings.EXACT_COUNTS_UP_TO = 1_000
    city = builders.city("small")
    builders.commitment(city)
    assert sample_for(Commitment) == EXACT


@on_postgresql
def test_a_large_selection_shows_estimates_and_says_so(client, large):
    response = client.get("/commitments/")
    assert response.status_code == 200
    estimated, total = _result_count(response)
    assert estimated, "a large selection says its count is an estimate"
    assert 2_500 <= total <= 3_500, total
    assert "estimates from a sample" in response.content.decode()
    statuses = _facet_counts(response, "status")
    # Each status holds 1,000 rows; the sample (about a tenth) tells it to within 30%.
    for status in STATUSES:
        assert 700 <= statuses[status] <= 1_300, statuses
    assert "≈" in response.content.decode()


@on_postgresql
def test_estimates_cost_the_same_queries_as_exact_counts_plus_one(
    client, large, django_assert_max_num_queries
):
    # table size, sample count, 10 facets (one query each, region, country and city over
    # both sides of a joint commitment), rows, their partner cities, the selection's
    # charts (3), what the record holds (2)
    with django_assert_max_num_queries(19):
        response = client.get("/commitments/?status=planned")
    assert _result_count(response)[0]


@on_postgresql
def test_a_small_selection_is_counted_exactly(client, large):
    # city-0 holds 100 rows: a handful in the sample, so it is counted row by row.
    response = client.get("/commitments/?city=city-0")
    estimated, total = _result_count(response)
    assert (estimated, total) == (False, 100)
    assert "estimates from a sample" not in response.content.decode()
    # Its rows are every 30th, all of the first status.
    assert _facet_counts(response, "status") == {STATUSES[0]: 100}


def test_exact_again_when_the_table_counts_as_small(client, large, settings):
    settings.EXACT_COUNTS_UP_TO = 1_000_000
    response = client.get("/commitments/")
    assert _result_count(response) == (False, 3_000)
    assert _facet_counts(response, "status") == dict.fromkeys(STATUSES, 1_000)


@on_postgresql
def test_a_page_past_the_end_of_an_estimated_list_is_not_found(client, large):
    response = client.get("/commitments/")
    _estimated, total = _result_count(response)
    last = -(-total // 25)
    real_last = -(-3_000 // 25)
    if last > real_last:
        assert client.get(f"/commitments/?page={last}").status_code == 404
    assert client.get(f"/commitments/?page={real_last}").status_code == 200


def test_sqlite_counts_exactly_however_large(client, large, settings):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    assert sample_for(Commitment) == EXACT
    assert _result_count(client.get("/commitments/")) == (False, 3_000)


@on_postgresql
def test_the_api_says_when_its_count_is_an_estimate(client, large, settings):
    body = client.get("/api/commitments/").json()
    assert body["count_estimated"] is True
    assert 2_500 <= body["count"] <= 3_500
    assert len(body["results"]) == 50
    small = client.get("/api/commitments/?city=city-0").json()
    assert (small["count_estimated"], small["count"]) == (False, 100)
    settings.EXACT_COUNTS_UP_TO = 1_000_000
    exact = client.get("/api/commitments/").json()
    assert (exact["count_estimated"], exact["count"]) == (False, 3_000)


@on_postgresql
def test_search_says_when_its_count_is_an_estimate(client, large):
    html = client.get("/search/?q=commitment").content.decode()
    assert "About" in html and "estimates from a sample" in html
    # The best matches are still shown, with their links.
    assert html.count('href="/commitments/') >= 10


@on_postgresql
def test_pages_with_estimates_are_valid_html(client, large, tmp_path):
    """The estimate's wording and marks (the note, "About", ≈ in the facets, the
    charts and search) keep the pages valid, as tests/test_valid_html.py checks the
    others."""
    java = _java()
    files = []
    for number, url in enumerate(["/commitments/", "/fr/commitments/", "/search/?q=commitment"]):
        response = client.get(url)
        assert response.status_code == 200 and "≈" in response.content.decode(), url
        path = tmp_path / f"{number}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    messages = _vnu(java, files)
    assert [m["message"] for m in messages] == []
