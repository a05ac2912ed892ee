"""Which address a request comes from: the one answer the API rate limit and the
login lockout both count by.

Behind the reverse proxy (``BEHIND_PROXY=1``) every request reaches the app from the
proxy's address; each proxy appends the address it was connected from to
``X-Forwarded-For``. With ``NUM_PROXIES`` proxies in front, the client is the entry
that many places from the right: entries further left are whatever the client sent
and prove nothing. Without a proxy the header is ignored, since anyone can send it.

An IPv6 client is counted by its /64 network: one subscriber usually holds a whole /64
and can change the last 64 bits at will, so counting single addresses would give it
billions of fresh lockout and rate-limit budgets. The /64 is named by its first address
(``2001:db8:1:2::``), which is still a valid address for the models that store it. An
IPv4 address written as IPv6 (``::ffff:192.0.2.1``) counts as the IPv4 address.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote_addr: str = request.META.get("REMOTE_ADDR", "")
    num_proxies: int | None = getattr(settings, "NUM_PROXIES", None)
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not num_proxies or not forwarded.strip():
        return counted_as(remote_addr)
    addresses = [address.strip() for address in forwarded.split(",")]
    return counted_as(addresses[-min(num_proxies, len(addresses))] or remote_addr)


def counted_as(address: str) -> str:
    """The address a client is counted by: IPv4 as it is, IPv6 by its /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an address (a test client's default): left as it is
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)
