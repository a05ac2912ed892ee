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

CITIES = Listing(
    name="cities",
    filterset_class=CityFilterSet,
    queryset=lambda: City.objects.all(),
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
        Column("slug", lambda c: c.slug),
        Column("name", lambda c: c.name),
        Column("kind", lambda c: c.kind),
        Column("country", lambda c: c.country.code),
        Column("country_name", lambda c: c.country_name),
        Column("region", lambda c: c.region),
        Column("subregion", lambda c: c.subregion),
        Column("population", lambda c: c.population),
        Column("latitude", lambda c: None if c.latitude is None else float(c.latitude)),
        Column("longitude", lambda c: None if c.longitude is None else float(c.longitude)),
        Column("website", lambda c: c.website),
        Column("leader_name", lambda c: c.leader_name),
        Column("leader_title", lambda c: c.leader_title),
        Column("networks", lambda c: c.network_slugs),
        Column("url", lambda c: c.get_absolute_url(), absolute_url=True),
        Column("source_url", lambda c: c.source_url),
        Column("source_citation", lambda c: c.source_citation),
    ),
    decorate=lambda qs: qs.prefetch_related("networks"),
    download_decorate=lambda qs: qs,
    download_many={"network_slugs": "networks__slug"},
)


def city_list(request):
    return list_page(request, CITIES, "cities/city_list.html")


def city_detail(request, slug):
    city = get_object_or_404(City.objects.prefetch_related("networks"), slug=slug)
    commitments = (
        Commitment.objects.published()
        .filter(city=city)
        .with_flags()
        .select_related("outcome_document")
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
