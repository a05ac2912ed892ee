"""Counts the published commitments' tallies again from the commitments.

The tallies follow every save and delete on their own (``commitments.tallies``); run
this after writing commitments in bulk (SQL, ``bulk_create``, ``QuerySet.update()``),
which sends no signal.
"""

from django.core.management.base import BaseCommand

from commitments.tallies import recount


class Command(BaseCommand):
    help = "Counts the published commitments by status, region and theme again."

    def handle(self, *args, **options):
        recount()
        self.stdout.write("Counted the published commitments again.")
