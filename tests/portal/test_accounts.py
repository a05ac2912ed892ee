"""Accounts: log in and out, lockout after repeated failures that lifts by itself,
password reset by email and password change."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.urls import reverse

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]


def _log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_staff_log_in_and_land_on_the_portal(client, quito_staff):
    response = _log_in(client, "quito-staff")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert "Quito" in client.get(reverse("portal:dashboard")).content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, quito_staff):
    response = _log_in(client, "quito-staff", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_login_redirects_back_to_the_portal_page_asked_for(client, quito_staff):
    target = reverse("portal:commitment-create")
    login_page = client.get(target)
    assert login_page["Location"] == f"{reverse('login')}?next={target}"
    response = client.post(
        reverse("login"), {"username": "quito-staff", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_logout_is_a_post_and_ends_the_session(client, quito_staff):
    client.force_login(quito_staff)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("portal:dashboard")).status_code == 200
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert f'action="{reverse("logout")}"' in page
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_repeated_failures_lock_the_account_out_until_the_cool_off_passes(client, quito_staff):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _log_in(client, "quito-staff", "wrong").status_code == 200
    locked = _log_in(client, "quito-staff", "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many failed log-in attempts" in body
    attempt = AccessAttempt.objects.get(username="quito-staff")
    ends = attempt.attempt_time + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    assert f"You can try again after {ends:%H:%M} UTC" in body

    # Even the right password is refused while the lockout lasts.
    assert _log_in(client, "quito-staff").status_code == 429
    assert client.get(reverse("portal:dashboard")).status_code == 302

    # Once the cool-off has passed, the lockout has lifted by itself.
    AccessAttempt.objects.update(
        attempt_time=attempt.attempt_time
        - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    )
    response = _log_in(client, "quito-staff")
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_lockout_blocks_one_account_not_everyone_on_the_same_network(
    client, quito_staff, barcelona_staff
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "quito-staff", "wrong")
    assert _log_in(client, "quito-staff").status_code == 429
    assert _log_in(client, "barcelona-staff").status_code == 302


def test_password_reset_by_email_from_request_to_new_password(client, quito_staff):
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    response = client.post(reverse("password_reset"), {"email": "quito-staff@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert "Check your email" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["quito-staff@example.org"]
    assert message.subject == "Choose a new password for the Mayoral Forum site"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    set_password_url = client.get(link)["Location"]
    form_page = client.get(set_password_url)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        set_password_url,
        {"new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert "Your new password is set." in client.get(response["Location"]).content.decode()

    assert _log_in(client, "quito-staff").status_code == 200  # the old one no longer works
    assert _log_in(client, "quito-staff", "a new long passphrase 42").status_code == 302

    # The link works once.
    used = client.get(link, follow=True)
    assert "This link no longer works" in used.content.decode()


def test_password_reset_does_not_tell_whether_an_address_has_an_account(client, quito_staff):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_change_needs_the_old_password(client, quito_staff):
    client.force_login(quito_staff)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    refused = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["old_password"]
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert "Your new password is set." in client.get(response["Location"]).content.decode()
    quito_staff.refresh_from_db()
    assert quito_staff.check_password("another long passphrase 7")


def test_account_pages_are_not_cached(client, quito_staff):
    for name in ("login", "password_reset"):
        assert "private" in client.get(reverse(name))["Cache-Control"], name
    client.force_login(quito_staff)
    response = client.get(reverse("portal:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_session_cookie_cannot_be_read_by_scripts_or_sent_cross_site(client, quito_staff):
    response = _log_in(client, "quito-staff")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= 8 * 60 * 60


@pytest.mark.parametrize(
    "name", ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"]
)
def test_production_sends_session_and_csrf_cookies_over_https_only(name):
    env = {k: v for k, v in os.environ.items() if k != "MAYORALFORUM_LOCAL"}
    env.update(
        DEBUG="0",
        MAYORALFORUM_LOCAL="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="mayoralforum.example.org",
        DATABASE_URL="sqlite:////tmp/mayoralforum-portal-settings.sqlite3",
    )
    result = subprocess.run(
        [sys.executable, "-c", f"from mayoralforum import settings; print(settings.{name})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "True", result.stderr


def _log_in_from(client, address, username, password=PASSWORD, remote="10.0.0.1"):
    """A login through the reverse proxy (at ``remote``) from the client at ``address``."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_the_proxy_a_lockout_holds_the_client_that_failed_not_everyone(
    client, settings, quito_staff
):
    """Every request reaches the app from the proxy's address; the lockout counts by the
    client address the proxy forwards, like the API rate limit."""
    settings.NUM_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in_from(client, "203.0.113.7", "quito-staff", "wrong")

    assert _log_in_from(client, "203.0.113.7", "quito-staff").status_code == 429
    # Another client, through the same proxy, still logs in as the same user.
    assert _log_in_from(client, "203.0.113.8", "quito-staff").status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_behind_the_proxy_a_made_up_forwarded_address_does_not_escape_the_count(
    client, settings, quito_staff
):
    settings.NUM_PROXIES = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        # The client sends its own X-Forwarded-For; the proxy appends the real address.
        spoofed = f"198.51.100.{number}, 203.0.113.7"
        _log_in_from(client, spoofed, "quito-staff", "wrong")

    assert _log_in_from(client, "1.2.3.4, 203.0.113.7", "quito-staff").status_code == 429
    assert _log_in_from(client, "203.0.113.7", "quito-staff").status_code == 429


def test_without_a_proxy_the_forwarded_header_is_not_believed(client, settings, quito_staff):
    settings.NUM_PROXIES = None
    for number in range(settings.AXES_FAILURE_LIMIT):
        _log_in_from(client, f"198.51.100.{number}", "quito-staff", "wrong", remote="192.0.2.5")

    locked = _log_in_from(client, "198.51.100.200", "quito-staff", remote="192.0.2.5")
    assert locked.status_code == 429


def test_an_ipv6_client_is_counted_by_its_64_network_not_by_each_address(
    client, settings, quito_staff
):
    """One subscriber holds a whole /64: new addresses in it are not new tries."""
    settings.NUM_PROXIES = 1
    for number in range(1, settings.AXES_FAILURE_LIMIT + 1):
        _log_in_from(client, f"2001:db8:1:2::{number:x}", "quito-staff", "wrong")

    assert _log_in_from(client, "2001:db8:1:2:ffff::9", "quito-staff").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "2001:db8:1:2::"
    # The next /64 is another client.
    assert _log_in_from(client, "2001:db8:1:3::1", "quito-staff").status_code == 302


def test_an_ipv4_address_written_as_ipv6_counts_as_the_ipv4_address(client, settings, quito_staff):
    settings.NUM_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in_from(client, "::ffff:203.0.113.7", "quito-staff", "wrong")

    assert _log_in_from(client, "203.0.113.7", "quito-staff").status_code == 429
