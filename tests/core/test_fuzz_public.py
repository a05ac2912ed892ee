"""Random bad input never gives a 500 (property-based).

Random query strings on the public lists and search, random path segments on the detail
pages, and random POST bodies on the staff portal's forms: the answer is a page (200, or
400 with the error shown), a 404, or a redirect after a valid save; never a 500, and an
invalid form saves nothing.
"""

import datetime
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_bakery import baker

from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from forums.models import GoodPractice
from portal.forms import COMMITMENT_FIELDS
from tests import builders

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COMMON = ["sort", "page", "format", "q"]
LISTS = {
    "/cities/": ["region", "country", "kind", "network", "forum"],
    "/forums/": ["year", "country"],
    "/outcomes/": ["forum", "kind", "year", "theme", "endorsed_by"],
    "/commitments/": [
        "city",
        "country",
        "region",
        "status",
        "theme",
        "framework",
        "outcome",
        "forum",
        "year",
    ],
    "/relocations/": ["city", "origin", "destination", "country", "status", "group", "year"],
    "/practices/": ["theme", "city", "region", "replicated"],
    "/practices/feed/": ["theme", "city", "region", "replicated"],
    "/frameworks/": [],
    "/frameworks/GCM/": ["answered"],
    "/search/": [],
}

# Odd text: empty, very long, unicode, NUL, escapes, numbers, SQL and tsquery syntax.
ODD = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "x" * 5000,
            "\x00",
            "a\x00b",
            "%00",
            "-1",
            "0",
            "-99999999999999999999",
            "99999999999999999999999999",
            "1e309",
            "NaN",
            "1.5",
            "' OR 1=1 --",
            '"; DROP TABLE cities_city; --',
            "&|!:*()",
            "!",
            "a & !b | (c:*",
            "''",
            "\\",
            "%",
            "_",
            "ünïcödé 城市 🚀",
            "\u202e\ufeff",
            "\ud7ff",
            "barcelona",
            "ES",
            "planned",
            "csv",
            "json",
            "2014",
            "title",
            "-title",
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@pytest.fixture
def some_data(db):
    barcelona, athens = builders.city("barcelona", "ES"), builders.city("athens", "GR")
    host = builders.forum(barcelona, edition=1, year=2014)
    document = builders.outcome("call-of-barcelona", forum=host)
    builders.commitment(barcelona, outcome_document=document)
    builders.agreement(athens, barcelona)
    baker.make(GoodPractice, slug="welcome-desk", city=barcelona)
    builders.framework_item("GCM-1")


def shows_an_error(response):
    if response["Content-Type"].startswith("application/json"):
        return b"error" in response.content.lower() or b"detail" in response.content
    html = response.content
    return b'class="error-summary"' in html or b'class="errorlist"' in html


@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize("path", list(LISTS))
def test_random_query_strings_never_give_a_500(client, some_data, prefix, path):
    names = st.sampled_from(LISTS[path] + COMMON)

    @FUZZ
    @given(params=st.lists(st.tuples(names, ODD), max_size=6))
    def check(params):
        query = "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in params)
        response = client.get(f"{prefix}{path}?{query}")
        assert response.status_code in {200, 400, 404}, (query, response.status_code)
        if response.status_code == 400:
            assert shows_an_error(response), query

    check()


SEGMENTS = st.one_of(
    ODD,
    st.sampled_from(["0", "1", "-1", "00", "1.0", "9" * 30, "barcelona", "call-of-barcelona"]),
)


@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize(
    "path",
    [
        "/cities/", "/commitments/", "/relocations/", "/outcomes/", "/forums/", "/practices/",
        "/frameworks/",
    ],
)  # fmt: skip
def test_random_detail_paths_never_give_a_500(client, some_data, prefix, path):
    @FUZZ
    @given(segment=SEGMENTS)
    def check(segment):
        url = f"{prefix}{path}{quote(segment, safe='')}/"
        response = client.get(url, follow=True)
        assert response.status_code in {200, 404}, (url, response.status_code)

    check()


def field_values(names):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, ODD))


@pytest.fixture
def staff(client, barcelona_staff):
    client.force_login(barcelona_staff)
    return client


def assert_form_answer(response, before, after):
    assert response.status_code in {200, 302}, response.status_code
    if response.status_code == 200:
        assert b"errorlist" in response.content or b"form-errors" in response.content
        assert after == before, "an invalid form saved something"
    else:
        assert after == before + 1


def test_random_commitment_forms_never_give_a_500(staff, barcelona):
    # Every field of the form, plus the city and the edit-conflict version it carries.
    fields = ["city", *COMMITMENT_FIELDS, "loaded_version"]

    @FUZZ
    @given(data=field_values(fields), own_city=st.booleans())
    def check(data, own_city):
        if own_city:
            data["city"] = str(barcelona.pk)
        before = Commitment.objects.count()
        response = staff.post("/portal/commitments/new/", data)
        assert_form_answer(response, before, Commitment.objects.count())

    check()


def test_random_progress_updates_never_give_a_500(staff, barcelona):
    commitment = builders.commitment(barcelona)
    url = f"/portal/commitments/{commitment.pk}/updates/new/"

    @FUZZ
    @given(data=field_values(["date", "text", "percent", "evidence_url"]))
    def check(data):
        before = ProgressUpdate.objects.count()
        response = staff.post(url, data)
        assert_form_answer(response, before, ProgressUpdate.objects.count())

    check()


def test_random_transfers_never_give_a_500(staff, barcelona, athens):
    agreement = builders.agreement(athens, barcelona, signed_on=datetime.date(2016, 3, 1))
    assert RelocationAgreement.objects.filter(pk=agreement.pk).exists()
    url = f"/portal/relocations/{agreement.pk}/transfers/new/"

    @FUZZ
    @given(
        data=field_values(["reported_by_city", "date", "people", "notes"]),
        own_city=st.booleans(),
    )
    def check(data, own_city):
        if own_city:
            data["reported_by_city"] = str(barcelona.pk)
        before = Transfer.objects.count()
        response = staff.post(url, data)
        assert_form_answer(response, before, Transfer.objects.count())

    check()


def test_a_theme_id_too_large_for_any_column_is_a_field_error(staff, barcelona):
    # Found by the fuzzing above: SQLite raised OverflowError (a 500) on ``pk__in``.
    response = staff.post(
        "/portal/commitments/new/",
        {"city": barcelona.pk, "title": "T", "themes": "9" * 26, "framework_items": "9" * 26},
    )

    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert not Commitment.objects.exists()
