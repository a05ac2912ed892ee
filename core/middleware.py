import re

from django.conf import settings
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)


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
      ``Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS``, ``Vary: Cookie,
      Accept-Language`` and an ETag, and a matching ``If-None-Match`` answers 304.
    - A response to a logged-in user, or one that sets a cookie, gets
      ``private, no-store``. A page with a POST form carries a CSRF token, and
      using the token makes Django (re)set the CSRF cookie, so such a page is
      always private.
    - The admin, the portal and the account pages are ``private, no-store`` too,
      unless their view chose its own Cache-Control; any view's choice is kept.

    It sits outside the session, CSRF, auth and messages middleware in MIDDLEWARE so
    that it sees every cookie they set on the way out.
    """

    PRIVATE_PREFIXES = ("/admin/", "/portal/", "/accounts/", "/i18n/")
    PUBLIC_STATUSES = (200, 404)

    def __init__(self, get_response):
        self.get_response = get_response
        codes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        self.language_prefix = re.compile(rf"^/(?:{codes})(?=/)")

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or response.cookies
            or self._is_private_area(request.path)
        ):
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
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=None, response=response
        )

    def _is_private_area(self, path):
        path = self.language_prefix.sub("", path, count=1)
        return path.startswith(self.PRIVATE_PREFIXES)
