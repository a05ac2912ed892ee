"""Good practices as a list of their own (/practices/) and one page each, with the
cities that replicated them; the list's Atom feed follows the same filters."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import geo
from core.listing import Column, Facet, Listing, Sort
from core.listviews import list_page
from core.text import render_markdown

from .filters import PracticeFilterSet
from .models import GoodPractice, Replication

FEED_LENGTH = 50


PRACTICES = Listing(
    name="practices",
    title=gettext_lazy("Good practices"),
    filterset_class=PracticeFilterSet,
    base_queryset=lambda: GoodPractice.objects.public(),
    sorts=(
        Sort("title", gettext_lazy("Title"), ("title", "pk")),
        Sort(
            "replications", gettext_lazy("Most replicated"), ("-replication_count", "title", "pk")
        ),
        Sort("city", gettext_lazy("City"), ("city__name", "title", "pk")),
        Sort("recent", gettext_lazy("Recently added"), ("-created_at", "-pk")),
    ),
    facets=(
        Facet("replicated", "replicated"),
        Facet("region", "city__region"),
        Facet("city", "city__slug", "city__name", top=10),
        Facet("theme", "themes__slug", "themes__name"),
    ),
    columns=(
        Column("slug"),
        Column("title"),
        Column("city", "city__slug"),
        Column("city_name", "city__name"),
        Column("country", "city__country", geo.country_code),
        Column("region", "city__region"),
        Column("forum", "forum__slug"),
        Column("themes", "themes__slug", many=True),
        Column("replicated_by", "replications__city__slug", many=True),
        Column("replications", "replication_count"),
        Column("description"),
        Column("source_url"),
        Column("source_citation"),
        Column("url", "slug", url="practices:detail"),
    ),
    decorate=lambda qs: qs.prefetch_related("themes"),
    download_decorate=lambda qs: qs,
)


def practice_list(request):
    return list_page(
        request, PRACTICES, "forums/practice_list.html", {"feed_url": _feed_url(request)}
    )


def practice_detail(request, slug):
    practice = get_object_or_404(
        GoodPractice.objects.public().prefetch_related(
            "themes",
            Prefetch(
                "replications",
                Replication.objects.select_related("city").order_by("city__name"),
                to_attr="replication_list",
            ),
        ),
        slug=slug,
    )
    return render(request, "forums/practice_detail.html", {"practice": practice})


def _query(request):
    """The list's filters as a query string, without paging, sorting or format, which
    do not change what a feed selects."""
    query = request.GET.copy()
    for key in ("page", "sort", "format"):
        query.pop(key, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _feed_url(request):
    return reverse("practices:feed") + _query(request)


class _BadFilters(Exception):
    pass


class PracticeFeed(Feed):
    """The newest good practices that the list's filters select, newest first. A bad
    filter value answers 400, as the list does."""

    feed_type = Atom1Feed
    title = gettext_lazy("Good practices · Mayoral Forum network")
    subtitle = gettext_lazy(
        "Good practices presented by the cities of the Mayoral Forum network, and the "
        "cities that replicated them."
    )

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except _BadFilters as error:
            body = {"detail": "A filter value is not valid.", "errors": error.args[0]}
            return JsonResponse(body, status=400)

    def get_object(self, request):
        # One Feed instance serves every request: the selection travels as the object.
        filterset = PracticeFilterSet(
            request.GET, queryset=GoodPractice.objects.public(), request=request
        )
        if not filterset.is_valid():
            raise _BadFilters(filterset.errors)
        filterset.query = _query(request)
        return filterset

    def link(self, filterset):
        return reverse("practices:list") + filterset.query

    def feed_url(self, filterset):
        return reverse("practices:feed") + filterset.query

    def items(self, filterset):
        return filterset.qs.order_by("-created_at", "-pk")[:FEED_LENGTH]

    def item_title(self, practice):
        return _("%(city)s: %(practice)s") % {
            "city": practice.city.localized_name,
            "practice": practice,
        }

    def item_description(self, practice):
        return render_markdown(practice.description)

    def item_link(self, practice):
        return practice.get_absolute_url()

    def item_author_name(self, practice):
        return practice.city.localized_name

    def item_pubdate(self, practice):
        return practice.created_at

    def item_updateddate(self, practice):
        return practice.updated_at
