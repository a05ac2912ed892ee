"""Outgoing email waits in the database (core.mail): a mail server that is down never
breaks a save and never loses a notification; ``sendmail`` delivers each message once,
retrying failures later. Tested against a real SMTP server (aiosmtpd) on loopback."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from commitments import services
from commitments.models import Commitment
from core.models import OutgoingEmail


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port():
    return _free_port()


@pytest.fixture
def queued_mail(smtp_port):
    """The production set-up: the outbox, delivered over SMTP to ``smtp_port``."""
    with override_settings(
        EMAIL_BACKEND="core.mail.OutboxBackend",
        EMAIL_DELIVERY_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=5,
    ):
        yield


@pytest.fixture
def draft(barcelona):
    return baker.make(
        Commitment,
        city=barcelona,
        title="Open a reception centre",
        publication_state=Commitment.PublicationState.DRAFT,
    )


def test_with_the_mail_server_down_a_submit_succeeds_and_the_email_is_sent_once_it_is_back(
    client, queued_mail, smtp_port, barcelona_staff, curator, draft
):
    client.force_login(barcelona_staff)
    response = client.post(reverse("portal:commitment-submit", args=[draft.pk]))

    assert response.status_code == 302  # no error page, although nothing listens on SMTP
    draft.refresh_from_db()
    assert draft.publication_state == Commitment.PublicationState.SUBMITTED
    queued = OutgoingEmail.objects.get()
    assert queued.to == ["curator@example.org"] and queued.status == OutgoingEmail.Status.QUEUED

    call_command("sendmail", verbosity=0)  # the server is still down
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.FAILING and queued.attempts == 1
    assert "Connection" in queued.last_error
    assert queued.next_attempt_at > timezone.now()

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        call_command("sendmail", verbosity=0)  # up again, but the retry is not due yet
        assert inbox.messages == []

        OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the wait is over
        call_command("sendmail", verbosity=0)
        call_command("sendmail", verbosity=0)
    finally:
        controller.stop()

    assert len(inbox.messages) == 1
    assert inbox.messages[0].rcpt_tos == ["curator@example.org"]
    assert b"Barcelona submitted" in inbox.messages[0].content
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT and queued.last_error == ""


def test_a_change_that_is_rolled_back_queues_no_email(
    queued_mail, barcelona_staff, curator, draft
):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit_for_review(commitment=draft, user=barcelona_staff)
        assert OutgoingEmail.objects.count() == 1
        raise RuntimeError("the request failed after the submit")
    assert not OutgoingEmail.objects.exists()


def test_each_failure_doubles_the_wait_before_the_next_attempt(queued_mail, curator):
    from django.core.mail import send_mail

    send_mail("Hello", "Body", None, ["someone@example.org"])
    waits = []
    for _ in range(3):
        OutgoingEmail.objects.update(next_attempt_at=timezone.now())
        before = timezone.now()
        call_command("sendmail", verbosity=0)
        waits.append(OutgoingEmail.objects.get().next_attempt_at - before)
    assert [round(w / timedelta(minutes=1)) for w in waits] == [1, 2, 4]


def test_curators_see_what_is_queued_and_failing_in_the_admin(
    client, queued_mail, curator, barcelona_staff, draft
):
    services.submit_for_review(commitment=draft, user=barcelona_staff)
    OutgoingEmail.objects.update(attempts=2, last_error="ConnectionRefusedError: refused")
    client.force_login(curator)

    response = client.get(reverse("admin:core_outgoingemail_changelist") + "?status=failing")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Submitted for review: Open a reception centre" in body
    assert "ConnectionRefusedError: refused" in body

    response = client.post(
        reverse("admin:core_outgoingemail_changelist"),
        {"action": "send_again_now", "_selected_action": [OutgoingEmail.objects.get().pk]},
    )
    assert response.status_code == 302
    assert OutgoingEmail.objects.get().next_attempt_at <= timezone.now()


def test_city_staff_do_not_see_the_mail_queue(client, barcelona_staff):
    client.force_login(barcelona_staff)
    response = client.get(reverse("admin:core_outgoingemail_changelist"))
    assert response.status_code == 302  # the admin's login page
