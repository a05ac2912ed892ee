from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from cities.models import SteeringPartner
from commitments.models import Commitment
from core import geo
from core.counts import subquery_count
from core.dates import iso_partial_date
from core.listing import Column, Facet, Listing, Sort
from core.listviews import list_page

from .filters import ForumFilterSet, OutcomeFilterSet
from .models import Clause, Endorsement, FigureClaim, Forum, OutcomeDocument

FORUMS = Listing(
    name="forums",
    title=_("Forums"),
    filterset_class=ForumFilterSet,
    base_queryset=lambda: Forum.objects.select_related("host_city"),
    sorts=(
        Sort("date", _("Latest first"), ("-start_date", "-edition")),
        Sort("edition", _("Edition"), ("edition",)),
        Sort("title", _("Title"), ("title", "edition")),
    ),
    facets=(
        Facet("year", "year"),
        Facet("country", "host_city__country", top=10, labeller=geo.country_name),
    ),
    columns=(
        Column("slug"),
        Column("edition"),
        Column("title"),
        Column("theme"),
        Column("year"),
        Column("start_date", ("start_date", "date_precision"), iso_partial_date),
        Column("end_date", ("end_date", "date_precision"), iso_partial_date),
        Column("host_city", "host_city__slug"),
        Column("host_city_name", "host_city__name"),
        Column("host_country", "host_city__country", geo.country_code),
        Column("summary"),
        Column("source_url"),
        Column("url", "slug", url="forums:detail"),
        Column("source_citation"),
    ),
)


def _endorsements():
    return Endorsement.objects.select_related("city")


def _decorate_outcomes(qs):
    return qs.annotate(
        endorsement_count=subquery_count(Endorsement.objects.all(), "document"),
        published_commitment_count=Commitment.objects.published_count_per("outcome_document"),
    )


def _file_url(name: str) -> str | None:
    """The address of an outcome document's PDF, as ``document.pdf.url`` gives it."""
    return OutcomeDocument._meta.get_field("pdf").storage.url(name) if name else None


OUTCOMES = Listing(
    name="outcomes",
    title=_("Outcome documents"),
    filterset_class=OutcomeFilterSet,
    base_queryset=lambda: OutcomeDocument.objects.select_related("forum"),
    sorts=(
        Sort("adopted", _("Latest first"), (F("adopted_on").desc(nulls_last=True), "title")),
        Sort("title", _("Title"), ("title", "pk")),
    ),
    facets=(
        Facet("forum", "forum__slug", "forum__title"),
        Facet("kind", "kind"),
        Facet("year", "adopted_on__year"),
        Facet("theme", "themes__slug", "themes__name"),
        Facet("endorsed_by", "endorsements__city__slug", "endorsements__city__name", top=10),
    ),
    columns=(
        Column("slug"),
        Column("title"),
        Column("kind"),
        Column("forum", "forum__slug"),
        Column("adopted_on", ("adopted_on", "adopted_precision"), iso_partial_date),
        Column("language"),
        Column("summary"),
        Column("themes", "themes__slug", many=True),
        Column("framework_items", "framework_items__code", many=True),
        Column("endorsed_by", "endorsements__city__slug", many=True),
        Column("published_commitments", "published_commitment_count"),
        Column("pdf_url", "pdf", _file_url, absolute_url=True),
        Column("source_url"),
        Column("url", "slug", url="outcomes:detail"),
        Column("source_citation"),
    ),
    decorate=_decorate_outcomes,
)


def forum_list(request):
    return list_page(request, FORUMS, "forums/forum_list.html")


def forum_detail(request, slug):
    forum = get_object_or_404(Forum.objects.select_related("host_city"), slug=slug)
    steering = SteeringPartner.objects.select_related("partner").order_by("partner__name")
    context = {
        "forum": forum,
        "partnerships": forum.partnerships.select_related("organization")
        .prefetch_related(
            Prefetch("organization__steering_partnerships", steering, to_attr="steering")
        )
        .order_by("role", "organization__name"),
        # The forum's own figures and its outcome documents', side by side.
        "figures": FigureClaim.objects.filter(
            Q(forum=forum) | Q(outcome_document__forum=forum)
        ).side_by_side(),
        "participations": forum.participations.select_related("city").order_by(
            "role", "city__name"
        ),
        "outcomes": forum.outcome_documents.order_by("adopted_on", "title"),
        "practices": forum.good_practices.select_related("city").order_by("title"),
    }
    return render(request, "forums/forum_detail.html", context)


def outcome_list(request):
    return list_page(request, OUTCOMES, "forums/outcome_list.html")


def outcome_detail(request, slug):
    published = Commitment.objects.published().select_related("city").order_by("city__name")
    outcome = get_object_or_404(
        OutcomeDocument.objects.select_related("forum__host_city").prefetch_related(
            "themes",
            "framework_items__framework",
            Prefetch(
                "clauses",
                Clause.objects.prefetch_related(
                    Prefetch("commitments", published, to_attr="published_commitments")
                ),
            ),
            Prefetch("endorsements", _endorsements(), to_attr="endorsement_list"),
            Prefetch("figures", FigureClaim.objects.side_by_side(), to_attr="figure_list"),
        ),
        slug=slug,
    )
    clauses = list(outcome.clauses.all())
    context = {
        "outcome": outcome,
        "clauses": clauses,
        "unanswered": [clause for clause in clauses if not clause.published_commitments],
        "endorsements": outcome.endorsement_list,
        "figures": outcome.figure_list,
        "commitment_count": published.filter(outcome_document=outcome).count(),
    }
    return render(request, "forums/outcome_detail.html", context)
