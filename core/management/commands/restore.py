"""Restores an archive of ``backup`` into an empty database and media folder."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restores a backup archive into the (new, empty) database of DATABASE_URL and "
        "MEDIA_ROOT, then checks every table's row count against the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        started = time.monotonic()
        try:
            manifest = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} "
            f"tables and {len(manifest['media'])} files from {archive} (made "
            f"{manifest['created_at']}) in {time.monotonic() - started:.1f}s; row counts match."
        )
