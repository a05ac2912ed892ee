"""Which address a request comes from: the one answer the API rate limit and the
login lockout both count by.

Behind the reverse proxy (``BEHIND_PROXY=1``) every request reaches the app from the
proxy's address; each proxy appends the address it was connected from to
``X-Forwarded-For``. With ``NUM_PROXIES`` proxies in front, the client is the entry
that many places from the right: entries further left are whatever the client sent
and prove nothing. Without a proxy the header is ignored, since anyone can send it.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote_addr: str = request.META.get("REMOTE_ADDR", "")
    num_proxies: int | None = getattr(settings, "NUM_PROXIES", None)
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not num_proxies or not forwarded.strip():
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(num_proxies, len(addresses))] or remote_addr
