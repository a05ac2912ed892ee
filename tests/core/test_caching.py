"""HTTP caching: a CDN may keep anonymous public pages for a short while, revalidating
with ETags; it never keeps a logged-in user's page or one with a CSRF token."""

import pytest
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from model_bakery import baker

from cities.models import City


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


def _directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def _vary(response):
    return {part.strip() for part in response.get("Vary", "").split(",")}


def _assert_public(response, max_age):
    assert response.status_code == 200
    assert _directives(response) == {"public", f"max-age={max_age}"}
    assert {"Cookie", "Accept-Language"} <= _vary(response)
    assert response.has_header("ETag")


def _assert_never_shared(response):
    directives = _directives(response)
    assert "public" not in directives
    assert {"private", "no-store"} <= directives


PUBLIC_PAGES = [
    "/",
    "/es/",
    "/search/?q=housing",
    "/search/",
    "/cities/",
    "/cities/barcelona/",
    "/commitments/?status=in_progress",
    "/relocations/",
    "/forums/",
    "/outcomes/",
    "/feeds/updates/",
    "/cities/barcelona/feed/",
    "/practices/",
    "/practices/feed/",
    "/frameworks/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_public_pages_are_publicly_cacheable(client, settings, barcelona, url):
    settings.PUBLIC_CACHE_SECONDS = 123
    response = client.get(url)
    _assert_public(response, 123)
    assert not response.cookies


@pytest.mark.django_db
def test_matching_etag_answers_304_and_keeps_the_caching_headers(client, barcelona):
    first = client.get("/cities/")
    etag = first["ETag"]

    again = client.get("/cities/", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "public" in _directives(again)
    assert "Cookie" in _vary(again)


@pytest.mark.django_db
def test_head_request_revalidates_too(client, barcelona):
    etag = client.get("/").headers["ETag"]
    assert client.head("/", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.django_db
def test_changed_page_gets_a_new_etag_and_a_full_answer(client, barcelona):
    etag = client.get("/cities/")["ETag"]
    baker.make(City, name="Quezon City", slug="quezon-city", country="PH")

    response = client.get("/cities/", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Quezon City" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/cities/", "/search/?q=housing", "/feeds/updates/"])
def test_logged_in_users_pages_are_private(client, barcelona_staff, url):
    anonymous_etag = client.get(url)["ETag"]
    client.force_login(barcelona_staff)

    response = client.get(url, headers={"If-None-Match": anonymous_etag})

    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)
    assert "public" not in _directives(response)
    assert not response.has_header("ETag")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("with_cookie", [False, True])
def test_a_page_with_a_csrf_token_is_never_public(client, with_cookie):
    if with_cookie:
        client.get("/form/")  # the browser now holds a CSRF cookie
        assert client.cookies.get("csrftoken")

    response = client.get("/form/")

    assert "csrfmiddlewaretoken" in response.content.decode()
    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_response_that_sets_a_cookie_is_private(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    response = client.get("/cookie/")
    assert {"private", "no-store"} <= _directives(response)
    assert client.get("/plain/")["Cache-Control"] == "public, max-age=30"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/es/accounts/login/", "/portal/", "/admin/", "/admin/login/"]
)
def test_accounts_portal_and_admin_are_never_public(client, url):
    _assert_never_shared(client.get(url))


@pytest.mark.django_db
def test_bad_input_answers_are_not_public(client):
    response = client.get("/commitments/", {"status": "bogus"})
    assert response.status_code == 400
    assert "public" not in _directives(response)


@pytest.mark.django_db
def test_unknown_page_is_cacheable_but_has_no_etag(client):
    response = client.get("/cities/atlantis/")
    assert response.status_code == 404
    assert "public" in _directives(response)
    assert not response.has_header("ETag")


@pytest.mark.django_db
def test_a_views_own_cache_control_is_kept(client):
    response = client.get("/healthz")
    assert "no-cache" in _directives(response)
    assert "public" not in _directives(response)
