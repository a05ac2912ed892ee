"""Delivers the queued outgoing emails (see ``core.mail``).

Run it every minute (deploy/ has a systemd timer) or keep it running with ``--loop``.
A message that fails waits 1, 2, 4, ... minutes before its next attempt.
"""

import time

from django.core.management.base import BaseCommand

from core.mail import purge_sent, send_queued


class Command(BaseCommand):
    help = "Sends the queued emails that are due, retrying failures with backoff."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running; check the queue every --interval."
        )
        parser.add_argument("--interval", type=float, default=10, help="Seconds between checks.")
        parser.add_argument(
            "--purge-days",
            type=int,
            default=30,
            help="Forget messages sent more than this many days ago (0: keep them all).",
        )

    def handle(self, *args, loop, interval, purge_days, verbosity, **options):
        while True:
            sent, failed = send_queued()
            if purge_days:
                purge_sent(days=purge_days)
            if verbosity and (sent or failed or not loop):
                self.stdout.write(f"{sent} sent, {failed} failed (will be retried).")
            if not loop:
                return
            time.sleep(interval)
