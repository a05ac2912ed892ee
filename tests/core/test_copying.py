"""Downloads that PostgreSQL writes with COPY (core.copying): the same bytes as the
Python writer (core.downloads), for the large lists, and loud when they fail.

test_download_cells.py pins every list's bytes over a few awkward records (on
PostgreSQL, through COPY where a list can be); here many records of random awkward
text, instants and amounts go through both writers, which must agree byte for byte.
"""

import csv
import datetime
import io
import json
import random
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cities.models import City, Network
from commitments.models import Commitment
from commitments.views import COMMITMENTS, RELOCATIONS
from core import copying, geo, listing
from core.downloads import csv_safe
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

UTC = datetime.UTC
# Separators, formula characters, quotes, line breaks, control characters (JSON
# escapes them; the JSON COPY's quote and delimiter are \x01 and \x02), backslashes,
# percent signs (the SQL's parameters), non-ASCII and the characters JSON leaves as
# they are.
ALPHABET = list(",;\t|\r\n \"'=+-@aZ9é\\%\x01\x02\x1f\x7f\u2028/{}[]:") + ["ab", "\\.", "€"]


def _text(rnd, size=12):
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, size)))


def _instant(rnd):
    microsecond = rnd.choice([0, 1, 999, 1000, 123000, 123456, 999999])
    return datetime.datetime(
        rnd.randint(1990, 2030), rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23),
        rnd.randint(0, 59), rnd.randint(0, 59), microsecond, tzinfo=UTC,
    )  # fmt: skip


@pytest.fixture
def random_records(db):
    """A hundred commitments and agreements of random awkward text (one seed: the same
    records on every run)."""
    rnd = random.Random(20261129)
    cities = [
        builders.city(f"city-{n}", country, name=_text(rnd) or "x")
        for n, country in enumerate(["ES", "EC", "GR", "PH", "KE"])
    ]
    themes = [builders.theme(f"theme-{n}") for n in range(4)]
    network = Network.objects.create(slug="net", name="Net")
    for n in range(100):
        commitment = builders.commitment(
            rnd.choice(cities),
            title=_text(rnd) or "t",
            description=_text(rnd, 40),
            resources_note=_text(rnd),
            source_url=rnd.choice(["", "https://example.org/a,b", "=x"]),
            source_citation=_text(rnd),
            status=rnd.choice([Commitment.Status.PLANNED, Commitment.Status.IN_PROGRESS]),
            progress=rnd.randint(0, 99),
            start_date=rnd.choice([None, datetime.date(2019, 3, 1)]),
            start_precision=rnd.choice(["day", "month", "year"]),
            target_date=rnd.choice([None, datetime.date(2030, 12, 31), datetime.date(2021, 1, 9)]),
            target_precision=rnd.choice(["day", "month", "year"]),
            resources_needed=rnd.choice([None, Decimal("0.00"), Decimal("1234567.89")]),
            resources_secured=rnd.choice([None, Decimal("0.10"), Decimal("12")]),
            published_at=_instant(rnd),
        )
        commitment.themes.set(rnd.sample(themes, rnd.randint(0, 3)))
        if n % 3 == 0:
            builders.agreement(
                commitment.city,
                rnd.choice([city for city in cities if city != commitment.city]),
                pledged=rnd.randint(0, 500),
                network=rnd.choice([None, network]),
                notes=_text(rnd, 30),
                source_citation=_text(rnd),
                signed_on=rnd.choice([None, datetime.date(2020, 2, 3)]),
                signed_precision=rnd.choice(["day", "month", "year"]),
            )


def _body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("path", ["/commitments/", "/relocations/", "/fr/commitments/"])
def test_postgresql_writes_the_bytes_python_writes(client, random_records, monkeypatch, path, fmt):
    url = f"{path}?format={fmt}"
    with CaptureQueriesContext(connection) as queries:
        copied = _body(client.get(url))
    assert any(query["sql"].startswith("COPY (") for query in queries)
    monkeypatch.setattr(listing, "copied_download", lambda *args, **kwargs: None)
    with CaptureQueriesContext(connection) as queries:
        written = _body(client.get(url))
    assert not any(query["sql"].startswith("COPY (") for query in queries)

    assert copied == written
    if fmt == "json":
        assert len(json.loads(copied)) > 30
    else:
        assert copied.count(b"\r\n") > 30


def test_an_empty_selection_is_an_empty_file(client, random_records):
    assert _body(client.get("/commitments/?format=json&q=nothingmatchesthis")) == b"[\n]\n"
    csv = _body(client.get("/commitments/?format=csv&q=nothingmatchesthis")).decode()
    assert csv.splitlines() == [",".join(column.name for column in COMMITMENTS.columns)]


def test_the_large_lists_are_written_by_postgresql():
    """Each column of the commitments and the agreements has a form in SQL (a column
    added without one would quietly make their downloads ten times slower)."""
    for listed in (COMMITMENTS, RELOCATIONS):
        queryset = (listed.download_decorate or listed.decorate)(listed.queryset())
        for column in listed.columns:
            cell = copying._column(
                column, queryset.model, queryset.query.annotations, "http://x", "UTC"
            )
            assert cell is not None, (listed.name, column.name)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_error_partway_through_is_a_broken_transfer_not_a_short_file(
    client, db, fmt, monkeypatch
):
    """PostgreSQL fails on a row after it has sent the ones before it (here: a division
    by zero for the last row): the error reaches the server, which aborts the chunked
    response, and what was sent is not a well-formed file."""
    barcelona = builders.city("barcelona", "ES")
    for n in range(40):
        builders.commitment(
            barcelona,
            resources_needed=Decimal(n),
            published_at=datetime.datetime(2024, 1, 1, tzinfo=UTC) - datetime.timedelta(days=n),
        )
    monkeypatch.setattr(copying, "BLOCK_BYTES", 1)  # a block a row

    def failing(value):  # value / 0 for the 40th row (the oldest, the last)
        return copying._text(value / (value - Decimal(39)))

    monkeypatch.setitem(copying.SQL_FORMS, copying.decimal_text, (failing, "text"))

    response = client.get(f"/commitments/?format={fmt}")
    assert response.status_code == 200 and response.streaming
    received = []
    with pytest.raises(DatabaseError, match="division by zero"):
        for chunk in response.streaming_content:
            received.append(chunk)
    body = b"".join(received).decode()
    if fmt == "json":
        assert body.startswith("[") and 5 <= body.count('"id": ') < 40
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    else:
        assert 1 + 5 <= len(body.splitlines()) < 1 + 40
    # The connection is usable again for the next request.
    assert client.get("/commitments/?format=csv").status_code == 200


def test_a_list_with_a_column_without_an_sql_form_is_written_by_python(client, random_records):
    """The cities' country_name is a name in the reader's language: Python's to write.
    The list is still downloaded whole, by the Python writer."""
    with CaptureQueriesContext(connection) as queries:
        body = _body(client.get("/cities/?format=csv")).decode()
    assert not any(query["sql"].startswith("COPY (") for query in queries)
    assert len(list(csv.reader(io.StringIO(body)))) == 1 + 5


def _texts(rnd, count):
    return ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 10))) for _ in range(count)]


def test_the_formula_escape_is_csv_safe_in_sql():
    """Random text through the SQL form of csv_safe (and the row's quick test) and
    through csv_safe itself."""
    texts = _texts(random.Random(7), 3000) + ["=1", " \"'-x", "a;\t=b", "a\r\n@c", "--"]
    cell = copying._CSV_CELLS["text"].format(
        v="t", g=f"(t ~ {copying._literal(copying._MAY_NEED_QUOTE)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t, {cell} FROM unnest(%s::text[]) AS t", [texts])  # noqa: S608
        written = cursor.fetchall()
    assert [(text, csv_safe(text) or None) for text in texts] == written


def test_country_codes_in_sql_are_the_ones_python_gives(db):
    """What a city's country field may hold (a code in any case, a numeric code, no
    country at all) and the code the download gives for it."""
    stored = ["ES", "es", "Gr", "04", "4", "XX", "x", "-X", "", "E1"]
    for n, country in enumerate(stored):
        City.objects.create(slug=f"city-{n}", name=f"City {n}", country="ES")
        City.objects.filter(slug=f"city-{n}").update(country=country)
    written = City.objects.annotate(code=copying._country_code_sql(F("country")))

    assert dict(written.values_list("country", "code")) == {
        country: geo.country_code(country) for country in stored
    }
