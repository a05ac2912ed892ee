"""Freezes the whole public record into a dated release (/data/releases/<date>/)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from opendata.releases import ReleaseExists, publish_release, release_dir


class Command(BaseCommand):
    help = "Writes a dated release of the public record; never overwrites one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="The release's date, YYYY-MM-DD (default: today).",
        )

    def handle(self, *args, date=None, **options):
        try:
            release = publish_release(date=date)
        except ReleaseExists as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Published the release of {release} in {release_dir(release.date)}")
