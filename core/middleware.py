from django.conf import settings


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
