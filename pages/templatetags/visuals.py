"""Template tags for the map and the charts: ``{% load visuals %}``.

``{% network_map %}`` (home), ``{% city_map city %}`` (a city's page),
``{% home_charts %}``, ``{% chart "pledged_by_agreement" agreements %}``.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment
from forums.models import GoodPractice
from pages import charts, maps
from pages.feeds import follow_url as url_of

register = template.Library()

CHARTS = {
    "commitments_by_status": charts.commitments_by_status,
    "commitments_by_theme": charts.commitments_by_theme,
    "commitments_by_region": charts.commitments_by_region,
    "pledged_by_agreement": charts.pledged_by_agreement,
    "pledged_by_city": charts.pledged_by_city,
    "forums_over_time": charts.forums_over_time,
    "transfers_over_time": charts.transfers_over_time,
}


@register.inclusion_tag("includes/record_note.html")
def record_note():
    """What the record holds, where it comes from, how a city adds to it and how to
    report an error: two queries (the commitments by initiative, the practices)."""
    by_initiative = Commitment.objects.published_by_initiative()
    labels = dict(Commitment.Initiative.choices)
    return {
        "commitments": sum(count for _initiative, count, _newest in by_initiative),
        "by_initiative": [
            (labels.get(initiative, _("no initiative named")), count)
            for initiative, count, _newest in by_initiative
        ],
        "practices": GoodPractice.objects.count(),
        "newest": max((newest for *_rest, newest in by_initiative if newest), default=None),
        "corrections_email": settings.CORRECTIONS_EMAIL,
    }


@register.inclusion_tag("includes/map.html")
def network_map():
    return {"map": maps.network_map()}


@register.inclusion_tag("includes/map.html")
def city_map(city):
    return {"map": maps.city_map(city)}


@register.inclusion_tag("includes/charts.html", takes_context=True)
def home_charts(context, level=3):
    # The home page has counted the published commitments already: the charts reuse it.
    return {"charts": charts.home_charts(context.get("commitment_counts")), "level": level}


@register.inclusion_tag("includes/charts.html")
def selection_charts(listing_page, level=3):
    """The charts of a filtered list's current selection (commitments)."""
    return {"charts": charts.selection_charts(listing_page), "level": level}


@register.inclusion_tag("includes/charts_chart.html")
def chart(name, records=None, level=3):
    """One chart by name. ``records``: the queryset that narrows an agreements chart
    (a filtered list), or the agreement whose transfers to chart."""
    function = CHARTS[name]
    return {"chart": function(records) if records is not None else function(), "level": level}


@register.simple_tag
def follow_url(listing_page):
    """The Atom feed of a list page's current filters: ``{% follow_url listing as url %}``."""
    return url_of(listing_page)


@register.simple_tag
def embed_snippet(city):
    """The <iframe> a city copies onto its own site to show its card."""
    src = settings.SITE_URL.rstrip("/") + reverse("embed-city", args=[city.slug])
    title = escape(city.localized_name)
    return (
        f'<iframe src="{src}" title="{title} · Mayoral Forum" width="360" height="420" '
        f'loading="lazy" style="border:0"></iframe>'
    )
