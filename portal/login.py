"""Log-in: Django's LoginView with the per-account throttle (``portal.models``).

A device that has logged in to an account before carries a signed cookie naming it,
and is not slowed by that account's throttle: an attacker guessing from elsewhere
cannot make the owner wait. django-axes still counts failures per username and client
address, on every device.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import ngettext

from .models import LoginThrottle

DEVICE_COOKIE = "mf_device"
DEVICE_SALT = "portal.login.device"
DEVICE_MAX_AGE = 365 * 86_400


def device_accounts(request: Any) -> list[str]:
    """The accounts (casefolded usernames) this browser has logged in to, newest last,
    from its signed cookie; none when it has no valid one."""
    try:
        names = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return []
    return names if isinstance(names, list) else []


class ThrottledAuthenticationForm(AuthenticationForm):
    """Checks the account's throttle before the password, in the row's lock."""

    wait = 0

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not username or self.cleaned_data.get("password") is None:
            return super().clean()
        if username.casefold() in device_accounts(self.request):
            return super().clean()
        refused: ValidationError | None = None
        with transaction.atomic():
            throttle = LoginThrottle.locked_for(username)
            self.wait = throttle.wait()
            if not self.wait:
                try:
                    super().clean()
                except ValidationError as error:
                    refused = error
                    throttle.failed()
                else:
                    throttle.succeeded()
        if self.wait:
            raise ValidationError(
                ngettext(
                    "Too many failed log-ins to this account: try again in %(seconds)d second.",
                    "Too many failed log-ins to this account: try again in %(seconds)d seconds.",
                    self.wait,
                ),
                code="throttled",
                params={"seconds": self.wait},
            )
        if refused is not None:
            raise refused
        return self.cleaned_data


class ThrottledLoginView(LoginView):
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.wait:
            response.status_code = 429
            response["Retry-After"] = str(form.wait)
        return response

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        username = form.get_user().get_username().casefold()
        # A shared computer remembers a few accounts, not every one ever used on it.
        names = [name for name in device_accounts(self.request) if name != username]
        names = names[-4:] + [username]
        response.set_cookie(
            DEVICE_COOKIE,
            signing.dumps(names, salt=DEVICE_SALT),
            max_age=DEVICE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
