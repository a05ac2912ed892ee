from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from core import geo
from core.dates import iso_partial_date
from core.downloads import decimal_text
from core.listing import Column, Facet, Listing, Sort
from core.listviews import list_page
from forums.models import Clause

from .filters import CommitmentFilterSet, RelocationFilterSet
from .models import Commitment, CommitmentPartner, RelocationAgreement

PUBLISHED = Commitment.PublicationState.PUBLISHED


COMMITMENTS = Listing(
    name="commitments",
    title=_("Commitments"),
    filterset_class=CommitmentFilterSet,
    # Only published commitments are public: every query of the list starts here.
    base_queryset=lambda: Commitment.objects.published().select_related("city"),
    sorts=(
        Sort(
            "published", _("Recently published"), (F("published_at").desc(nulls_last=True), "-pk")
        ),
        Sort("title", _("Title"), ("title", "pk")),
        Sort("city", _("City"), ("city__name", "title", "pk")),
        Sort("target", _("Target date"), (F("target_date").asc(nulls_last=True), "pk")),
        Sort("progress", _("Progress"), (F("progress").desc(nulls_last=True), "title", "pk")),
    ),
    facets=(
        Facet("status", "status"),
        Facet("initiative", "initiative"),
        # A commitment counts for its lead city and for each partner city.
        Facet("region", "region", sides=("city", "partner_cities")),
        Facet(
            "country",
            "country",
            top=10,
            sides=("city", "partner_cities"),
            labeller=geo.country_name,
        ),
        Facet("city", "slug", "name", top=10, sides=("city", "partner_cities")),
        Facet("theme", "themes__slug", "themes__name"),
        Facet("framework", "framework_items__code", "framework_items__code", top=10),
        Facet("outcome", "outcome_document__slug", "outcome_document__title"),
        Facet("forum", "outcome_document__forum__slug", "outcome_document__forum__title"),
        Facet("year", "start_date__year"),
    ),
    columns=(
        Column("id", "pk"),
        Column("title"),
        Column("city", "city__slug"),
        Column("city_name", "city__name"),
        Column("country", "city__country", geo.country_code),
        Column("region", "city__region"),
        Column("status"),
        Column("progress"),
        # Annotated by with_flags().
        Column("overdue", "is_overdue"),
        Column("stale", "is_stale"),
        Column("last_update_on"),
        Column("start_date", ("start_date", "start_precision"), iso_partial_date),
        Column("target_date", ("target_date", "target_precision"), iso_partial_date),
        Column("outcome", "outcome_document__slug"),
        Column("forum", "outcome_document__forum__slug"),
        Column("themes", "themes__slug", many=True),
        Column("framework_items", "framework_items__code", many=True),
        Column("description"),
        Column("resources_needed", "resources_needed", decimal_text),
        Column("resources_secured", "resources_secured", decimal_text),
        Column("currency"),
        Column("resources_note"),
        Column("published_at"),
        Column("source_url"),
        Column("url", "pk", url="commitments:detail"),
        Column("partner_cities", "partner_cities__slug", many=True),
        Column("initiative"),
        Column("reported_state"),
        Column("answers", "answers__pk"),
        Column("source_citation"),
    ),
    # The shown rows' partner cities, read for them alone.
    decorate=lambda qs: qs.with_flags().prefetch_related("partner_cities"),  # type: ignore[attr-defined]
    flags=("overdue", "stale"),
)


def _decorate_agreements(qs):
    return qs.with_totals().select_related("network")


RELOCATIONS = Listing(
    name="relocations",
    title=_("Relocation agreements"),
    filterset_class=RelocationFilterSet,
    base_queryset=lambda: RelocationAgreement.objects.select_related("origin", "destination"),
    sorts=(
        Sort("signed", _("Latest signed"), (F("signed_on").desc(nulls_last=True), "-pk")),
        Sort("pledged", _("People pledged"), ("-people_pledged", "-pk")),
        Sort("origin", _("Origin city"), ("origin__name", "destination__name", "pk")),
        Sort("destination", _("Destination city"), ("destination__name", "origin__name", "pk")),
    ),
    facets=(
        Facet("status", "status"),
        Facet("group", "population_group"),
        Facet("year", "signed_on__year"),
        Facet("city", "slug", "name", top=10, sides=("origin", "destination")),
        Facet("origin", "origin__slug", "origin__name", top=10),
        Facet("destination", "destination__slug", "destination__name", top=10),
        Facet(
            "country",
            "country",
            top=10,
            sides=("origin", "destination"),
            labeller=geo.country_name,
        ),
    ),
    columns=(
        Column("id", "pk"),
        Column("origin", "origin__slug"),
        Column("origin_name", "origin__name"),
        Column("origin_country", "origin__country", geo.country_code),
        Column("destination", "destination__slug"),
        Column("destination_name", "destination__name"),
        Column("destination_country", "destination__country", geo.country_code),
        Column("population_group"),
        Column("people_pledged"),
        # Annotated by with_totals().
        Column("people_relocated", "relocated"),
        Column("people_remaining", "remaining"),
        Column("status"),
        Column("network", "network__slug"),
        Column("framework_item", "framework_item__code"),
        Column("signed_on", ("signed_on", "signed_precision"), iso_partial_date),
        Column("period_start"),
        Column("period_end"),
        Column("notes"),
        Column("source_url"),
        Column("url", "pk", url="commitments:relocation-detail"),
        Column("people_awaiting_confirmation", "awaiting"),
        Column("reported_state"),
        Column("source_citation"),
    ),
    decorate=_decorate_agreements,
)


def commitment_list(request):
    return list_page(request, COMMITMENTS, "commitments/commitment_list.html")


def commitment_detail(request, pk):
    commitment = get_object_or_404(
        Commitment.objects.published()
        .with_flags()
        .select_related("city", "outcome_document__forum", "answers__city")
        .prefetch_related(
            "themes",
            "framework_items__framework",
            "updates",
            Prefetch("clauses", Clause.objects.select_related("document")),
            Prefetch("partnerships", CommitmentPartner.objects.select_related("city")),
        ),
        pk=pk,
    )
    answers = commitment.answers
    if answers is not None and answers.publication_state != PUBLISHED:
        commitment.answers = None  # an unpublished pledge is not named
    context = {
        "commitment": commitment,
        "partnerships": commitment.partnerships.all(),
        "answered_by": commitment.answered_by.published().select_related("city"),
        "changes": _public_changes(commitment),
    }
    return render(request, "commitments/commitment_detail.html", context)


# Fields of the review workflow and bookkeeping: how a commitment got published is the
# secretariat's business, and who edited it is personal data.
PRIVATE_FIELDS = {
    "id", "version", "created_at", "updated_at", "created_by", *Commitment.WORKFLOW_FIELDS
}  # fmt: skip


def _public_changes(commitment):
    """What changed and when, newest first: field names and dates, no one's name.

    Only what happened while the commitment was public: when it was published and
    which fields changed afterwards. Drafts and proposals awaiting review stay out.
    """
    fields = [f for f in Commitment._meta.concrete_fields if f.name not in PRIVATE_FIELDS]
    records = commitment.history.order_by("history_date", "history_id")
    changes = []
    previous = None
    for record in records:
        if record.publication_state == PUBLISHED:
            if previous is None or previous.publication_state != PUBLISHED:
                changes.append({"date": record.history_date, "published": True, "fields": []})
            else:
                changed = [
                    f.verbose_name
                    for f in fields
                    if getattr(record, f.attname) != getattr(previous, f.attname)
                ]
                if changed:
                    changes.append({"date": record.history_date, "fields": changed})
        previous = record
    changes.reverse()
    return changes


def relocation_list(request):
    return list_page(request, RELOCATIONS, "commitments/relocation_list.html")


def relocation_detail(request, pk):
    agreement = get_object_or_404(
        RelocationAgreement.objects.with_totals()
        .select_related("origin", "destination", "network", "framework_item")
        .prefetch_related("transfers__reported_by_city"),
        pk=pk,
    )
    return render(request, "commitments/relocation_detail.html", {"agreement": agreement})
