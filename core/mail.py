"""Outgoing email: queued in the database, delivered by ``manage.py sendmail``.

``EMAIL_BACKEND`` is ``OutboxBackend``: ``send_mail`` (and Django's own emails, such
as password resets) writes a row in the caller's transaction and returns at once. The
sender hands the queued messages to ``EMAIL_DELIVERY_BACKEND`` (SMTP in production)
and, when that fails, tries again later: 1, 2, 4, ... minutes after each failure, at
most ``EMAIL_RETRY_MAX_SECONDS`` apart, for as long as the message stays unsent.
Curators see the queue, and what fails and why, in the admin (Outgoing emails).

Delivery is at least once: a sender that dies after the mail server accepted a
message and before it marked it sent delivers it again on its next run.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from core.models import OutgoingEmail

logger = logging.getLogger(__name__)


class OutboxBackend(BaseEmailBackend):
    """Stores each message as an ``OutgoingEmail`` (on the default database, so inside
    the transaction of the change that sends it)."""

    def send_messages(self, email_messages):
        now = timezone.now()
        rows = []
        for message in email_messages:
            if message.attachments:
                raise ValueError("The outbox does not keep attachments.")
            html = next(
                (content for content, mimetype in getattr(message, "alternatives", [])
                 if mimetype == "text/html"),
                "",
            )  # fmt: skip
            rows.append(
                OutgoingEmail(
                    from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                    to=list(message.to),
                    cc=list(message.cc),
                    bcc=list(message.bcc),
                    reply_to=list(message.reply_to),
                    subject=str(message.subject),
                    body=str(message.body),
                    html_body=html,
                    headers=dict(message.extra_headers),
                    next_attempt_at=now,
                )
            )
        OutgoingEmail.objects.bulk_create(rows)
        return len(rows)


def _as_message(row):
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        bcc=row.bcc,
        reply_to=row.reply_to,
        headers=row.headers,
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    return message


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failure: 60, 120, 240, ... capped."""
    return min(60 * 2 ** (attempts - 1), settings.EMAIL_RETRY_MAX_SECONDS)


def _claim(pk, now):
    """Locks one due message for this sender; None if another sender has it or it is
    no longer due. ``skip_locked`` lets several senders share the queue on PostgreSQL
    (SQLite has one writer at a time anyway)."""
    queryset = OutgoingEmail.objects.due(now).filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return queryset.first()


def send_queued(*, now=None, limit=None):
    """Delivers the messages that are due; returns (sent, failed)."""
    now = now or timezone.now()
    sent = failed = 0
    delivery = None
    due = OutgoingEmail.objects.due(now).order_by("next_attempt_at", "pk")
    for pk in due.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            row = _claim(pk, now)
            if row is None:
                continue
            try:
                delivery = delivery or get_connection(settings.EMAIL_DELIVERY_BACKEND)
                delivery.send_messages([_as_message(row)])
            except Exception as exc:  # noqa: BLE001 - any failure is retried later
                delivery = None  # a fresh connection next time
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(row.attempts))
                row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                logger.warning("Email %s not sent (attempt %s): %s", row.pk, row.attempts, exc)
                failed += 1
            else:
                row.sent_at = timezone.now()
                row.last_error = ""
                row.save(update_fields=["sent_at", "last_error"])
                sent += 1
    if delivery is not None:
        delivery.close()
    return sent, failed


def purge_sent(*, days, now=None):
    """Forgets messages sent more than ``days`` ago."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = OutgoingEmail.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
