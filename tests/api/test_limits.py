"""Anonymous rate limiting, cross-origin reads and HTTP caching of the API."""

import pytest
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(monkeypatch):
    # AnonRateThrottle copies the rates from the settings when it is imported.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


def test_too_many_requests_answer_429_saying_when_to_retry(api, three_per_minute):
    for _ in range(3):
        assert api.get("/api/cities/").status_code == 200

    response = api.get("/api/themes/")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"].startswith("Too many requests from this address.")
    assert "Expected available in" in body["detail"]
    assert 0 < body["retry_after"] <= 60
    assert int(response["Retry-After"]) == body["retry_after"]
    # Not something a CDN should keep and serve to everyone.
    assert "public" not in response.get("Cache-Control", "")


def test_the_limit_is_per_address(api, three_per_minute):
    for _ in range(3):
        api.get("/api/cities/", REMOTE_ADDR="192.0.2.1")

    assert api.get("/api/cities/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert api.get("/api/cities/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_an_ipv6_client_is_limited_by_its_64_network(api, three_per_minute):
    for number in range(1, 4):
        api.get("/api/cities/", REMOTE_ADDR=f"2001:db8:5:6::{number}")

    assert api.get("/api/cities/", REMOTE_ADDR="2001:db8:5:6:abcd::1").status_code == 429
    assert api.get("/api/cities/", REMOTE_ADDR="2001:db8:5:7::1").status_code == 200


def test_behind_the_proxy_the_limit_is_per_client_not_per_proxy(api, settings, three_per_minute):
    """Behind the reverse proxy every request comes from the proxy's address; the
    client's is the one the proxy appends to X-Forwarded-For."""
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        api.get("/api/cities/", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)

    assert api.get("/api/cities/", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    # A client cannot dodge the limit by sending its own X-Forwarded-For first.
    assert (
        api.get("/api/cities/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy).status_code
        == 429
    )
    assert api.get("/api/cities/", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 200


def test_without_a_proxy_a_sent_forwarded_address_does_not_dodge_the_limit(
    api, settings, three_per_minute
):
    settings.NUM_PROXIES = None
    client = {"REMOTE_ADDR": "192.0.2.9"}
    for number in range(3):
        api.get("/api/cities/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}", **client)

    response = api.get("/api/cities/", HTTP_X_FORWARDED_FOR="198.51.100.99", **client)

    assert response.status_code == 429


@pytest.mark.parametrize("behind_proxy,expected", [("1", "1"), ("0", "None")])
def test_settings_count_clients_by_forwarded_address_only_behind_the_proxy(behind_proxy, expected):
    from tests.core.test_settings import PRODUCTION_ENV, run_settings

    result = run_settings(
        [
            "shell",
            "-c",
            "from django.conf import settings; print(settings.REST_FRAMEWORK['NUM_PROXIES'])",
        ],  # fmt: skip
        {**PRODUCTION_ENV, "BEHIND_PROXY": behind_proxy},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_cross_origin_get_is_allowed(api, barcelona):
    response = api.get("/api/cities/barcelona/", HTTP_ORIGIN="https://www.barcelona.example")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_cross_origin_preflight_allows_only_reading(api):
    response = api.options(
        "/api/commitments/",
        HTTP_ORIGIN="https://www.quito.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    allowed = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


def test_pages_outside_the_api_are_not_opened_cross_origin(client, barcelona):
    response = client.get("/healthz", HTTP_ORIGIN="https://elsewhere.example")

    assert "Access-Control-Allow-Origin" not in response


def test_writing_is_not_allowed(api, barcelona):
    response = api.post("/api/cities/", {"name": "New"}, format="json")

    assert response.status_code == 405
    assert response.json()["detail"]


def test_anonymous_reads_can_be_cached_and_revalidated(api, barcelona):
    first = api.get("/api/cities/barcelona/")

    assert "public" in first["Cache-Control"]
    assert first["ETag"]
    again = api.get("/api/cities/barcelona/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
