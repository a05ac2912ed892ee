import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe, urlencode

from . import data_version
from .visitors import is_private_path, is_signed_in

logger = logging.getLogger(__name__)

# What a database that cannot be reached raises (refused connection, restart, a
# connection dropped mid-query); a bug in a query raises other errors, which stay 500s.
DATABASE_DOWN = (OperationalError, InterfaceError)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (no inline script, nothing from other hosts).

    X-Content-Type-Options, X-Frame-Options and Referrer-Policy come from Django's own
    SecurityMiddleware and XFrameOptionsMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(response, "content_security_policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class PublicCacheMiddleware:
    """Lets a CDN serve anonymous traffic, and never lets it serve anyone's own page.

    - An anonymous GET/HEAD of a public page (200 or 404) that sets no cookie gets
      ``Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS`` and ``Vary: Cookie,
      Accept-Language``; a 200 also gets an ETag, and a matching ``If-None-Match`` (or,
      when the view sent a Last-Modified, as the feeds do, an ``If-Modified-Since``
      not before it) answers 304, as Django's ConditionalGetMiddleware would.
    - The ETag is the hash of the page as rendered (Django's ``set_response_etag``),
      whether the page comes from the view or from the page cache, which keeps it
      with the page; nginx, which compresses the page, sends it weak. So one page has
      one validator however and wherever it was answered.
    - A response to a logged-in user, or one that sets a cookie, gets
      ``private, no-store``. A page with a POST form carries a CSRF token, and
      using the token makes Django (re)set the CSRF cookie, so such a page is
      always private.
    - The admin, the portal and the account pages are ``private, no-store`` too,
      unless their view chose its own Cache-Control; any view's choice is kept.

    It sits outside the session, CSRF, auth and messages middleware in MIDDLEWARE so
    that it sees every cookie they set on the way out, and outside PageCacheMiddleware,
    so that a kept page is revalidated like a fresh one. It is not Django's
    ConditionalGetMiddleware itself, which would also put ETags on 404s and logged-in
    pages that set their own Cache-Control, and skips HEAD.
    """

    PUBLIC_STATUSES = (200, 404)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        if is_signed_in(request) or response.cookies or is_private_path(request.path_info):
            patch_cache_control(response, private=True, no_store=True)
            return response
        if response.status_code not in self.PUBLIC_STATUSES:
            return response
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        if response.status_code != 200:
            return response
        if not response.streaming and not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = response.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=last_modified and parse_http_date_safe(last_modified),
            response=response,
        )


class PageCacheMiddleware:
    """Answers a repeated anonymous GET of a public page from the shared cache.

    A page is kept under its path and query string, its language, the database it was
    read from and the data version (``core.data_version``, a number in the cache), which
    every committed write to a public record moves on: after a write, every page kept
    before it is out of reach at once, and the first reader renders it afresh. A hit
    costs two cache reads and no query.

    Served from the cache: GET and HEAD of pages outside the admin, the portal and the
    account pages, by a visitor who sends no session (nor any other cookie but the
    CSRF and language ones). Kept: a 200 to a GET, not streamed, that sets no cookie,
    used no CSRF token (a page with a form), to a visitor who is not logged in, and
    that the view did not mark private or uncacheable. The answer says ``X-Cache: hit``
    or ``miss``.

    While the database cannot be reached, a page still kept is a hit, and any other
    request gets the 503 page, in the site's layout and the visitor's language, instead
    of a 500. The rest is nginx's (deploy/nginx/mayoralforum.conf): it answers that 503
    with its own last copy of the page (``proxy_cache_use_stale``), sends the app one
    request per missing page however many readers miss it (``proxy_cache_lock``), and
    compresses what it sends (``gzip``).

    It sits outside the session, CSRF, auth and messages middleware, so that it sees
    every cookie they set, and inside PublicCacheMiddleware, which adds the HTTP
    caching headers to what it answers and turns a matching revalidation into a 304. A
    page is kept with its ETag, taken from the page as rendered, so a hit revalidates
    with the ETag its miss went out with.
    """

    # The API is rate-limited per client (api.throttling): an answer from here would
    # skip the count, and a client could read past its limit.
    NEVER_CACHED = ("/healthz", "/static/", "/media/", "/api/")
    HEADER = "X-Cache"

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed_cookies = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}

    def __call__(self, request):
        if not self._may_serve(request):
            return self.get_response(request)
        try:
            version = data_version.current()
        except Exception:
            # Without the cache there is nothing to serve from: the view answers.
            logger.warning("Page cache unreachable (data version)", exc_info=True)
            return self.get_response(request)
        # "kept": what a page is kept as changed (its body and headers, no compressed
        # copy), so no copy kept under the old "page" keys is read as one.
        key = f"kept:{version}:{self._key(request)}"
        entry = _cache_get(key)
        if entry is not None:
            return self._answer(entry)
        response = self.get_response(request)
        if self._may_store(request, response):
            # The ETag is taken here, from the page as rendered, and kept with it: a hit
            # then answers with the ETag the miss had (issue 26).
            if not response.has_header("ETag"):
                set_response_etag(response)
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            _cache_set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response[self.HEADER] = "miss"
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("Database unreachable while answering %s", request.path)
            return service_unavailable(request)
        return None

    def _may_serve(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return False
        if is_private_path(request.path_info) or request.path_info.startswith(self.NEVER_CACHED):
            return False
        # A session (a logged-in user, a flash message...) makes the page someone's own.
        return set(request.COOKIES) <= self.allowed_cookies

    def _may_store(self, request, response):
        cache_control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not is_signed_in(request)
            # A CSRF token was put in the page (a form): it belongs to this visitor.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and b"csrfmiddlewaretoken" not in response.content
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )

    def _key(self, request):
        language = translation.get_language_from_path(request.path_info)
        parts = [
            connection.settings_dict["NAME"],
            language or settings.LANGUAGE_CODE,
            request.path,
            _normalized_query(request),
            # The API answers CORS requests with headers of their own.
            request.META.get("HTTP_ORIGIN", ""),
        ]
        return hashlib.sha256("\n".join(str(p) for p in parts).encode()).hexdigest()

    def _answer(self, entry):
        content, headers = entry
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(content))
        response[self.HEADER] = "hit"
        return response


# Parameters a shared link carries that no page reads (campaign and click trackers).
TRACKING_PARAMETERS = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid)$")


def _normalized_query(request):
    """The query string as the page reads it: parameters in order of name (the lists
    read each by name), without trackers. ``?utm_source=x`` or the same filters given
    in another order find the copy already kept."""
    pairs = sorted(
        (key, value)
        for key, values in request.GET.lists()
        if not TRACKING_PARAMETERS.match(key)
        for value in values
    )
    return urlencode(pairs)


def service_unavailable(request):
    """The 503 page: the site's header, in the visitor's language, and nothing that
    needs the database (no user, no session, no context processors)."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        content = render_to_string("503.html")
    response = HttpResponse(content, status=503)
    response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response


def _cache_get(key):
    # The cache going away (Redis restarting) costs the page its speed, not its answer.
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Page cache unreachable (get)", exc_info=True)
        return None


def _cache_set(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Page cache unreachable (set)", exc_info=True)
