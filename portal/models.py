"""The per-account login throttle: a growing delay between failed log-ins to one account.

django-axes locks a username out from one client address after a few failures. An
attacker with many addresses gets that budget from each of them, so each account also
has one row here, whatever the address: the first ``free`` failures cost nothing, then
each further attempt must wait a delay that doubles with every failure, up to
``max_delay`` (settings.LOGIN_THROTTLE). The row is locked while an attempt is checked
and decided, so concurrent attempts on one account are counted one after the other;
attempts on different accounts never wait on each other. A delay, never a lock: the
owner can always log in after at most ``max_delay``, and not at all slowed on a device
that has logged in to the account before (``portal.login``'s device cookie).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


def throttle_settings() -> dict[str, int]:
    limits: dict[str, int] = settings.LOGIN_THROTTLE
    return limits


class LoginThrottle(models.Model):
    """Failed log-ins to one username (casefolded) from anywhere, since the last success."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure = models.DateTimeField(db_index=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "login throttle"

    def __str__(self) -> str:
        return f"{self.username}: {self.failures} failures"

    @classmethod
    def locked_for(cls, username: str) -> "LoginThrottle":
        """The account's row, locked until the end of the transaction (a new one if
        there is none, or if its failures are old enough to be forgotten)."""
        now = timezone.now()
        forget = datetime.timedelta(seconds=throttle_settings()["forget_after"])
        row, created = cls.objects.select_for_update().get_or_create(
            username=username.casefold(), defaults={"last_failure": now}
        )
        if not created and row.last_failure < now - forget:
            row.failures, row.retry_at = 0, None
        return row

    def wait(self) -> int:
        """Seconds to wait before this account may try again (0: now)."""
        if self.retry_at is None:
            return 0
        return max(0, int((self.retry_at - timezone.now()).total_seconds() + 0.999))

    def failed(self) -> None:
        limits = throttle_settings()
        now = timezone.now()
        self.failures += 1
        self.last_failure = now
        over = self.failures - limits["free"]
        if over >= 0:
            delay = min(limits["first_delay"] * 2**over, limits["max_delay"])
            self.retry_at = now + datetime.timedelta(seconds=delay)
        self.save()
        # Rows of names tried once long ago (often names no account has) do not pile up.
        forget = datetime.timedelta(seconds=limits["forget_after"])
        type(self).objects.filter(last_failure__lt=now - forget).delete()

    def succeeded(self) -> None:
        if self.pk:
            self.delete()
