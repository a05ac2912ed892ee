"""How far the published commitments cover a framework: for each of its items, how
many published commitments answer it, by UN region and by status, and which items no
city has answered yet. The framework's page, its downloads and the API read it from
here, so the figures cannot drift apart.

Counts are of distinct published commitments: a commitment that answers two items
counts once for each item, and once in the framework's totals.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from core import geo
from core.counts import subquery_count, yes_if_positive
from forums.models import FrameworkItem

from .models import Commitment

STATUSES = [value for value, _label in Commitment.Status.choices]
REGIONS = [value for value, _label in geo.REGION_CHOICES]


def natural_key(code):
    """GCM-2 before GCM-10, SDG-10.7 before SDG-10.c: numbers compare as numbers."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.findall(r"\d+|[^\d\W]+", code)
    ]


def published_answers():
    """The (item, published commitment) pairs: the one source of every count here."""
    through = Commitment.framework_items.through
    return through.objects.filter(
        commitment__publication_state=Commitment.PublicationState.PUBLISHED
    )


def _count_answers(**conditions):
    return subquery_count(
        published_answers().filter(**conditions), "frameworkitem", "commitment", distinct=True
    )


def with_answers(items):
    """Items annotated with ``commitment_count`` and ``answered`` ("yes" or "no"): a
    subquery, so that a filter joining other rows cannot inflate the count."""
    return items.annotate(commitment_count=_count_answers()).annotate(
        answered=yes_if_positive("commitment_count")
    )


def with_breakdown(items):
    """Adds one count per UN region (``region_<key>``) and per status
    (``status_<key>``), for the downloads; one query however many items."""
    annotations = {
        f"region_{region}": _count_answers(commitment__city__region=region) for region in REGIONS
    }
    annotations.update(
        {f"status_{status}": _count_answers(commitment__status=status) for status in STATUSES}
    )
    return items.annotate(**annotations)


@dataclass
class ItemCoverage:
    item: FrameworkItem
    depth: int = 0
    total: int = 0
    by_region: dict = field(default_factory=dict)
    by_status: dict = field(default_factory=dict)

    @property
    def region_cells(self):
        return [(region, self.by_region.get(region, 0)) for region in REGIONS]

    @property
    def status_cells(self):
        return [(status, self.by_status.get(status, 0)) for status in STATUSES]

    @property
    def region_counts(self):
        return dict(self.region_cells)

    @property
    def status_counts(self):
        return dict(self.status_cells)


@dataclass
class Coverage:
    items: list
    total: int
    by_region: dict
    by_status: dict
    unanswered: list
    # Commitments of cities with no UN region recorded, counted apart.
    no_region: int = 0

    @property
    def region_counts(self):
        return {region: self.by_region.get(region, 0) for region in REGIONS}

    @property
    def status_counts(self):
        return {status: self.by_status.get(status, 0) for status in STATUSES}

    @property
    def answered_count(self):
        return len(self.items) - len(self.unanswered)

    @property
    def region_totals(self):
        return [
            (region, label, self.by_region.get(region, 0)) for region, label in geo.REGION_CHOICES
        ]

    @property
    def status_totals(self):
        return [
            (status, label, self.by_status.get(status, 0))
            for status, label in Commitment.Status.choices
        ]


def framework_coverage(framework):
    """The whole framework's coverage in three queries: its items, the counts per
    (item, region, status), and the framework's own totals."""
    items = sorted(
        FrameworkItem.objects.filter(framework=framework).select_related("parent"),
        key=lambda item: natural_key(item.code),
    )
    rows = {item.pk: ItemCoverage(item) for item in items}
    answers = published_answers().filter(frameworkitem__framework=framework)
    grouped = (
        answers.order_by()
        .values("frameworkitem", "commitment__city__region", "commitment__status")
        .annotate(n=Count("commitment", distinct=True))
    )
    for group in grouped:
        row = rows[group["frameworkitem"]]
        region, status, n = (
            group["commitment__city__region"],
            group["commitment__status"],
            group["n"],
        )
        # One city, one status per commitment: the groups add up without double counts.
        row.total += n
        row.by_region[region] = row.by_region.get(region, 0) + n
        row.by_status[status] = row.by_status.get(status, 0) + n
    totals = (
        Commitment.objects.published()
        .filter(pk__in=answers.values("commitment"))
        .order_by()
        .values("city__region", "status")
        .annotate(n=Count("pk"))
    )
    by_region, by_status = Counter(), Counter()
    for group in totals:
        by_region[group["city__region"]] += group["n"]
        by_status[group["status"]] += group["n"]
    _set_depths(rows)
    ordered = _tree_order([rows[item.pk] for item in items])
    return Coverage(
        items=ordered,
        total=sum(by_status.values()),
        by_region=dict(by_region),
        by_status=dict(by_status),
        unanswered=[row for row in ordered if not row.total],
        no_region=by_region.get("", 0),
    )


def _set_depths(rows):
    for row in rows.values():
        depth, parent = 0, row.item.parent_id
        while parent in rows and depth < 10:
            depth += 1
            parent = rows[parent].item.parent_id
        row.depth = depth


def _tree_order(rows):
    """Each item followed by its parts, in natural order at every level."""
    children = {}
    for row in rows:
        children.setdefault(row.item.parent_id, []).append(row)
    known = {row.item.pk for row in rows}
    ordered = []

    def walk(row):
        ordered.append(row)
        for child in children.get(row.item.pk, []):
            walk(child)

    for row in rows:
        if row.item.parent_id is None or row.item.parent_id not in known:
            walk(row)
    return ordered
