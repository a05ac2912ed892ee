"""Dated releases of the whole public record: written once, never changed.

``publish_release`` writes, under ``RELEASES_ROOT/<yyyy-mm-dd>/``:

- one CSV per list (``cities.csv``, ``commitments.csv``, ...) with exactly the columns,
  cells and rows of the list's live download with no filter;
- ``data.json``: every list in one file, as the JSON downloads write their rows;
- ``datapackage.json``: a Frictionless Data Package describing every CSV column, from
  the data dictionary (the same definitions as /data/);
- ``SHA256SUMS``: the checksum of each file, in the format ``sha256sum -c`` reads.

The files are first written to a hidden folder beside the release's and then moved
into place with one rename, so a release folder is either complete or absent; a
release for a date that already has one is refused, never overwritten.
"""

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation

from commitments.models import Commitment, RelocationAgreement
from core.downloads import DownloadRows

from .dictionary import LISTINGS, table_schema
from .models import Release

JSON_NAME = "data.json"
DESCRIPTOR_NAME = "datapackage.json"
SUMS_NAME = "SHA256SUMS"
# The column that names a record across releases, by list.
KEY_COLUMNS = ("id", "slug", "code")
LABEL_COLUMNS = ("title", "name", "code", "slug", "id")


class ReleaseExists(Exception):
    pass


def releases_root():
    return Path(settings.RELEASES_ROOT)


def release_dir(date):
    return releases_root() / date.isoformat()


def csv_name(listing):
    return f"{listing.name}.csv"


def publish_release(*, date=None):
    """Freezes the public record as it stands into the release of ``date`` (today)."""
    date = date or timezone.localdate()
    target = release_dir(date)
    if Release.objects.filter(date=date).exists() or target.exists():
        raise ReleaseExists(f"There is already a release for {date.isoformat()}.")
    previous = Release.objects.filter(date__lt=date).latest_first().first()

    # English in the files, whatever language the curator's request was in.
    with translation.override("en"):
        records, files = {}, {}
        for listing in LISTINGS:
            records[listing.name], files[csv_name(listing)] = _read(listing)
        files[JSON_NAME] = _json_bytes(date, records)
        files[DESCRIPTOR_NAME] = _descriptor_bytes(date)
    checksums = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    files[SUMS_NAME] = "".join(
        f"{checksums[name]}  {name}\n" for name in sorted(checksums)
    ).encode()
    checksums[SUMS_NAME] = hashlib.sha256(files[SUMS_NAME]).hexdigest()

    previous_records = _read_records(previous) if previous else None
    with transaction.atomic():
        release = Release.objects.create(
            date=date,
            checksums=checksums,
            sizes={name: len(content) for name, content in files.items()},
            figures=headline_figures(records),
            changes=compare(previous_records, records) if previous_records is not None else {},
        )
        _write_once(target, files)
    return release


def _write_once(target, files):
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
            os.chmod(staging / name, 0o444)
        os.chmod(staging, 0o755)  # noqa: S103 - public files, read by the web server
        # Fails if the folder appeared meanwhile: a release is never overwritten.
        os.rename(staging, target)
    except BaseException:
        for path in staging.iterdir():
            path.unlink()
        staging.rmdir()
        raise


def read_file(release, name):
    """The bytes of one file of a release, checked against its recorded checksum."""
    if name not in release.checksums:
        raise FileNotFoundError(name)
    content = (release_dir(release.date) / name).read_bytes()
    if hashlib.sha256(content).hexdigest() != release.checksums[name]:
        raise ValueError(f"{name} of the release {release} does not match its checksum.")
    return content


# What a release holds ---------------------------------------------------------------


def _read(listing):
    """Every row of the list: as {column: value} (what the JSON downloads write) and as
    the bytes of its CSV, read and written as the live download does, in one pass."""
    decorate = listing.download_decorate or listing.decorate
    table = DownloadRows(
        listing,
        decorate(listing.base_queryset()).order_by("pk"),
        base_url=settings.SITE_URL.rstrip("/"),
    )
    records = []
    out = io.StringIO()
    out.write(table.csv_header())
    for columns in table.chunks():
        records.extend(table.records(columns))
        out.write(table.csv_text(columns))
    return records, out.getvalue().encode()


def _plain(records):
    """The records as JSON would give them back (dates as text, ...)."""
    return json.loads(json.dumps(records, cls=DjangoJSONEncoder))


def _json_bytes(date, records):
    document = {"release": date.isoformat(), **records}
    text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return (text + "\n").encode()


def _descriptor_bytes(date):
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"mayoral-forum-{date.isoformat()}",
        "title": f"Mayoral Forum network: the public record on {date.isoformat()}",
        "description": (
            "Cities, forums, outcome documents, published commitments, relocation "
            "agreements, good practices and global frameworks of the Mayoral Forum on "
            "Mobility, Migration and Development, as published on the date given."
        ),
        "version": date.isoformat(),
        "homepage": settings.SITE_URL.rstrip("/") + "/data/",
        "resources": [
            {
                "name": listing.name,
                "title": str(listing.title),
                "path": csv_name(listing),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(listing),
            }
            for listing in LISTINGS
        ],
    }
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode()


def _read_records(release):
    try:
        document = json.loads(read_file(release, JSON_NAME))
    except (FileNotFoundError, ValueError):
        return None
    document.pop("release", None)
    return document


# Figures and changes ------------------------------------------------------------------


def headline_figures(records=None):
    """Commitments by status and the people of the agreements, from the model's own
    definitions (published commitments; relocated = people of confirmed transfers)."""
    by_status = dict(
        Commitment.objects.published().order_by().values_list("status").annotate(count=Count("pk"))
    )
    totals = RelocationAgreement.objects.people_totals()
    return {
        "commitments_by_status": {
            value: by_status.get(value, 0) for value, _label in Commitment.Status.choices
        },
        "commitments": sum(by_status.values()),
        "agreements": totals["count"],
        "people_pledged": totals["pledged"],
        "people_relocated": totals["relocated"],
        "people_awaiting": totals["awaiting"],
        "rows": {name: len(rows) for name, rows in (records or {}).items()},
    }


def _key(record):
    for name in KEY_COLUMNS:
        if name in record:
            return str(record[name])
    raise KeyError("A list without a key column.")


def _label(record):
    for name in LABEL_COLUMNS:
        if record.get(name):
            return str(record[name])
    return ""


def compare(previous, current):
    """Per list: records added, changed (with the columns that changed) and withdrawn
    (in the previous release, no longer public)."""
    changes = {}
    for name, rows in current.items():
        rows = _plain(rows)
        before = {_key(record): record for record in previous.get(name, [])}
        after = {_key(record): record for record in rows}
        added = [[key, _label(record)] for key, record in after.items() if key not in before]
        withdrawn = [[key, _label(record)] for key, record in before.items() if key not in after]
        changed = []
        for key, record in after.items():
            if key in before:
                fields = [
                    column for column, value in record.items() if before[key].get(column) != value
                ]
                if fields:
                    changed.append([key, _label(record), fields])
        changes[name] = {"added": added, "changed": changed, "withdrawn": withdrawn}
    return changes
