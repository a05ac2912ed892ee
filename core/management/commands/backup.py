"""Backs up the database and the uploaded files into one archive (see core.backup)."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Writes the database and MEDIA_ROOT to one archive file (a tar)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The file to write, e.g. backup-2026-11-29.tar")

    def handle(self, *args, archive, **options):
        started = time.monotonic()
        try:
            manifest = backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backed up {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} "
            f"tables and {len(manifest['media'])} files to {archive} "
            f"in {time.monotonic() - started:.1f}s."
        )
