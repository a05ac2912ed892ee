"""The global frameworks (/frameworks/) and, for each, its items with the published
commitments that answer them (/frameworks/<code>/): the page a review of the GCM
would cite. Both are lists like the others: filters, sort, downloads."""

import dataclasses
from collections import defaultdict

from django.db.models import F, Q, Window
from django.db.models.functions import Length, RowNumber
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from commitments.coverage import (
    REGIONS,
    STATUSES,
    framework_coverage,
    published_answers,
    with_answers,
)
from commitments.coverage import with_breakdown as with_region_and_status_counts
from commitments.models import Commitment
from core.counts import subquery_count
from core.dates import iso_partial_date
from core.listing import Column, Facet, Listing, Sort, browse
from core.listviews import list_page

from .filters import FrameworkFilterSet, FrameworkItemFilterSet
from .models import Framework, FrameworkItem

# Commitments listed under each item on a framework page (the most recently published).
COMMITMENTS_PER_ITEM = 10


def public_frameworks():
    items = with_answers(FrameworkItem.objects.all())
    return Framework.objects.annotate(
        item_count=subquery_count(items, "framework"),
        answered_item_count=subquery_count(items.filter(commitment_count__gt=0), "framework"),
        commitment_count=subquery_count(
            published_answers(), "frameworkitem__framework", "commitment", distinct=True
        ),
    )


FRAMEWORKS = Listing(
    name="frameworks",
    title=_("Frameworks"),
    filterset_class=FrameworkFilterSet,
    base_queryset=public_frameworks,
    sorts=(
        Sort("code", _("Code"), ("code",)),
        Sort("name", _("Name"), ("name", "code")),
        Sort("commitments", _("Most answered"), ("-commitment_count", "code")),
    ),
    facets=(),
    columns=(
        Column("code"),
        Column("slug"),
        Column("name"),
        Column("adopted_on", ("adopted_on", "adopted_precision"), iso_partial_date),
        Column("adopted_at"),
        Column("items", "item_count"),
        Column("answered_items", "answered_item_count"),
        Column("published_commitments", "commitment_count"),
        Column("description"),
        Column("source_url"),
        Column("source_citation"),
        Column("url", "code", url="frameworks:detail"),
    ),
)

# The items of one framework; ``framework_detail`` gives it the framework's rows.
ITEMS = Listing(
    name="framework-items",
    title=_("Framework items"),
    filterset_class=FrameworkItemFilterSet,
    base_queryset=lambda: with_answers(FrameworkItem.objects.all()),
    sorts=(
        # By length first, so that GCM-2 comes before GCM-10.
        Sort("code", _("Code"), (Length("code"), "code")),
        Sort("commitments", _("Most answered"), ("-commitment_count", Length("code"), "code")),
        Sort("title", _("Title"), ("title", "code")),
    ),
    facets=(Facet("answered", "answered"),),
    columns=(
        Column("framework", "framework__code"),
        Column("code"),
        Column("parent", "parent__code"),
        Column("title"),
        Column("description"),
        Column("published_commitments", "commitment_count"),
        # Annotated by with_region_and_status_counts().
        *(Column(f"region_{region}") for region in REGIONS),
        *(Column(f"status_{status}") for status in STATUSES),
        Column(
            "commitments",
            "commitments__pk",
            many=True,
            where=Q(publication_state=Commitment.PublicationState.PUBLISHED),
        ),
        Column("source_url"),
        Column("url", ("framework__code", "code"), url="frameworks:detail", fragment="#item-{}"),
    ),
    decorate=lambda qs: qs.select_related("parent"),
    download_decorate=with_region_and_status_counts,
    per_page=100,
)


def framework_list(request):
    return list_page(request, FRAMEWORKS, "forums/framework_list.html")


def framework_detail(request, code):
    framework = get_object_or_404(Framework, code=code)
    listing = dataclasses.replace(
        ITEMS,
        base_queryset=lambda: with_answers(FrameworkItem.objects.filter(framework=framework)),
    )
    result = browse(request, listing)
    if result.download:
        return result.download
    coverage = framework_coverage(framework)
    context = {
        **result.context,
        "framework": framework,
        "coverage": coverage,
        "region_labels": coverage.region_totals,
        "status_labels": coverage.status_totals,
    }
    rows = result.context.get("rows") or []
    if rows and result.context["listing"].sort == "code":
        # In code order, each item is followed by its parts, as in the framework.
        position = {row.item.pk: n for n, row in enumerate(coverage.items)}
        rows = sorted(rows, key=lambda item: position.get(item.pk, len(position)))
    context["item_rows"] = _with_commitments(rows, coverage) if rows else []
    return render(request, "forums/framework_detail.html", context, status=result.status)


def _with_commitments(items, coverage):
    """The page's items with their latest published commitments (one query), their
    counts from the coverage, and their depth in the framework's tree.

    At most ``COMMITMENTS_PER_ITEM`` a item, the most recently published: an item that
    thousands of commitments answer would otherwise make the page read and render all
    of them (97 s for the GCM page at 1M commitments); the full list is one link away.
    """
    latest_first = Window(
        RowNumber(),
        partition_by=F("frameworkitem"),
        order_by=[F("commitment__published_at").desc(nulls_last=True), F("commitment").desc()],
    )
    answers = (
        published_answers()
        .filter(frameworkitem__in=items)
        .annotate(rank=latest_first)
        .filter(rank__lte=COMMITMENTS_PER_ITEM)
        .select_related("commitment__city")
        .order_by("frameworkitem", "rank")
    )
    commitments = defaultdict(list)
    for answer in answers:
        commitments[answer.frameworkitem_id].append(answer.commitment)
    by_pk = {row.item.pk: row for row in coverage.items}
    return [
        {"item": item, "coverage": by_pk.get(item.pk), "commitments": commitments[item.pk]}
        for item in items
    ]
