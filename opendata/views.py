"""/data/: the data dictionary and the dated releases of the whole public record."""

import datetime
import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment

from . import api_fields, dictionary
from .models import Release
from .releases import DESCRIPTOR_NAME, JSON_NAME, SUMS_NAME, release_dir

# A release's files never change: a year, and ``immutable`` so that browsers do not
# even revalidate them.
RELEASE_FILE_CACHE = "public, max-age=31536000, immutable"
SHOWN_CHANGES = 100


def data_index(request):
    """Two queries: the releases, nothing else (the dictionary is code)."""
    releases = list(Release.objects.latest_first())
    tables = [
        {
            "name": listing.name,
            "title": listing.title,
            "entries": dictionary.entries(listing),
        }
        for listing in dictionary.LISTINGS
    ]
    context = {
        "tables": tables,
        "api_records": api_fields.records(),
        "releases": releases,
        "latest": releases[0] if releases else None,
        "json_name": JSON_NAME,
        "descriptor_name": DESCRIPTOR_NAME,
    }
    return render(request, "opendata/data_index.html", context)


def _release(date):
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404(_("There is no release for this date.")) from None
    return get_object_or_404(Release, date=day)


def release_detail(request, date):
    release = _release(date)
    previous = Release.objects.filter(date__lt=release.date).latest_first().first()
    figures = _figures_side_by_side(release, previous)
    changes = []
    for listing in dictionary.LISTINGS:
        found = release.changes.get(listing.name)
        if not found:
            continue
        changes.append(
            {
                "title": listing.title,
                "name": listing.name,
                "counts": {kind: len(found[kind]) for kind in ("added", "changed", "withdrawn")},
                "added": found["added"][:SHOWN_CHANGES],
                "changed": found["changed"][:SHOWN_CHANGES],
                "withdrawn": found["withdrawn"][:SHOWN_CHANGES],
            }
        )
    files = [
        {
            "name": name,
            "url": release.file_url(name),
            "size": release.sizes.get(name, 0),
            "sha256": release.checksums[name],
        }
        for name in sorted(release.checksums)
    ]
    context = {
        "release": release,
        "previous": previous,
        "figures": figures,
        "changes": changes,
        "files": files,
        "shown_changes": SHOWN_CHANGES,
        "sums_name": SUMS_NAME,
    }
    return render(request, "opendata/release_detail.html", context)


def _figures_side_by_side(release, previous):
    before = previous.figures if previous else {}
    rows = []
    statuses = dict(Commitment.Status.choices)
    by_status = release.figures.get("commitments_by_status", {})
    for value, count in by_status.items():
        rows.append(
            (
                _("Commitments %(status)s") % {"status": statuses.get(value, value)},
                before.get("commitments_by_status", {}).get(value),
                count,
            )
        )
    for key, label in (
        ("commitments", _("Published commitments")),
        ("agreements", _("Relocation agreements")),
        ("people_pledged", _("People pledged")),
        ("people_relocated", _("People relocated")),
    ):
        rows.append((label, before.get(key), release.figures.get(key)))
    return [
        {
            "label": label,
            "before": old,
            "now": new,
            "difference": None if old is None or new is None else new - old,
        }
        for label, old, new in rows
    ]


def release_file(request, date, name):
    """A file of a release, as written: a static file, cacheable for a year."""
    release = _release(date)
    if name not in release.checksums:
        raise Http404(_("This release has no such file."))
    path = release_dir(release.date) / name
    if not path.is_file():
        raise Http404(_("This release has no such file."))
    content_type = "text/plain; charset=utf-8" if name == SUMS_NAME else None
    if content_type is None:
        guessed, _encoding = mimetypes.guess_type(name)
        content_type = f"{guessed}; charset=utf-8" if guessed else "application/octet-stream"
    response = FileResponse(
        path.open("rb"),
        content_type=content_type,
        as_attachment=name.endswith(".csv"),
        filename=f"mayoral-forum-{release.date.isoformat()}-{name}",
    )
    response["Cache-Control"] = RELEASE_FILE_CACHE
    response["ETag"] = f'"{release.checksums[name]}"'
    return response
