"""Who asks, and for what: the one definition of a private path and of a signed-in
visitor, read by the caching headers, the page cache and the replica router alike.

A private path is a page of someone's own work (the admin, the portal, the account
pages, the language switch), in any of the site's languages (``/es/portal/`` as
``/portal/``): never cached, always read from the primary.
"""

import re
from functools import cache

from django.conf import settings
from django.http import HttpRequest

PRIVATE_PREFIXES = ("/admin/", "/portal/", "/accounts/", "/i18n/")


@cache
def _language_prefix() -> re.Pattern[str]:
    codes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:{codes})(?=/)")


def is_private_path(path: str) -> bool:
    return _language_prefix().sub("", path, count=1).startswith(PRIVATE_PREFIXES)


def is_signed_in(request: HttpRequest) -> bool:
    """Whether the request is a signed-in person's (False before authentication ran)."""
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
