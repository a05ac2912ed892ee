"""The server-side page cache: a repeated anonymous GET of a public page is answered
from the shared cache, and any write to a public record makes the kept pages
unreachable at once (the data version in their keys). While the database cannot be
reached, a page still kept is served and any other request is a 503 page, never an
old copy: nginx answers the 503 with its own last copy (proxy_cache_use_stale)."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import path
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle

from cities.models import City
from commitments import services
from core.models import OutgoingEmail
from opendata.models import Release
from tests import builders
from tests.curation import admin_url, ensure_groups, form_data

# Writes commit for real, as on the site: the data version moves on when they do.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def _form_page(request):
    template = engines["django"].from_string(
        '<form method="post">{% csrf_token %}<button>Send</button></form>'
    )
    return HttpResponse(template.render({}, request))


def _cookie_page(request):
    response = HttpResponse("Hello")
    response.set_cookie("seen", "1")
    return response


def _plain_page(request):
    return HttpResponse("Hello")


# Used by the tests marked @pytest.mark.urls(__name__).
urlpatterns = [
    path("form/", _form_page),
    path("cookie/", _cookie_page),
    path("plain/", _plain_page),
]


def _state(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get("X-Cache")


def _kept(client, url):
    """Requests the page twice: the second answer must come from the cache."""
    assert _state(client, url) == "miss"
    assert _state(client, url) == "hit"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/es/",
        "/commitments/",
        "/commitments/?status=planned",
        "/relocations/",
        "/cities/",
        "/search/?q=housing",
    ],
)
def test_a_repeated_anonymous_request_is_served_from_the_cache(client, barcelona, url):
    builders.commitment(barcelona, title="Open a centre")
    first = client.get(url)
    second = client.get(url)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_the_key_holds_the_query_string_and_the_language(client, barcelona):
    _kept(client, "/commitments/")
    assert _state(client, "/commitments/?status=planned") == "miss"
    assert _state(client, "/es/commitments/") == "miss"
    assert 'lang="es"' in client.get("/es/commitments/").content.decode()


def test_the_same_filters_in_another_order_or_with_trackers_find_the_kept_copy(client):
    _kept(client, "/commitments/?status=planned&region=europe")
    assert _state(client, "/commitments/?region=europe&status=planned") == "hit"
    assert _state(client, "/commitments/?status=planned&utm_source=news&region=europe") == "hit"
    assert _state(client, "/commitments/?status=planned&region=europe&fbclid=abc") == "hit"
    # A parameter a page reads is part of the key.
    assert _state(client, "/commitments/?status=planned&region=europe&page=1") == "miss"


def test_a_hit_costs_no_query(client, barcelona, django_assert_num_queries):
    _kept(client, "/commitments/")
    with django_assert_num_queries(0):  # the data version is in the cache too
        assert _state(client, "/commitments/") == "hit"


def test_publishing_a_commitment_shows_it_at_once(client, barcelona, curator):
    draft = builders.commitment(
        barcelona, state=builders.NOT_PUBLIC_STATES[1], title="Open a reception centre"
    )
    _kept(client, "/commitments/")
    services.publish(commitment=draft, user=curator)
    response = client.get("/commitments/")
    assert response["X-Cache"] == "miss"
    assert "Open a reception centre" in response.content.decode()


def test_an_accepted_change_shows_at_once(client, barcelona, barcelona_staff, curator):
    commitment = builders.commitment(barcelona, title="Open a centre")
    services.propose_changes(
        commitment=commitment, user=barcelona_staff, changes={"title": "Open two centres"}
    )
    url = commitment.get_absolute_url()
    _kept(client, url)
    services.accept_pending_changes(commitment=commitment, user=curator)
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Open two centres" in response.content.decode()


def test_a_verified_update_shows_at_once(client, barcelona, barcelona_staff, curator):
    commitment = builders.commitment(barcelona, status="in_progress")
    update = services.add_progress_update(
        commitment=commitment,
        user=barcelona_staff,
        date=timezone.localdate(),
        text="Half done",
        percent=50,
    )
    url = commitment.get_absolute_url()
    _kept(client, url)
    before = client.get(url).content
    services.verify_update(update=update, user=curator)
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert response.content != before


def test_a_confirmed_transfer_shows_at_once(client, barcelona, quito, barcelona_staff,
                                            quito_staff):  # fmt: skip
    agreement = builders.agreement(
        barcelona, quito, pledged=100, signed_on=datetime.date(2020, 1, 1)
    )
    transfer = services.record_transfer(
        agreement=agreement,
        user=barcelona_staff,
        date=timezone.localdate(),
        people=40,
        reported_by_city=barcelona,
    )
    url = agreement.get_absolute_url()
    _kept(client, url)
    before = client.get(url).content
    services.confirm_transfer(transfer=transfer, user=quito_staff, city=quito)
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert response.content != before  # the 40 people now count as relocated


def test_a_curators_edit_in_the_admin_shows_at_once(client, barcelona, curator):
    _kept(client, "/cities/")
    ensure_groups()
    admin = Client()
    admin.force_login(curator)
    url = admin_url(City, "change", barcelona.pk)
    data = form_data(admin.get(url))
    data["name"] = "Barcelona (renamed)"
    assert admin.post(url, data).status_code == 302
    response = client.get("/cities/")
    assert response["X-Cache"] == "miss"
    assert "Barcelona (renamed)" in response.content.decode()


def test_a_theme_added_to_a_commitment_shows_at_once(client, barcelona):
    commitment = builders.commitment(barcelona)
    housing = builders.theme("housing")
    _kept(client, "/commitments/?theme=housing")
    commitment.themes.add(housing)  # many-to-many: no save of the commitment
    response = client.get("/commitments/?theme=housing")
    assert response["X-Cache"] == "miss"
    assert commitment.title in response.content.decode()


def test_a_logged_in_user_is_never_served_nor_stored(client, barcelona, barcelona_staff):
    client.force_login(barcelona_staff)
    for _ in range(2):
        response = client.get("/commitments/")
        assert response.status_code == 200
        assert "X-Cache" not in response
    # Nor did their pages go into the cache for anyone else.
    assert _state(Client(), "/commitments/") == "miss"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/form/", "/cookie/"])
def test_a_page_with_a_form_token_or_a_cookie_is_never_kept(client, url):
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Cache" not in response


@pytest.mark.urls(__name__)
def test_a_plain_page_is_kept(client):
    _kept(client, "/plain/")


def test_login_page_and_healthz_are_never_kept(client):
    for url in ("/accounts/login/", "/healthz"):
        for _ in range(2):
            assert "X-Cache" not in client.get(url)


def test_the_api_is_never_answered_from_the_cache_so_its_rate_limit_holds(client, monkeypatch):
    # Before, the second to fourth answers came from the page cache, past the limit.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [client.get("/api/commitments/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    for url in ("/api/commitments/",):
        for _ in range(2):
            assert "X-Cache" not in client.get(url)


def test_a_post_is_never_answered_from_the_cache(client, barcelona):
    _kept(client, "/search/?q=x")
    response = client.post("/search/?q=x")
    assert response.get("X-Cache") != "hit"


def test_the_page_cache_can_be_turned_off(client, settings, barcelona):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert "X-Cache" not in client.get("/commitments/")


# The database down ---------------------------------------------------------------


def _database_down():
    return mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("connection refused")
    )


@pytest.mark.parametrize(("prefix", "text"), [("", "Temporarily unavailable"),
                                              ("/es", "Temporalmente no disponible")])  # fmt: skip
def test_with_the_database_down_a_page_not_kept_is_a_503_in_the_sites_layout(prefix, text):
    client = Client(raise_request_exception=False)
    with _database_down():
        response = client.get(f"{prefix}/commitments/")
    assert response.status_code == 503
    body = response.content.decode()
    assert text in body
    assert 'class="site-header"' in body
    assert response["Retry-After"]


def test_with_the_database_down_and_no_page_cache_the_view_answers_503(settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client(raise_request_exception=False)
    with _database_down():
        response = client.get("/commitments/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


def test_with_the_database_down_a_logged_in_user_gets_a_503(barcelona_staff):
    client = Client(raise_request_exception=False)
    client.force_login(barcelona_staff)
    with _database_down():
        response = client.get("/portal/")
    assert response.status_code == 503


def test_with_the_database_down_a_kept_page_is_still_served(client, barcelona):
    builders.commitment(barcelona, title="Open a centre")
    fresh = client.get("/commitments/")
    with _database_down():
        response = Client(raise_request_exception=False).get("/commitments/")
    # No write since it was kept: the copy is as fresh as the database would give.
    assert response.status_code == 200
    assert response["X-Cache"] == "hit"
    assert response.content == fresh.content


def test_with_the_database_down_a_page_kept_before_a_write_is_a_503_not_the_old_copy(
    client, barcelona
):
    builders.commitment(barcelona, title="Open a centre")
    _kept(client, "/es/commitments/")
    builders.commitment(barcelona, title="Fund a school")  # the kept page is now old
    with _database_down():
        response = Client(raise_request_exception=False).get("/es/commitments/")
    # nginx answers a 503 with its own last copy; the app never sends an old page.
    assert response.status_code == 503
    assert "Temporalmente no disponible" in response.content.decode()
    # Back up: the fresh page.
    assert "Fund a school" in client.get("/es/commitments/").content.decode()


def test_a_new_release_shows_on_the_data_page_at_once(client):
    _kept(client, "/data/")
    Release.objects.create(date=datetime.date(2026, 1, 2))
    response = client.get("/data/")
    assert response["X-Cache"] == "miss"
    assert "2026-01-02" in response.content.decode()


def test_the_mail_sender_does_not_empty_the_page_cache(client):
    _kept(client, "/commitments/")
    OutgoingEmail.objects.create(
        from_email="site@example.org", to=["a@example.org"], subject="s", body="b",
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    assert client.get("/commitments/")["X-Cache"] == "hit"
