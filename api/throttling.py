from rest_framework.throttling import AnonRateThrottle

from core.clients import client_address


class ClientRateThrottle(AnonRateThrottle):
    """Anonymous requests counted per client, by the address the login lockout uses.

    DRF's own ``get_ident`` trusts a client's ``X-Forwarded-For`` when no proxy is
    configured, so a client could pick a fresh address for every request.
    """

    def get_ident(self, request):
        return client_address(request)
