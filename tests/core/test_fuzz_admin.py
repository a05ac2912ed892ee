"""Random bad input never gives a 500 in the admin either (property-based), as a curator.

Every URL pattern of the admin site is requested: its path segments (object ids,
history versions, content types) are real ids or odd text, and its query string holds
random filters of its own list, filters of other lists and unknown names, with odd
values (NUL bytes, unicode, huge numbers). The answer is a page, a redirect, a 400, a
403 or a 404; never a 500. The CSV imports are fed random files and write nothing
before their preview is confirmed.
"""

import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import URLResolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import builders
from tests.core.test_fuzz_public import ODD
from tests.curation import ensure_groups

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSWERS = {200, 302, 400, 403, 404}

# Log in and out are not pages of the records (logout is POST-only: a GET is a 405).
SKIPPED = {"login", "logout"}


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif entry.name not in SKIPPED and str(entry.pattern) != "(?P<url>.*)$":
            yield prefix + str(entry.pattern), entry.name


def _model_admin_patterns():
    by_admin = {"site": []}
    site_patterns = {pattern for pattern, _ in _patterns(admin.site.get_urls())}
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}/{model._meta.model_name}/"
        own = [prefix + pattern for pattern, _ in _patterns(model_admin.get_urls())]
        by_admin[f"{model._meta.app_label}.{model._meta.model_name}"] = own
        site_patterns -= set(own)
    by_admin["site"] = sorted(site_patterns)
    return by_admin


PATTERNS = _model_admin_patterns()
PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>|\(\[\^/\]\+\)")

# Names any admin page may be sent: the changelist's own, filters of other lists, junk.
GENERIC_NAMES = [
    "q",
    "o",
    "p",
    "all",
    "e",
    "_to_field",
    "_popup",
    "_changelist_filters",
    "nonexistent",
    "city__id__exact",
    "city__region",
    "status__exact",
    "publication_state__exact",
    "id__in",
    "pk",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "page",
    "import_file_name",
    "original_file_name",
    "format",
    "resource",
]
ODD_UNICODE = st.sampled_from(["\x00", "\u0000x", "Ω≈ç√", "\U0001f600", "\u200b"])
VALUES = st.one_of(ODD, ODD_UNICODE, st.sampled_from(["1", "0", "true", "False", "None"]))
ODD_IDS = st.one_of(
    st.sampled_from(["abc", "%00", "\x00", "-1", "0", "9" * 30, "1.5", "1_2", " 1", "../1"]),
    ODD.filter(lambda s: s and "/" not in s),
)


def _build_path(pattern, segment_values):
    """The admin path of ``pattern`` with each placeholder replaced by the next value."""
    values = iter(segment_values)
    path = PLACEHOLDER.sub(lambda _m: quote(next(values), safe=""), pattern)
    return "/admin/" + path.lstrip("^").rstrip("$")


class Counter:
    requests = 0
    patterns: set[str] = set()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(
        f"\nadmin fuzzing: {len(Counter.patterns)} admin URL patterns, {Counter.requests} requests"
    )


@pytest.fixture
def curator_client(client, curator):
    ensure_groups()
    builders.populate(1)
    client.force_login(curator)
    return client


def _filter_names(client, changelist):
    response = client.get(changelist)
    Counter.requests += 1
    if response.status_code == 403:  # a list curators may not see (groups, login logs)
        return []
    assert response.status_code == 200, changelist
    names = []
    for spec in response.context["cl"].filter_specs:
        names += spec.expected_parameters()
    return names


def _real_ids(model):
    ids = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:2]]
    history = getattr(model, "history", None)
    if history is not None:
        ids += [str(pk) for pk in history.values_list("history_id", flat=True)[:2]]
    return ids or ["1"]


def _get(client, path, params):
    query = "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in params)
    if path.endswith("/process_import/"):
        # Only ever POSTed (the confirmed preview of an import): send the params as its form.
        data = {}
        for name, value in params:
            data.setdefault(name, []).append(value)
        response = client.post(path, data)
    else:
        response = client.get(f"{path}?{query}" if query else path)
    Counter.requests += 1
    assert response.status_code in ANSWERS, (path, query, response.status_code)


@pytest.mark.parametrize("admin_name", sorted(name for name in PATTERNS if name != "site"))
def test_random_requests_to_every_admin_url_never_give_a_500(curator_client, admin_name):
    app_label, model_name = admin_name.split(".")
    model = next(m for m in admin.site._registry if m._meta.label_lower == admin_name)
    patterns = PATTERNS[admin_name]
    names = _filter_names(curator_client, f"/admin/{app_label}/{model_name}/")
    segments = st.one_of(st.sampled_from(_real_ids(model)), ODD_IDS)
    param_names = st.sampled_from(names + GENERIC_NAMES)

    @FUZZ
    @given(
        pattern=st.sampled_from(patterns),
        segment_values=st.lists(segments, min_size=2, max_size=2),
        params=st.lists(st.tuples(param_names, VALUES), max_size=4),
    )
    def check(pattern, segment_values, params):
        Counter.patterns.add(pattern)
        _get(curator_client, _build_path(pattern, segment_values), params)

    check()
    # Every pattern of this admin at least once, with a real id and a NUL-byte filter.
    for pattern in patterns:
        Counter.patterns.add(pattern)
        path = _build_path(pattern, [_real_ids(model)[0]] * 2)
        _get(curator_client, path, [(names[0] if names else "q", "\x00")])


def _autocomplete_sources():
    sources = []
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            sources.append((model._meta.app_label, model._meta.model_name, field_name))
    return sources


def test_random_site_pages_and_autocomplete_never_give_a_500(curator_client):
    sources = _autocomplete_sources()
    assert sources

    @FUZZ
    @given(
        pattern=st.sampled_from(PATTERNS["site"]),
        segment_values=st.lists(ODD_IDS, min_size=2, max_size=2),
        params=st.lists(st.tuples(st.sampled_from(GENERIC_NAMES), VALUES), max_size=4),
    )
    def check_site(pattern, segment_values, params):
        Counter.patterns.add(pattern)
        _get(curator_client, _build_path(pattern, segment_values), params)

    @settings(FUZZ, max_examples=60)
    @given(source=st.sampled_from(sources), term=VALUES, page=st.one_of(st.none(), VALUES))
    def check_autocomplete(source, term, page):
        app_label, model_name, field_name = source
        params = [
            ("app_label", app_label),
            ("model_name", model_name),
            ("field_name", field_name),
            ("term", term),
        ]
        if page is not None:
            params.append(("page", page))
        _get(curator_client, "/admin/autocomplete/", params)

    check_site()
    check_autocomplete()
    Counter.patterns.update(PATTERNS["site"])
    for pattern in PATTERNS["site"]:
        _get(curator_client, _build_path(pattern, ["1", "1"]), [("q", "\x00")])


IMPORTABLE = [
    model
    for model, model_admin in admin.site._registry.items()
    if hasattr(model_admin, "import_action")
]
CSV_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.lists(st.one_of(ODD, st.sampled_from(["", "id", "1", "barcelona"])), max_size=5),
        max_size=4,
    ).map(lambda rows: "\n".join(",".join(row) for row in rows)),
)


@pytest.mark.parametrize("model", IMPORTABLE, ids=lambda m: m._meta.label_lower)
def test_random_csv_files_never_give_a_500_and_write_nothing_before_confirmation(
    curator_client, model
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/import/"

    @FUZZ
    @given(text=CSV_TEXT, header=st.booleans())
    def check(text, header):
        before = model._default_manager.count()
        if header:
            text = "id,title,city,slug,name,commitment,date,text\n" + text
        upload = SimpleUploadedFile("data.csv", text.encode("utf-8", "surrogatepass"))
        response = curator_client.post(
            url, {"resource": "0", "format": "0", "import_file": upload}
        )
        Counter.requests += 1
        assert response.status_code in ANSWERS, (text, response.status_code)
        assert model._default_manager.count() == before

    check()


HISTORY_ADMINS = sorted(
    name
    for name, patterns in PATTERNS.items()
    if any(pattern.endswith("/history/([^/]+)/$") for pattern in patterns)
)


@pytest.mark.parametrize("admin_name", HISTORY_ADMINS)
def test_an_odd_history_version_of_a_real_record_is_a_404_not_a_500(
    curator_client, barcelona, admin_name
):
    """The shape the fuzzing above rarely draws: a real record with an odd version."""
    builders.commitment(barcelona)
    model = next(m for m in admin.site._registry if m._meta.label_lower == admin_name)
    real = model._default_manager.values_list("pk", flat=True).first()
    if real is None:
        pytest.skip(f"no {admin_name} to look at")
    app_label, model_name = admin_name.split(".")
    for odd in ["abc", "1.5", "-1", "9" * 30, "%00", "1_2"]:
        path = f"/admin/{app_label}/{model_name}/{real}/history/{quote(odd, safe='')}/"
        response = curator_client.get(path)
        Counter.requests += 1
        assert response.status_code == 404, (path, response.status_code)
