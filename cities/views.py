from decimal import Decimal

from django.db.models import F, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, RelocationAgreement
from core import geo
from core.listing import Column, Facet, Listing, Sort
from core.listviews import list_page
from forums.filters import CityFilterSet
from forums.models import Endorsement, GoodPractice, Replication

from .models import City


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _country_name(stored: str) -> str:
    """``city.country_name``, of the value stored."""
    return geo.country_name(geo.country_code(stored))


CITIES = Listing(
    name="cities",
    title=_("Cities"),
    filterset_class=CityFilterSet,
    base_queryset=lambda: City.objects.all(),
    sorts=(
        Sort("name", _("Name"), ("name", "pk")),
        Sort("country", _("Country"), ("country", "name", "pk")),
        Sort("population", _("Population"), (F("population").desc(nulls_last=True), "pk")),
    ),
    facets=(
        Facet("region", "region"),
        Facet("country", "country", top=10, labeller=geo.country_name),
        Facet("kind", "kind"),
        Facet("network", "networks__slug", "networks__name"),
        Facet("forum", "participations__forum__slug", "participations__forum__title"),
    ),
    columns=(
        Column("slug"),
        Column("name"),
        Column("kind"),
        Column("country", "country", geo.country_code),
        Column("country_name", "country", _country_name),
        Column("region"),
        Column("subregion"),
        Column("population"),
        Column("latitude", "latitude", _number),
        Column("longitude", "longitude", _number),
        Column("website"),
        Column("leader_name"),
        Column("leader_title"),
        Column("networks", "networks__slug", many=True),
        Column("url", "slug", url="cities:detail"),
        Column("source_url"),
        Column("source_citation"),
    ),
    decorate=lambda qs: qs.prefetch_related("networks"),
    download_decorate=lambda qs: qs,
)


def city_list(request):
    return list_page(request, CITIES, "cities/city_list.html")


def city_detail(request, slug):
    city = get_object_or_404(City.objects.prefetch_related("networks"), slug=slug)
    commitments = (
        Commitment.objects.published()
        .involving(city)
        .with_flags()
        .select_related("outcome_document", "city")
        .prefetch_related("partner_cities")
        .order_by("title", "pk")
    )
    agreements = (
        RelocationAgreement.objects.with_totals()
        .filter(Q(origin=city) | Q(destination=city))
        .select_related("origin", "destination")
    )
    context = {
        "city": city,
        "participations": city.participations.select_related("forum").order_by(
            "-forum__start_date"
        ),
        "endorsements": Endorsement.objects.filter(city=city)
        .select_related("document")
        .order_by("endorsed_on", "document__title"),
        "commitments_by_status": _by_status(commitments),
        "agreements_as_origin": [a for a in agreements if a.origin_id == city.pk],
        "agreements_as_destination": [a for a in agreements if a.destination_id == city.pk],
        "practices": GoodPractice.objects.filter(city=city)
        .select_related("forum")
        .prefetch_related("replicated_by"),
        "replications": Replication.objects.filter(city=city).select_related(
            "practice__city", "practice__forum"
        ),
    }
    return render(request, "cities/city_detail.html", context)


def _by_status(commitments):
    """[(status label, [commitments])] in the order of the statuses, empty ones left out."""
    groups = {status: [] for status in Commitment.Status.values}
    for commitment in commitments:
        groups[commitment.status].append(commitment)
    return [
        (Commitment.Status(status).label, status, items)
        for status, items in groups.items()
        if items
    ]
