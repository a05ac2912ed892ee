"""The per-account login throttle: guessing one account's password from many addresses
is slowed by a delay that grows with each failure, without locking the owner out."""

import datetime
import itertools
import threading

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.login import DEVICE_COOKIE
from portal.models import LoginThrottle

PASSWORD = "correct horse battery"
_addresses = (f"198.51.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE = {"free": 3, "first_delay": 60, "max_delay": 600,
                               "forget_after": 86_400}  # fmt: skip
    return settings.LOGIN_THROTTLE


@pytest.fixture
def checked_passwords():
    """Attempts that reached the password check and failed (Django's own signal)."""
    seen = []

    def count(sender, credentials, request, **kwargs):
        seen.append(credentials["username"])

    user_login_failed.connect(count, weak=False)
    yield seen
    user_login_failed.disconnect(count)


def _attempt(client, password="wrong", username="quito-staff"):
    """A log-in from a fresh address each time: the per-address lockout never applies."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=next(_addresses),
    )


def _let_the_delay_pass():
    LoginThrottle.objects.update(retry_at=timezone.now() - datetime.timedelta(seconds=1))


def test_after_the_free_attempts_each_guess_waits_a_doubling_delay(
    client, quito_staff, limits, checked_passwords
):
    for _ in range(limits["free"]):
        assert _attempt(client).status_code == 200
    throttle = LoginThrottle.objects.get(username="quito-staff")
    assert throttle.failures == limits["free"] and throttle.wait() == 60

    refused = _attempt(client)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Too many failed log-ins to this account: try again in 60 seconds." in (
        refused.content.decode()
    )
    # A refused attempt never reached the password check, and costs the guesser nothing
    # it could learn from: the right password is refused the same way.
    assert len(checked_passwords) == limits["free"]
    assert _attempt(client, PASSWORD).status_code == 429
    assert len(checked_passwords) == limits["free"]

    waits = []
    for _ in range(4):
        _let_the_delay_pass()
        assert _attempt(client).status_code == 200  # one guess, then the next delay
        waits.append(LoginThrottle.objects.get().wait())
    assert waits == [120, 240, 480, 600]  # doubling, up to the cap
    assert len(checked_passwords) == limits["free"] + 4


def test_the_owner_gets_in_once_the_delay_has_passed_and_the_count_starts_again(
    client, quito_staff, limits
):
    for _ in range(limits["free"]):
        _attempt(client)
    assert _attempt(client, PASSWORD).status_code == 429
    _let_the_delay_pass()
    assert _attempt(client, PASSWORD).status_code == 302
    assert not LoginThrottle.objects.exists()


def test_a_device_that_logged_in_before_is_not_slowed(client, quito_staff, limits):
    owner = Client()
    assert _attempt(owner, PASSWORD).status_code == 302
    assert DEVICE_COOKIE in owner.cookies
    owner.post(reverse("logout"))
    for _ in range(limits["free"] + 1):
        _attempt(client)
    assert _attempt(client, PASSWORD).status_code == 429  # elsewhere: slowed
    assert _attempt(owner, PASSWORD).status_code == 302  # the owner's device: straight in


def test_a_forged_or_another_accounts_device_cookie_does_not_skip_the_delay(
    client, quito_staff, barcelona_staff, limits
):
    assert _attempt(client, PASSWORD, "barcelona-staff").status_code == 302
    client.post(reverse("logout"))
    for _ in range(limits["free"]):
        _attempt(client)
    # This browser knows barcelona-staff, not quito-staff.
    assert _attempt(client, PASSWORD).status_code == 429
    client.cookies[DEVICE_COOKIE] = client.cookies[DEVICE_COOKIE].value.replace("a", "b", 1)
    assert _attempt(client, PASSWORD).status_code == 429


def test_the_delay_counts_the_account_whatever_the_case_of_the_name(client, quito_staff, limits):
    for name in ["quito-staff", "Quito-Staff", "QUITO-STAFF"]:
        _attempt(client, username=name)
    assert LoginThrottle.objects.get().failures == limits["free"]
    assert _attempt(client, PASSWORD).status_code == 429


def test_failures_are_forgotten_a_day_after_the_last(client, quito_staff, limits):
    for _ in range(limits["free"] + 1):
        _attempt(client)
    LoginThrottle.objects.update(
        last_failure=timezone.now() - datetime.timedelta(seconds=limits["forget_after"] + 1)
    )
    assert _attempt(client, PASSWORD).status_code == 302


def test_other_accounts_are_not_slowed(client, quito_staff, barcelona_staff, limits):
    for _ in range(limits["free"] + 1):
        _attempt(client)
    assert _attempt(client, PASSWORD, "barcelona-staff").status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_get_exactly_the_one_attempt_the_delay_allows(
    quito_staff, limits, checked_passwords
):
    """Eight guesses from eight addresses at once, when the delay allows one: the row's
    lock makes them take turns, so one reaches the password check and seven wait."""
    LoginThrottle.objects.create(
        username="quito-staff",
        failures=limits["free"],
        last_failure=timezone.now(),
        retry_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    barrier = threading.Barrier(8)
    codes = [None] * 8

    def guess(i):
        try:
            barrier.wait(timeout=30)
            codes[i] = _attempt(Client()).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [200] + [429] * 7
    assert checked_passwords == ["quito-staff"]
    throttle = LoginThrottle.objects.get()
    assert throttle.failures == limits["free"] + 1 and throttle.wait() == 120
