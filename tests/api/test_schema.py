"""/api/schema/ is a valid OpenAPI 3 document that describes the API as it behaves.

The property-based run (schemathesis) sends generated requests, valid and invalid,
to every operation and checks that none is a server error, that every status code
and body is one the schema documents.
"""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mayoralforum.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# The public contract: renaming or dropping any of these breaks someone's script.
PATHS = {
    "/api/",
    "/api/cities/", "/api/cities/{slug}/",
    "/api/forums/", "/api/forums/{slug}/",
    "/api/outcomes/", "/api/outcomes/{slug}/",
    "/api/commitments/", "/api/commitments/{id}/",
    "/api/relocations/", "/api/relocations/{id}/",
    "/api/practices/", "/api/practices/{slug}/",
    "/api/frameworks/", "/api/frameworks/{code}/",
    "/api/themes/", "/api/themes/{slug}/",
}  # fmt: skip

FILTERS = {
    "/api/practices/": {"q", "theme", "city", "region", "replicated"},
    "/api/cities/": {"q", "region", "country", "kind", "network", "forum"},
    "/api/forums/": {"q", "year", "country"},
    "/api/outcomes/": {"q", "forum", "kind", "year", "theme", "endorsed_by"},
    "/api/commitments/": {
        "q",
        "city",
        "country",
        "region",
        "status",
        "initiative",
        "theme",
        "framework",
        "outcome",
        "forum",
        "year",
        "overdue",
        "stale",
    },  # fmt: skip
    "/api/relocations/": {
        "q",
        "city",
        "origin",
        "destination",
        "country",
        "status",
        "group",
        "year",
    },  # fmt: skip
}


@pytest.fixture
def openapi(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_generates_without_warnings_and_validates(tmp_path):
    # --validate checks the document against the OpenAPI 3 specification's JSON schema.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_schema_documents_every_path_and_answer(openapi):
    assert openapi["openapi"].startswith("3.")
    assert set(openapi["paths"]) == PATHS
    for path, operations in openapi["paths"].items():
        assert set(operations) == {"get"}, path
        responses = operations["get"]["responses"]
        expected = {"200", "429"} if path == "/api/" else {"200", "404", "429"}
        if path != "/api/" and "{" not in path:
            expected.add("400")  # a filter value or the page size
        assert set(responses) == expected, path
        assert "Retry-After" in responses["429"]["headers"]


def test_schema_documents_the_pages_filters(openapi):
    for path, filters in FILTERS.items():
        parameters = {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}
        assert set(parameters) == filters | {"page", "page_size"}, path
        for name in filters:
            assert parameters[name].get("description"), f"{path} ?{name}="
        assert parameters["city" if "city" in filters else "q"]["schema"]["type"] in (
            "array",
            "string",
        )


def test_every_field_is_documented_or_self_explanatory(openapi):
    """Each property of each record carries a description or a title, or its name
    says it all (slug, name, url, ...)."""
    obvious = {"slug", "name", "title", "url", "id", "code", "kind", "role", "status",
               "country", "date", "text", "number", "position", "summary", "description",
               "count", "next", "previous", "results", "detail", "website", "edition",
               "year", "theme", "people", "percent", "notes", "themes", "items",
               "cities", "forums", "outcomes", "commitments", "relocations", "frameworks",
               "forum", "city", "networks", "framework", "framework_items", "updated_at",
               "updates", "origin", "destination", "network", "progress"}  # fmt: skip
    undocumented = [
        f"{component}.{name}"
        for component, schema in openapi["components"]["schemas"].items()
        for name, field in schema.get("properties", {}).items()
        if name not in obvious and not (field.get("description") or field.get("title"))
    ]
    assert undocumented == [], "\n".join(undocumented)


# Loaded from the served document, as a client would (serving it needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def unthrottled(monkeypatch):
    """Calls the WSGI application directly, as a server would, inside the test.

    Enough requests for every generated case (the limit is tested elsewhere), and the
    test's database connection left open: at each request Django closes connections
    it thinks stale, and one inside the test's transaction looks so (Django's test
    client unhooks the same handler for the same reason).
    """
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "100000/minute"})
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_behaves_as_its_schema_says(case, network, unthrottled):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.parametrize(
    "path,parameter,key",
    [
        ("/api/cities/{slug}/", "slug", lambda made: "barcelona"),
        ("/api/forums/{slug}/", "slug", lambda made: made["forums"][0].slug),
        ("/api/outcomes/{slug}/", "slug", lambda made: made["outcomes"][0].slug),
        ("/api/commitments/{id}/", "id", lambda made: str(made["published"][0].pk)),
        ("/api/relocations/{id}/", "id", lambda made: str(made["agreements"][0].pk)),
        ("/api/frameworks/{code}/", "code", lambda made: made["framework"].code),
        ("/api/themes/{slug}/", "slug", lambda made: made["theme"].slug),
    ],
)
def test_real_records_match_the_schema(network, unthrottled, path, parameter, key):
    """Generated keys mostly miss; these are records that exist, checked field by field."""
    case = schema[path]["GET"].Case(path_parameters={parameter: key(network)})

    response = case.call_and_validate(checks=CHECKS)

    assert response.status_code == 200


@pytest.mark.parametrize("path", sorted(p for p in PATHS if "{" not in p))
def test_full_lists_match_the_schema(network, unthrottled, path):
    response = schema[path]["GET"].Case().call_and_validate(checks=CHECKS)

    assert response.status_code == 200


# Where the schema and the API disagreed (issue 11) ------------------------------------


def test_an_empty_record_filter_is_refused_and_the_schema_says_so(client, openapi, barcelona):
    parameters = {p["name"]: p for p in openapi["paths"]["/api/commitments/"]["get"]["parameters"]}

    assert parameters["city"]["schema"]["items"]["minLength"] == 1
    response = client.get("/api/commitments/?city=")
    assert response.status_code == 400
    assert "city" in response.json()


@pytest.mark.parametrize("page_size", ["null", "true", "0", "-1", "", "1.5", "9" * 30])
def test_a_page_size_that_is_not_a_positive_whole_number_is_refused(client, db, page_size):
    response = client.get(f"/api/themes/?page_size={page_size}")

    assert response.status_code == 400
    assert response.json() == {"page_size": ["A whole number from 1 to 200."]}


def test_a_page_size_above_the_maximum_gives_the_maximum(client, openapi):
    parameters = {p["name"]: p for p in openapi["paths"]["/api/themes/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"]["minimum"] == 1

    assert client.get("/api/themes/?page_size=999").status_code == 200
    assert client.get("/api/themes/?page_size=2").status_code == 200


@pytest.mark.parametrize(
    "stored",
    [
        'https://example.org/report"quoted"',
        "https://example.org/a b/<c>?q={x}",
        "https://example.org/informe-año/100%",
    ],
)
def test_links_the_forms_accept_are_given_as_valid_uris(client, barcelona, stored):
    import jsonschema_rs

    from tests import builders

    commitment = builders.commitment(barcelona, source_url=stored)
    uri = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)

    body = client.get(f"/api/commitments/{commitment.pk}/").json()

    assert uri.is_valid(body["source_url"]), body["source_url"]
    assert body["source_url"].startswith("https://example.org/")
