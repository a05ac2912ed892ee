"""Atom feeds: any list page with exactly its filters, /feeds/<list>/?<filters>, and the
progress updates on published commitments, of the whole network at /feeds/updates/ and
of one city at /cities/<slug>/feed/, so people can follow a city.

The list's own FilterSet reads the query string, so "Follow" on
/commitments/?region=europe&theme=housing&status=in_progress follows that selection:
its newly published commitments and their progress updates. A list of relocation
agreements gives its agreements and their confirmed transfers; a list of cities the
progress updates and confirmed transfers of those cities; forums, outcome documents
and good practices their records, newest change first.

Every feed writes its entries as ``Entry``s, so a progress update reads the same in
each. Each entry's id is the address of what it reports (a commitment,
``#update-<id>``, ``#transfer-<id>``), so it never changes; its updated time is the
record's.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.models import City
from cities.views import CITIES
from commitments.models import Commitment, ProgressUpdate, Transfer
from commitments.views import COMMITMENTS, RELOCATIONS
from core.dates import iso_partial_date
from core.text import render_markdown
from forums.practice_views import PRACTICES
from forums.views import FORUMS, OUTCOMES

FEED_LENGTH = 50


def public_progress_updates():
    """Progress updates the public may see: those of published commitments only.

    EXISTS rather than a join or IN: with it both SQLite and PostgreSQL walk the updates
    newest first and stop after a page, instead of collecting every update of every
    published commitment and sorting them (1.7 s against 20 ms on SQLite with 300,000
    updates)."""
    published = Commitment.objects.published().filter(pk=OuterRef("commitment_id"))
    return ProgressUpdate.objects.filter(Exists(published)).select_related("commitment__city")


def newest_first(updates):
    """Most recently entered first: a late report for an earlier date is still news.
    Ids grow as rows are entered, and the primary key's index lets the database stop
    after the first rows instead of sorting every update by ``created_at``."""
    return updates.order_by("-pk")


FOLLOWED = {
    listing.name: listing
    for listing in (CITIES, FORUMS, OUTCOMES, COMMITMENTS, RELOCATIONS, PRACTICES)
}
LIST_URLS = {
    "cities": "cities:list",
    "forums": "forums:list",
    "outcomes": "outcomes:list",
    "commitments": "commitments:list",
    "relocations": "commitments:relocation-list",
    "practices": "practices:list",
}


@dataclass
class Entry:
    title: str
    link: str
    updated: datetime
    published: datetime
    description: str
    author: str = ""


def follow_url(listing_page):
    """The feed of a list page's current filters (sort and page left out)."""
    name = listing_page.listing.name
    if name not in FOLLOWED:
        return ""
    query = urlencode(listing_page.state)
    url = reverse("list-feed", args=[name])
    return f"{url}?{query}" if query else url


def _update_entry(update):
    commitment = update.commitment
    return Entry(
        title=_("%(city)s: %(commitment)s at %(percent)s%%")
        % {
            "city": commitment.city.localized_name,
            "commitment": commitment.title,
            "percent": update.percent,
        },
        link=f"{commitment.get_absolute_url()}#update-{update.pk}",
        updated=update.updated_at,
        published=update.created_at,
        description=_update_description(update),
        author=commitment.city.localized_name,
    )


def _update_description(update):
    """The date, the percent, who reported it, and the text: Markdown typed by city
    staff, rendered and sanitized as on the page (the feed writer then escapes the
    HTML once more for the XML)."""
    source = _("Reported by the city") if update.reported_by_city else _("Entered by a curator")
    if update.verified:
        source = _("%(source)s, verified by a curator") % {"source": source}
    date = iso_partial_date(update.date, update.date_precision)
    return (
        f"<p>{escape(date)} · {escape(update.percent)}% · "
        f"{escape(source)}</p>{render_markdown(update.text)}"
    )


def _commitment_entry(commitment):
    return Entry(
        title=_("Published: %(city)s: %(commitment)s")
        % {"city": commitment.city.localized_name, "commitment": commitment.title},
        link=commitment.get_absolute_url(),
        updated=commitment.updated_at,
        published=commitment.published_at or commitment.created_at,
        description=f"<p>{escape(commitment.get_status_display())}</p>",
        author=commitment.city.localized_name,
    )


def _transfer_entry(transfer):
    agreement = transfer.agreement
    return Entry(
        title=_("%(people)s people relocated: %(origin)s → %(destination)s")
        % {
            "people": transfer.people,
            "origin": agreement.origin.localized_name,
            "destination": agreement.destination.localized_name,
        },
        link=f"{agreement.get_absolute_url()}#transfer-{transfer.pk}",
        updated=transfer.updated_at,
        published=transfer.confirmed_at,
        description=f"<p>{escape(transfer.date.isoformat())}</p>",
    )


def _record_entry(record):
    return Entry(
        title=str(record),
        link=record.get_absolute_url(),
        updated=record.updated_at,
        published=record.created_at,
        description="",
    )


def _confirmed_transfers():
    return Transfer.objects.relocated().select_related(
        "agreement__origin", "agreement__destination"
    )


def _entries(name, rows):
    """The newest entries of a list's selection: at most two queries of FEED_LENGTH."""
    if name == "commitments":
        found = [_commitment_entry(c) for c in rows.order_by("-updated_at", "-pk")[:FEED_LENGTH]]
        updates = newest_first(public_progress_updates().filter(commitment__in=rows.values("pk")))
        found += [_update_entry(u) for u in updates[:FEED_LENGTH]]
    elif name == "relocations":
        found = [_record_entry(a) for a in rows.order_by("-updated_at", "-pk")[:FEED_LENGTH]]
        transfers = _confirmed_transfers().filter(agreement__in=rows.values("pk"))
        found += [
            _transfer_entry(t) for t in transfers.order_by("-confirmed_at", "-pk")[:FEED_LENGTH]
        ]
    elif name == "cities":
        cities = rows.values("pk")
        updates = newest_first(public_progress_updates().filter(commitment__city__in=cities))
        found = [_update_entry(u) for u in updates[:FEED_LENGTH]]
        transfers = _confirmed_transfers().filter(
            Q(agreement__origin__in=cities) | Q(agreement__destination__in=cities)
        )
        found += [
            _transfer_entry(t) for t in transfers.order_by("-confirmed_at", "-pk")[:FEED_LENGTH]
        ]
    else:
        found = [_record_entry(r) for r in rows.order_by("-updated_at", "-pk")[:FEED_LENGTH]]
    found.sort(key=lambda entry: (entry.updated, entry.link), reverse=True)
    return found[:FEED_LENGTH]


class EntryFeed(Feed):
    """An Atom feed of ``Entry``s."""

    feed_type = Atom1Feed

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.description

    def item_link(self, entry):
        return entry.link

    def item_author_name(self, entry):
        return entry.author or None

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated


class ListFeed(EntryFeed):
    def get_object(self, request, name):
        listing = FOLLOWED.get(name)
        if listing is None:
            raise Http404(_("There is no such list."))
        filterset = listing.filterset_class(
            request.GET, queryset=listing.base_queryset(), request=request
        )
        if not filterset.is_valid():
            raise BadRequest("An unknown filter value.")
        given = [
            (key, value)
            for key in filterset.filters
            for value in request.GET.getlist(key)
            if value
        ]
        return {"name": name, "rows": filterset.qs, "given": given}

    def title(self, obj):
        what = FOLLOWED[obj["name"]].title
        if not obj["given"]:
            return _("%(list)s · Mayoral Forum network") % {"list": what}
        filters = ", ".join(f"{key}: {value}" for key, value in obj["given"])
        return _("%(list)s (%(filters)s) · Mayoral Forum network") % {
            "list": what,
            "filters": filters,
        }

    def subtitle(self, obj):
        return _(
            "What is new in this selection: publications, progress updates and "
            "confirmed transfers."
        )

    def link(self, obj):
        query = urlencode(obj["given"])
        url = reverse(LIST_URLS[obj["name"]])
        return f"{url}?{query}" if query else url

    def feed_url(self, obj):
        query = urlencode(obj["given"])
        url = reverse("list-feed", args=[obj["name"]])
        return f"{url}?{query}" if query else url

    def items(self, obj):
        return _entries(obj["name"], obj["rows"])


class NetworkUpdatesFeed(EntryFeed):
    title = gettext_lazy("Progress on commitments · Mayoral Forum network")
    subtitle = gettext_lazy(
        "New progress updates on the published commitments of the cities of the "
        "Mayoral Forum on Mobility, Migration and Development."
    )
    link = reverse_lazy("commitments:list")

    def feed_url(self):
        return reverse("updates-feed")

    def items(self):
        return [_update_entry(u) for u in newest_first(public_progress_updates())[:FEED_LENGTH]]


class CityUpdatesFeed(EntryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(City, slug=slug)

    def title(self, city):
        return _("Progress on the commitments of %(city)s · Mayoral Forum network") % {
            "city": city.localized_name
        }

    def subtitle(self, city):
        return _("New progress updates on the published commitments of %(city)s.") % {
            "city": city.localized_name
        }

    def link(self, city):
        return city.get_absolute_url()

    def feed_url(self, city):
        return reverse("city-updates-feed", args=[city.slug])

    def items(self, city):
        updates = newest_first(public_progress_updates().filter(commitment__city=city))
        return [_update_entry(u) for u in updates[:FEED_LENGTH]]
