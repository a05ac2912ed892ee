"""Charts of the network, drawn on the server as tables with bars.

Each chart is a real table (the numbers, for screen readers and for copying) whose
last column holds a bar drawn as a tiny inline SVG, plus a one-sentence summary.
No style attributes (the CSP forbids them): bar lengths are SVG ``width`` attributes,
formatted here with a dot whatever the reader's language.

Only published commitments are counted. Each function costs one or two queries,
whatever the number of records.
"""

from django.db.models import Count
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commitments.models import Commitment, RelocationAgreement
from commitments.views import COMMITMENTS
from core import geo
from core.i18n import localized_value
from core.listing import counts_by, selection_counts
from forums.models import Forum
from pages.svg import svg_number

# Charts of agreements and cities list the largest rows only; the summary covers all.
MAX_ROWS = 12


def _city_names(side):
    """A side's city name and its translations, for ``localized_value``."""
    return (f"{side}__name", f"{side}__name_es", f"{side}__name_fr")


def percent(part, whole):
    """ "37%" in the reader's number format (0 when there is nothing to divide)."""
    value = round(100 * part / whole) if whole else 0
    return _("%(percent)s%%") % {"percent": number_format(value)}


def _bar(value, largest):
    """The bar's length out of 100; a non-zero value always shows a sliver."""
    if not largest or not value:
        return "0"
    return svg_number(max(100 * value / largest, 1))


def _count_chart(chart_id, title, label_header, value_header, rows, summary, empty):
    total = sum(row["value"] for row in rows)
    largest = max((row["value"] for row in rows), default=0)
    for row in rows:
        row["bar"] = _bar(row["value"], largest)
        row["share"] = percent(row["value"], total)
    return {
        "id": chart_id,
        "kind": "count",
        "title": title,
        "label_header": label_header,
        "value_header": value_header,
        "rows": rows if total else [],
        "total": total,
        "summary": summary if total else empty,
    }


def _list_url(name, **params):
    return f"{reverse(name)}?{urlencode(params)}"


def _no_commitments():
    return _("No commitments have been published yet.")


def _leader(rows, total):
    leader = max(rows, key=lambda row: row["value"])
    return {
        "total": number_format(total, force_grouping=True),
        "leader": leader["label"],
        "count": number_format(leader["value"], force_grouping=True),
        "share": percent(leader["value"], total),
    }


def _published_counts(name):
    """``({value: count}, {value: label})``: the published commitments counted by the
    list's facet ``name``, the one definition of a count by status, region or theme,
    shared with the list's filter options (a bar's number is the number of rows its
    link lists). One query."""
    return counts_by(COMMITMENTS, Commitment.objects.published(), [name])[name]


def commitments_by_status(counts=None):
    """Published commitments per status (``counts``: as ``counts_by`` gives them, read
    if not given), every status listed."""
    counts, _labels = _published_counts("status") if counts is None else counts
    rows = [
        {
            "label": label,
            "url": _list_url("commitments:list", status=value),
            "value": counts.get(value, 0),
        }
        for value, label in Commitment.Status.choices
        # Every status, and "not reported" once a source leaves one out.
        if value != Commitment.Status.NOT_REPORTED or counts.get(value)
    ]
    total = sum(counts.values())
    summary = ""
    if total:
        summary = _(
            "Of %(total)s published commitments, the most (%(count)s, %(share)s) are %(leader)s."
        ) % _leader(rows, total)
    return _count_chart(
        "chart-status",
        _("Commitments by status"),
        _("Status"),
        _("Commitments"),
        rows,
        summary,
        _no_commitments(),
    )


def commitments_by_theme(counts=None):
    """Published commitments per theme (``counts``: as ``counts_by`` gives them, read
    if not given; a commitment may have several), the most first, each theme named
    as the list's filter names it."""
    counts, labels = _published_counts("theme") if counts is None else counts
    ranked = sorted(counts.items(), key=lambda item: (-item[1], labels.get(item[0], "")))
    rows = [
        {
            "label": labels.get(slug, slug),
            "url": _list_url("commitments:list", theme=slug),
            "value": count,
        }
        for slug, count in ranked
    ]
    summary = ""
    if any(row["value"] for row in rows):
        leader = rows[0]
        summary = _(
            "The theme with the most published commitments is %(leader)s (%(count)s); "
            "a commitment can serve several themes."
        ) % {"leader": leader["label"], "count": number_format(leader["value"])}
    return _without_shares(
        _count_chart(
            "chart-theme",
            _("Commitments by theme"),
            _("Theme"),
            _("Commitments"),
            rows,
            summary,
            _no_commitments(),
        )
    )


def commitments_by_region(counts=None):
    """Published commitments per UN region of their cities (``counts``: as
    ``counts_by`` gives them, read if not given): a joint commitment counts in each of
    its cities' regions, as the list's region filter finds it."""
    counts, _labels = _published_counts("region") if counts is None else counts
    rows = [
        {
            "label": label,
            "url": _list_url("commitments:list", region=value),
            "value": counts.get(value, 0),
        }
        for value, label in geo.REGION_CHOICES
    ]
    if counts.get(""):
        rows.append({"label": _("No region"), "url": "", "value": counts[""]})
    summary = ""
    if any(row["value"] for row in rows):
        leader = max(rows, key=lambda row: row["value"])
        summary = _(
            "The region with the most published commitments is %(leader)s (%(count)s); "
            "a joint commitment counts in each of its cities' regions."
        ) % {"leader": leader["label"], "count": number_format(leader["value"])}
    return _without_shares(
        _count_chart(
            "chart-region",
            _("Commitments by region"),
            _("Region"),
            _("Commitments"),
            rows,
            summary,
            _no_commitments(),
        )
    )


def _without_shares(chart):
    """A chart in which a record may count under several rows: shares of the sum
    would mislead."""
    for row in chart["rows"]:
        row["share"] = ""
    chart["hide_share"] = True
    return chart


def forums_over_time():
    """Each forum in order, with the number of cities that took part. One query."""
    forums = list(
        Forum.objects.annotate(count=Count("participations", distinct=True))
        .order_by("start_date", "edition")
        .values("slug", "title", "year", *_city_names("host_city"), "count")
    )
    for f in forums:
        f["host"] = localized_value(f, "host_city__name")
    rows = [
        {
            "label": _("%(year)s, %(city)s") % {"year": f["year"], "city": f["host"]},
            "title": f["title"],
            "url": reverse("forums:detail", args=[f["slug"]]),
            "value": f["count"],
        }
        for f in forums
    ]
    summary = ""
    if forums:
        hosts = []
        for forum in forums:
            if forum["host"] not in hosts:
                hosts.append(forum["host"])
        summary = ngettext(
            "%(count)s forum from %(first)s to %(last)s, hosted by %(hosts)s.",
            "%(count)s forums from %(first)s to %(last)s, hosted by %(hosts)s.",
            len(forums),
        ) % {
            "count": number_format(len(forums)),
            "first": forums[0]["year"],
            "last": forums[-1]["year"],
            "hosts": ", ".join(hosts),
        }
    chart = _count_chart(
        "chart-forums",
        _("The forums over time"),
        _("Forum"),
        _("Cities taking part"),
        rows,
        summary,
        _("No forum has been recorded yet."),
    )
    if not chart["rows"] and rows:
        # Forums with no participants recorded are still forums: list them.
        chart["rows"], chart["summary"] = rows, summary
        for row in rows:
            row["bar"] = "0"
    # Each bar counts different cities' visits: a share of their sum means nothing.
    return _without_shares(chart)


def _awaiting_sentence(awaiting):
    return ngettext(
        "%(awaiting)s person reported and awaiting confirmation is not counted yet.",
        "%(awaiting)s people reported and awaiting confirmation are not counted yet.",
        awaiting,
    ) % {"awaiting": number_format(awaiting, force_grouping=True)}


def _progress_chart(chart_id, title, label_header, rows, totals, shown_of):
    largest = max((row["pledged"] for row in rows), default=0)
    for row in rows:
        row["pledged_bar"] = _bar(row["pledged"], largest)
        row["relocated_bar"] = _bar(row["relocated"], largest)
        row["share"] = percent(row["relocated"], row["pledged"])
    pledged, relocated, awaiting, count = totals
    if count:
        summary = ngettext(
            "%(count)s agreement: %(relocated)s of the %(pledged)s people pledged "
            "have been relocated (%(share)s).",
            "%(count)s agreements: %(relocated)s of the %(pledged)s people pledged "
            "have been relocated (%(share)s).",
            count,
        ) % {
            "count": number_format(count),
            "relocated": number_format(relocated, force_grouping=True),
            "pledged": number_format(pledged, force_grouping=True),
            "share": percent(relocated, pledged),
        }
        if awaiting:
            summary += " " + _awaiting_sentence(awaiting)
        if shown_of:
            summary += " " + shown_of
    else:
        summary = _("No relocation agreement has been recorded yet.")
    return {
        "id": chart_id,
        "kind": "progress",
        "title": title,
        "label_header": label_header,
        "rows": rows,
        "summary": summary,
        "any_awaiting": any(row["awaiting"] for row in rows),
    }


def _agreement_totals(agreements):
    """(people pledged, relocated, awaiting confirmation, number of agreements) in one
    query."""
    totals = agreements.people_totals()
    return totals["pledged"], totals["relocated"], totals["awaiting"], totals["count"]


def _agreements(records):
    """All agreements, or those of ``records`` (a list's filtered queryset) re-read
    plainly, so that its annotations and ordering do not disturb the sums."""
    agreements = RelocationAgreement.objects.order_by()
    if records is not None:
        agreements = agreements.filter(pk__in=records.order_by().values("pk"))
    return agreements


def pledged_by_agreement(records=None, totals=None):
    """People pledged against relocated for the largest agreements. Two queries.

    ``records`` narrows the chart (e.g. a filtered list); all agreements by default.
    """
    agreements = _agreements(records)
    largest = list(
        agreements.with_totals()
        .order_by("-people_pledged", "pk")
        .values(
            "pk",
            *_city_names("origin"),
            *_city_names("destination"),
            "people_pledged",
            "relocated",
            "awaiting",
        )[:MAX_ROWS]
    )
    rows = [
        {
            "label": _("%(origin)s to %(destination)s")
            % {
                "origin": localized_value(a, "origin__name"),
                "destination": localized_value(a, "destination__name"),
            },
            "url": reverse("commitments:relocation-detail", args=[a["pk"]]),
            "pledged": a["people_pledged"],
            "relocated": a["relocated"],
            "awaiting": a["awaiting"],
        }
        for a in largest
    ]
    totals = totals or _agreement_totals(agreements)
    shown_of = ""
    if totals[3] > len(rows):
        shown_of = _("The chart shows the %(shown)s largest.") % {"shown": len(rows)}
    return _progress_chart(
        "chart-pledged-agreement",
        _("People pledged and relocated, by agreement"),
        _("Agreement"),
        rows,
        totals,
        shown_of,
    )


def pledged_by_city(records=None):
    """People pledged against relocated per receiving city. One query.

    Every receiving city's group is read (at most one row per city), so the totals
    of the summary come from the same query.
    """
    agreements = _agreements(records)
    cities = sorted(
        agreements.people_totals_by("destination__slug", *_city_names("destination")),
        key=lambda c: (-c["pledged"], c["destination__name"]),
    )
    totals = (
        sum(c["pledged"] for c in cities),
        sum(c["relocated"] for c in cities),
        sum(c["awaiting"] for c in cities),
        sum(c["count"] for c in cities),
    )
    rows = [
        {
            "label": localized_value(c, "destination__name"),
            "url": reverse("cities:detail", args=[c["destination__slug"]]),
            "pledged": c["pledged"],
            "relocated": c["relocated"],
            "awaiting": c["awaiting"],
        }
        for c in cities[:MAX_ROWS]
    ]
    shown_of = ""
    if len(cities) > MAX_ROWS:
        shown_of = _(
            "The chart shows the %(shown)s receiving cities with the largest pledges."
        ) % {"shown": len(rows)}
    chart = _progress_chart(
        "chart-pledged-city",
        _("People pledged and relocated, by receiving city"),
        _("Receiving city"),
        rows,
        totals,
        shown_of,
    )
    chart["totals"] = totals
    return chart


def transfers_over_time(agreement):
    """An agreement's transfers in date order, each bar the running total relocated.

    Only confirmed transfers add to the running total (see ``commitments.models.
    RELOCATED``); one awaiting confirmation is listed with the total unchanged.
    Reads ``agreement.transfers.all()``, so a prefetched agreement costs no query.
    """
    transfers = sorted(agreement.transfers.all(), key=lambda t: (t.date, t.pk))
    pledged = agreement.people_pledged
    rows, running, awaiting, confirmed = [], 0, 0, []
    for transfer in transfers:
        label = transfer.date_display
        if transfer.counts_as_relocated:
            running += transfer.people
            confirmed.append(transfer)
        else:
            awaiting += transfer.people
            label = _("%(date)s (awaiting confirmation)") % {"date": label}
        rows.append(
            {
                "label": label,
                "url": "",
                "value": transfer.people,
                "running": running,
                "bar": _bar(running, pledged),
                "share": percent(running, pledged),
            }
        )
    if confirmed:
        summary = ngettext(
            "By %(date)s, %(relocated)s of the %(pledged)s people pledged had been relocated "
            "(%(share)s), in %(count)s transfer.",
            "By %(date)s, %(relocated)s of the %(pledged)s people pledged had been relocated "
            "(%(share)s), in %(count)s transfers.",
            len(confirmed),
        ) % {
            "date": confirmed[-1].date_display,
            "relocated": number_format(running, force_grouping=True),
            "pledged": number_format(pledged, force_grouping=True),
            "share": percent(running, pledged),
            "count": number_format(len(confirmed)),
        }
        if awaiting:
            summary += " " + _awaiting_sentence(awaiting)
    elif rows:
        summary = _awaiting_sentence(awaiting)
    else:
        summary = _("No transfer has been recorded yet.")
    return {
        "id": f"chart-transfers-{agreement.pk}",
        "kind": "running",
        "title": _("People relocated over time"),
        "label_header": _("Date"),
        "value_header": _("People moved"),
        "running_header": _("Relocated so far"),
        "rows": rows,
        "summary": summary,
    }


def home_charts(counts=None):
    """Every chart of the home page (``counts``: the published commitments by status,
    region and theme, as ``counts_by`` gives them, read if not given)."""
    if counts is None:
        counts = counts_by(COMMITMENTS, Commitment.objects.published(), CHARTED)
    by_city = pledged_by_city()
    return [
        commitments_by_status(counts["status"]),
        commitments_by_theme(counts["theme"]),
        commitments_by_region(counts["region"]),
        pledged_by_agreement(totals=by_city["totals"]),
        by_city,
        forums_over_time(),
    ]


# The facets of the commitments list that the charts count by.
CHARTED = ("status", "region", "theme")


def selection_charts(listing_page):
    """The charts of a filtered list of commitments: its selection by status, region
    and theme, as the list's filter options count it (no query for a facet whose
    filter is not set). Each bar links to the same selection narrowed to its value,
    so a chart's link reproduces it."""
    counts = {name: selection_counts(listing_page, name) for name in CHARTED}
    found = [
        commitments_by_status(counts["status"]),
        commitments_by_region(counts["region"]),
        commitments_by_theme(counts["theme"]),
    ]
    for chart in found:
        chart["id"] = f"selection-{chart['id']}"
        for row in chart["rows"]:
            if row.get("url"):
                row["url"] = _narrowed(row["url"], listing_page.state)
    return found


def _narrowed(url, state):
    """``url`` (a list link with one parameter) with the rest of the current filters."""
    path, _sep, query = url.partition("?")
    extra = QueryDict(query)
    kept = [(key, value) for key, value in state if key not in extra]
    return f"{path}?{urlencode(kept + list(extra.items()))}"
