"""The site-wide pages: the home page and search across every kind of record."""

from dataclasses import dataclass
from typing import Any

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from cities.models import City
from commitments.models import Commitment, RelocationAgreement
from commitments.views import COMMITMENTS
from core.listing import counts_by
from core.search import SearchForm, by_relevance, text_search
from forums.models import Forum, OutcomeDocument
from pages import charts
from pages.feeds import FOLLOWED, LIST_URLS, public_progress_updates

RECENT_UPDATES = 8
RECENT_COMMITMENTS = 5
SEARCH_GROUP_SIZE = 10


def home(request):
    """The network at a glance, in a fixed number of queries whatever the size of the
    data (``tests/pages/test_home.py`` holds the budget): the counts of cities, forums
    and documents, the commitments counted by status, region and theme (the count and
    the charts), the agreements' people totals, the latest forum, recent progress
    updates and recently updated commitments, and what the map and charts include."""
    published = Commitment.objects.published()
    # The count here, and the status, region and theme charts below.
    counts = counts_by(COMMITMENTS, published, charts.CHARTED)
    totals = RelocationAgreement.objects.people_totals()
    relocation = {
        "agreements": totals["count"],
        "pledged": totals["pledged"],
        "relocated": totals["relocated"],
        "awaiting": totals["awaiting"],
    }
    context = {
        "city_count": City.objects.count(),
        "forum_count": Forum.objects.count(),
        "outcome_count": OutcomeDocument.objects.count(),
        "commitment_count": sum(counts["status"][0].values()),
        "commitment_counts": counts,
        "relocation": relocation,
        "latest_forum": Forum.objects.select_related("host_city").latest_first().first(),
        # Latest by date; (date, id) follows the index on date, so no sort of all rows.
        "recent_updates": public_progress_updates().order_by("-date", "-pk")[:RECENT_UPDATES],
        # The (publication_state, -updated_at) index serves this one.
        "recent_commitments": published.select_related("city").order_by("-updated_at")[
            :RECENT_COMMITMENTS
        ],
    }
    return render(request, "home.html", context)


@dataclass(frozen=True)
class SearchGroup:
    name: str
    label: Any
    list_url: str
    queryset: Any

    def results(self, q):
        """The best matches and how many there are. The count is a second query only
        when the group is full. (A window count in the same query looks cheaper but
        makes the database keep every matching row, wide as it is: several times
        slower when a word is in most records.)"""
        matches = text_search(self.queryset(), q)
        rows = list(by_relevance(matches)[:SEARCH_GROUP_SIZE])
        total = matches.count() if len(rows) == SEARCH_GROUP_SIZE else len(rows)
        return rows, total


# Each list the site has, in its order: its rows, title and page are the list's own.
SEARCH_GROUPS = tuple(
    SearchGroup(listing.name, listing.title, LIST_URLS[listing.name], listing.base_queryset)
    for listing in FOLLOWED.values()
)


def search(request):
    """One search over every public record type: one or two queries per type."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "search.html", {"form": form, "groups": []}, status=400)
    q = form.cleaned_data["q"].strip()
    groups, empty_groups = [], []
    if q:
        for group in SEARCH_GROUPS:
            rows, total = group.results(q)
            if not total:
                empty_groups.append(group.label)
                continue
            groups.append(
                {
                    "name": group.name,
                    "label": group.label,
                    "rows": rows,
                    "total": total,
                    "more": total > len(rows),
                    "list_url": f"{reverse(group.list_url)}?{urlencode({'q': q})}",
                }
            )
    context = {
        "form": form,
        "q": q,
        "groups": groups,
        "empty_groups": empty_groups,
        "total": sum(group["total"] for group in groups),
    }
    return render(request, "search.html", context)
