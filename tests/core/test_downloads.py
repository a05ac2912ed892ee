"""Downloads: ``?format=csv`` and ``?format=json`` on every list give every row the
filters select (not one page), streamed, UTF-8, with stable, documented columns."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from commitments.models import Commitment
from tests import builders

pytestmark = pytest.mark.django_db

# The columns are a public contract (docs/data.md, "Downloads"): changing one breaks scripts.
COLUMNS = {
    "cities": [
        "slug", "name", "kind", "country", "country_name", "region", "subregion",
        "population", "latitude", "longitude", "website", "leader_name", "leader_title",
        "networks", "url", "source_url", "source_citation",
    ],
    "forums": [
        "slug", "edition", "title", "theme", "year", "start_date", "end_date", "host_city",
        "host_city_name", "host_country", "summary", "source_url", "url", "source_citation",
    ],
    "outcomes": [
        "slug", "title", "kind", "forum", "adopted_on", "language", "summary", "themes",
        "framework_items", "endorsed_by", "published_commitments", "pdf_url", "source_url",
        "url", "source_citation",
    ],
    "commitments": [
        "id", "title", "city", "city_name", "country", "region", "status", "progress",
        "overdue", "stale", "last_update_on", "start_date", "target_date", "outcome",
        "forum", "themes", "framework_items", "description", "resources_needed",
        "resources_secured", "currency", "resources_note", "published_at", "source_url",
        "url", "partner_cities", "initiative", "reported_state", "answers", "source_citation",
    ],
    "relocations": [
        "id", "origin", "origin_name", "origin_country", "destination", "destination_name",
        "destination_country", "population_group", "people_pledged", "people_relocated",
        "people_remaining", "status", "network", "framework_item", "signed_on",
        "period_start", "period_end", "notes", "source_url", "url",
        "people_awaiting_confirmation", "reported_state", "source_citation",
    ],
}  # fmt: skip

# (list, filters, the key that names a row in the download, and on the page)
FILTERED_LISTS = [
    ("cities", "", "slug", lambda row: row.slug),
    ("cities", "country=ES&country=GR", "slug", lambda row: row.slug),
    ("forums", "year=2015&year=2016", "slug", lambda row: row.slug),
    ("outcomes", "theme=theme-0", "slug", lambda row: row.slug),
    ("commitments", "", "id", lambda row: str(row.pk)),
    ("commitments", "status=planned&status=achieved&theme=theme-1", "id", lambda row: str(row.pk)),
    ("relocations", "country=ES", "id", lambda row: str(row.pk)),
]


def streamed_text(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(streamed_text(response))))


def json_rows(response):
    return json.loads(streamed_text(response))


def all_page_rows(client, path, query, key):
    """The rows of the list page, following every page."""
    keys, page = [], 1
    while True:
        response = client.get(f"{path}?{query}&page={page}")
        assert response.status_code == 200
        keys += [key(row) for row in response.context["rows"]]
        if not response.context["listing"].next_url:
            return keys
        page += 1


@pytest.fixture
def many(db):
    builders.populate(8)


@pytest.mark.parametrize(("name", "query", "column", "key"), FILTERED_LISTS)
def test_csv_holds_exactly_the_rows_of_the_filtered_list(client, many, name, query, column, key):
    expected = all_page_rows(client, f"/{name}/", query, key)

    rows = csv_rows(client.get(f"/{name}/?{query}&format=csv"))

    assert [row[column] for row in rows] == expected
    assert len(expected) > 0


@pytest.mark.parametrize(("name", "query", "column", "key"), FILTERED_LISTS)
def test_json_holds_exactly_the_rows_of_the_filtered_list(client, many, name, query, column, key):
    expected = all_page_rows(client, f"/{name}/", query, key)

    rows = json_rows(client.get(f"/{name}/?{query}&format=json"))

    assert [str(row[column]) for row in rows] == expected


def test_a_download_holds_every_row_not_only_one_page(client, barcelona):
    for _ in range(30):
        builders.commitment(barcelona)
    assert client.get("/commitments/").context["listing"].page.paginator.num_pages == 2

    assert len(csv_rows(client.get("/commitments/?format=csv"))) == 30
    assert len(json_rows(client.get("/commitments/?format=json"))) == 30


@pytest.mark.parametrize("name", list(COLUMNS))
def test_columns_are_the_documented_ones_in_csv_and_json(client, many, name):
    csv_text = streamed_text(client.get(f"/{name}/?format=csv"))
    json_first = json_rows(client.get(f"/{name}/?format=json"))[0]

    assert csv_text.splitlines()[0].split(",") == COLUMNS[name]
    assert list(json_first) == COLUMNS[name]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_download_is_a_dated_utf8_attachment(client, barcelona, fmt):
    builders.commitment(barcelona)

    response = client.get(f"/commitments/?format={fmt}")

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="commitments-{today}.{fmt}"')
    assert (
        response["Content-Type"]
        == {
            "csv": "text/csv; charset=utf-8",
            "json": "application/json; charset=utf-8",
        }[fmt]
    )


def test_names_with_accents_come_through_as_utf8(client):
    bogota = builders.city("bogota", "CO", name="Bogotá")
    builders.commitment(bogota, title="Acogida en São Paulo y Zürich")

    row = csv_rows(client.get("/commitments/?format=csv"))[0]
    item = json_rows(client.get("/commitments/?format=json"))[0]

    assert row["city_name"] == item["city_name"] == "Bogotá"
    assert row["title"] == item["title"] == "Acogida en São Paulo y Zürich"


def test_values_are_typed_in_json_and_flat_in_csv(client, barcelona):
    made = builders.commitment(
        barcelona,
        status=Commitment.Status.IN_PROGRESS,
        progress=40,
        target_date=datetime.date(2001, 1, 1),
        resources_needed="1500.50",
        currency="EUR",
    )
    made.themes.set([builders.theme("housing"), builders.theme("health")])

    row = csv_rows(client.get("/commitments/?format=csv"))[0]
    item = json_rows(client.get("/commitments/?format=json"))[0]

    assert item["progress"] == 40 and row["progress"] == "40"
    assert item["overdue"] is True and row["overdue"] == "true"
    assert sorted(item["themes"]) == ["health", "housing"]
    assert sorted(row["themes"].split("; ")) == ["health", "housing"]
    assert item["resources_needed"] == row["resources_needed"] == "1500.50"
    assert item["target_date"] == row["target_date"] == "2001-01-01"
    assert item["url"] == row["url"] == f"http://testserver/commitments/{made.pk}/"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, barcelona):
    builders.commitment(barcelona, title='=HYPERLINK("http://evil.example","click")')

    row = csv_rows(client.get("/commitments/?format=csv"))[0]
    item = json_rows(client.get("/commitments/?format=json"))[0]

    assert row["title"].startswith("'=")
    assert item["title"].startswith("=")  # JSON is data, not a spreadsheet


def test_list_cells_cannot_run_as_spreadsheet_formulas_either(client, barcelona):
    made = builders.commitment(barcelona)
    made.themes.set([builders.theme("=1+1"), builders.theme("x")])
    made.framework_items.set([builders.framework_item("SDG-1"), builders.framework_item("@SUM")])

    row = csv_rows(client.get("/commitments/?format=csv"))[0]
    item = json_rows(client.get("/commitments/?format=json"))[0]

    # A list cell is text like any other: its first item, and each after a "; ".
    assert row["themes"] == "'=1+1; x"
    assert row["framework_items"] == "'@SUM; SDG-1"
    assert item["themes"] == ["=1+1", "x"]


def test_partial_dates_keep_their_precision(client, barcelona):
    host = builders.city("quito", "EC")
    builders.forum(host, edition=2, year=2015, date_precision="month")

    row = csv_rows(client.get("/forums/?format=csv"))[0]

    assert row["start_date"] == "2015-06"


@pytest.mark.parametrize("size", [2, 25])
def test_downloads_stay_within_a_query_budget(client, django_assert_max_num_queries, size):
    builders.populate(size)
    # Per list: the rows, then one query per prefetched relation (themes, framework
    # items, partner cities, endorsements, networks); filters' validation adds one per
    # named record.
    for url, budget in [
        ("/cities/?format=csv&network=network", 3),
        ("/forums/?format=json", 1),
        ("/outcomes/?format=csv", 4),
        ("/commitments/?format=json&theme=theme-0", 5),
        ("/relocations/?format=csv", 1),
    ]:
        with django_assert_max_num_queries(budget):
            rows = csv_rows(client.get(url)) if "csv" in url else json_rows(client.get(url))
        assert len(rows) >= size


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_download_that_fails_midway_is_a_broken_transfer_not_a_short_file(
    client, barcelona, fmt, monkeypatch
):
    """The database going away after the first chunk: the error reaches the server
    (which then aborts the chunked response, so the client sees a broken transfer),
    and what was sent is not a well-formed file (JSON left open). The writer reads a
    chunk at a time."""
    from django.db import OperationalError, connection

    from core import downloads

    monkeypatch.setattr(downloads, "DOWNLOAD_CHUNK_SIZE", 5)
    for _ in range(40):
        builders.commitment(barcelona)

    def gone(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    response = client.get(f"/commitments/?format={fmt}")
    assert response.status_code == 200 and response.streaming
    chunks = iter(response.streaming_content)
    received = [next(chunks), next(chunks)]  # the header (or "["), then the first rows
    # The database goes away: the chunk being read ahead, or the next one, fails.
    with connection.execute_wrapper(gone), pytest.raises(OperationalError):
        for chunk in chunks:
            received.append(chunk)
    body = b"".join(received).decode()
    if fmt == "json":
        assert body.startswith("[")
        assert 5 <= body.count('"id": ') < 40  # the rows before the failure went out...
        with pytest.raises(json.JSONDecodeError):  # ...and the file does not close
            json.loads(body)
    else:
        assert 1 + 5 <= len(body.splitlines()) < 1 + 40  # the header and rows before it
