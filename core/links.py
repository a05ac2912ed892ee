"""Absolute links for emails, built from ``SITE_URL``.

An email is read outside any request, so the address comes from a setting rather
than from the request that happened to trigger it (whose Host header a client sets).
"""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (as ``reverse()`` or ``get_absolute_url()`` gives it) on the public site."""
    return settings.SITE_URL.rstrip("/") + path
