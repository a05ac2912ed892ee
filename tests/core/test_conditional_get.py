"""Revalidation of anonymous public pages: a repeated GET with the page's ETag answers
304 with no body, whether the page was rendered or came from the page cache, plain or
compressed; the ETag changes with the page, and no one's own page has one (issue 26)."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from commitments import services
from commitments.models import Commitment
from forums.models import OutcomeDocument
from tests import builders

# Writes commit for real, as on the site: the data version moves on when they do.
pytestmark = pytest.mark.django_db(transaction=True)

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
PLAIN = {"HTTP_ACCEPT_ENCODING": "identity"}


@pytest.fixture(params=[600, 0], ids=["page-cache", "no-page-cache"])
def page_cache(request, settings):
    """The page cache as deployed (on), and off: the validator must not depend on it."""
    settings.PAGE_CACHE_SECONDS = request.param
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def pages(barcelona):
    """The three pages of the finding, with something on each."""
    commitment = builders.commitment(barcelona, title="Open a reception centre")
    builders.outcome("barcelona-call", title="The Barcelona call")
    return {
        "detail": commitment.get_absolute_url(),
        "list-es": "/es/commitments/",
        "outcomes": "/outcomes/",
    }


PAGES = ["detail", "list-es", "outcomes"]


def _same_validator(one, other):
    """A compressed copy carries the page's ETag weak (W/"..."), as GZipMiddleware does."""
    return one.removeprefix("W/") == other.removeprefix("W/")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("encoding", [PLAIN, GZIP], ids=["plain", "gzip"])
def test_a_repeated_anonymous_get_with_the_etag_answers_304(page_cache, pages, page, encoding):
    url = pages[page]
    client = Client()
    first = client.get(url, **encoding)
    assert first.status_code == 200
    etag = first["ETag"]

    # A browser's second and later visits: the first from the copy just kept.
    for _ in range(2):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag, **encoding)
        assert again.status_code == 304
        assert again.content == b""
        assert _same_validator(again["ETag"], etag)
        assert "public" in again["Cache-Control"]


@pytest.mark.parametrize("page", PAGES)
def test_the_miss_and_the_hit_of_a_browser_have_one_validator(page_cache, pages, page):
    # Before: the miss went out plain with the hash of the page, the hit compressed with
    # the hash of the compressed bytes, and the browser got the whole page again.
    url = pages[page]
    first = Client().get(url, **GZIP)
    second = Client().get(url, **GZIP)
    plain = Client().get(url, **PLAIN)
    assert _same_validator(first["ETag"], second["ETag"])
    assert _same_validator(first["ETag"], plain["ETag"])


@pytest.mark.parametrize("page", PAGES)
def test_two_renders_of_the_same_data_have_the_same_etag(page_cache, pages, page):
    url = pages[page]
    first = Client().get(url, **PLAIN)
    cache.clear()  # the page is rendered again, not read from the cache
    second = Client().get(url, **PLAIN)
    assert second.get("X-Cache") in (None, "miss")
    assert first["ETag"] == second["ETag"]
    assert first.content == second.content


@pytest.mark.parametrize("page", ["detail", "list-es"])
@pytest.mark.parametrize("encoding", [PLAIN, GZIP], ids=["plain", "gzip"])
def test_an_accepted_change_gives_a_new_etag_and_the_whole_page(
    page_cache, pages, page, encoding, barcelona_staff, curator
):
    url = pages[page]
    client = Client()
    etag = client.get(url, **encoding)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **encoding).status_code == 304
    commitment = Commitment.objects.get()
    services.propose_changes(
        commitment=commitment, user=barcelona_staff, changes={"title": "Open two centres"}
    )
    services.accept_pending_changes(commitment=commitment, user=curator)

    response = client.get(url, HTTP_IF_NONE_MATCH=etag, **encoding)

    assert response.status_code == 200
    assert not _same_validator(response["ETag"], etag)
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **encoding).status_code == 304


@pytest.mark.parametrize("encoding", [PLAIN, GZIP], ids=["plain", "gzip"])
def test_a_published_commitment_gives_the_list_a_new_etag(
    page_cache, pages, encoding, barcelona, curator
):
    url = pages["list-es"]
    client = Client()
    etag = client.get(url, **encoding)["ETag"]
    draft = builders.commitment(
        barcelona, state=builders.NOT_PUBLIC_STATES[1], title="Open a night shelter"
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **encoding).status_code == 304

    services.publish(commitment=draft, user=curator)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag, **encoding)

    assert response.status_code == 200
    assert not _same_validator(response["ETag"], etag)


def test_an_edited_outcome_gives_the_outcomes_page_a_new_etag(page_cache, pages):
    url = pages["outcomes"]
    client = Client()
    etag = client.get(url, **GZIP)["ETag"]
    outcome = OutcomeDocument.objects.get()
    outcome.title = "The Barcelona call, as adopted"
    outcome.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=etag, **GZIP)

    assert response.status_code == 200
    assert not _same_validator(response["ETag"], etag)


@pytest.mark.parametrize("page", PAGES)
def test_a_wrong_etag_gets_the_whole_page(page_cache, pages, page):
    url = pages[page]
    client = Client()
    client.get(url)
    response = client.get(url, HTTP_IF_NONE_MATCH='"not-this-page"')
    assert response.status_code == 200
    assert response.content


@pytest.mark.parametrize("page", PAGES)
def test_a_logged_in_user_gets_no_etag_and_no_304_from_anothers(
    page_cache, pages, page, barcelona_staff
):
    url = pages[page]
    anonymous_etag = Client().get(url, **GZIP)["ETag"]
    client = Client()
    client.force_login(barcelona_staff)

    response = client.get(url, HTTP_IF_NONE_MATCH=anonymous_etag, **GZIP)

    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "X-Cache" not in response
    # Nor did the logged-in page change what the next anonymous visitor gets.
    assert Client().get(url, HTTP_IF_NONE_MATCH=anonymous_etag, **GZIP).status_code == 304


@pytest.mark.parametrize("page", PAGES)
def test_a_head_request_revalidates_like_a_get(page_cache, pages, page):
    url = pages[page]
    etag = Client().get(url, **GZIP)["ETag"]
    assert Client().head(url, HTTP_IF_NONE_MATCH=etag, **GZIP).status_code == 304


def test_a_post_is_never_answered_304(page_cache, pages):
    url = pages["list-es"]
    etag = Client().get(url)["ETag"]
    assert Client().post(url, HTTP_IF_NONE_MATCH=etag).status_code != 304


def test_a_feed_answers_304_to_if_modified_since_its_last_modified(
    page_cache, barcelona, barcelona_staff, curator
):
    commitment = builders.commitment(barcelona, status="in_progress")
    update = services.add_progress_update(
        commitment=commitment,
        user=barcelona_staff,
        date=timezone.localdate(),
        text="Half done",
        percent=50,
    )
    services.verify_update(update=update, user=curator)
    client = Client()
    first = client.get("/feeds/updates/")
    assert first.status_code == 200
    last_modified = first["Last-Modified"]

    assert client.get("/feeds/updates/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date((timezone.now() - datetime.timedelta(days=30)).timestamp())
    assert client.get("/feeds/updates/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
