"""One way to browse every public list: filter, facet, sort, paginate and download.

A list (cities, forums, outcome documents, commitments, relocation agreements) is
described once by a ``Listing``; ``browse(request, listing)`` binds its FilterSet to
the query string and answers with either a download or the context of the page. The
whole state lives in the URL, so any view can be linked to and shared.

- An unknown filter value, sort or format makes the page answer 400 with the form and
  the error by the field; a page past the end or not a number is a 404. A parameter
  the list does not know (``utm_source`` on a shared link) is ignored, as Datasette
  does, and left out of the page's own links.
- Facet counts: next to each option, the number of rows it would give within the
  current selection of the *other* filters. One grouped query per facet (two or
  three for a facet over either side of an agreement), never one per option.
- Counts at scale: on a large table, a large selection's counts (results, facet
  options) are read from a fixed-size sample and shown as estimates, so a page costs
  the same at ten thousand rows and at a million (``core.sampling``); small tables
  and small selections are counted exactly.
- Downloads (``?format=csv`` / ``?format=json``): every row the filters select,
  streamed in chunks with the same related data as the page, UTF-8, stable columns.
"""

import contextlib
import datetime
import queue
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby, islice
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, get_type_hints

from django import forms
from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.core.paginator import InvalidPage, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from psycopg.types.datetime import TimestamptzLoader

from core.sampling import (
    COUNTED_EXACTLY,
    EXACT,
    CountedPaginator,
    Sample,
    selection_sample,
    with_ids,
)
from core.search import clean_query, with_rank

DOWNLOAD_CHUNK_SIZE = 1000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# The sort by search rank, offered when ``q`` is given (and its default then).
RELEVANCE = "relevance"
# ``?more=city``: the City facet lists all its options, not only the top ones.
MORE = "more"


@dataclass(frozen=True)
class Sort:
    key: str
    label: Any
    ordering: tuple


@dataclass(frozen=True)
class Facet:
    """Counts for the options of one filter.

    ``key`` is the ORM path of the value the filter's parameter takes (a slug, a
    code, a choice); ``label`` the ORM path of a readable name (or a callable giving
    an expression, for a name in the reader's language), or empty to use the filter's
    choices (through ``labeller`` when the choices say no more than a code).
    ``top`` keeps the N options with the most rows (plus any selected), for facets
    over large tables. ``sides`` counts a row once for an option found on either of
    its sides (origin or destination of an agreement).
    """

    name: str
    key: str
    label: str | Callable = ""
    top: int | None = None
    sides: tuple = ()
    labeller: Callable | None = None


@dataclass(frozen=True)
class Column:
    """One column of the downloads: a stable name and what it reads from the database.

    ``read``: what the column reads from each row, as one query of plain values reads
    it: an ORM path (``"city__slug"``), the name of an annotation of the list's rows
    (``"is_overdue"``, which ``with_flags()`` adds), or a tuple of them; left empty,
    the field of the column's own name. ``convert``: a plain function of the values
    read, in that order, when they are not the column's value as they are (e.g.
    ``iso_partial_date`` of a date and its precision).

    ``many``: ``read`` is a path through a to-many relation, and the value is the list
    of the values it meets (in order, none for no related row), read with one query
    per chunk of rows from the rows that hold the relation (the through table of a
    many-to-many); ``where``, a Q on the related records the path first reaches
    (``Q(publication_state=...)`` for ``"commitments__pk"``), narrows them.

    ``url``: the name of the URL of the row's page; the value is that page's absolute
    URL, for the first value read (``reverse()`` runs once per download), followed by
    ``fragment`` formatted with the second value read, if any. ``absolute_url``: the
    value is a path on the site, given with the site's address in front.

    ``type``, ``description`` and ``example`` document it in the data dictionary
    (/data/) and in the descriptor of a data release; left empty, the dictionary
    finds them under the column's name (see ``opendata.dictionary``).
    """

    name: str
    read: str | tuple[str, ...] = ""
    convert: Callable[..., Any] | None = None
    many: bool = False
    where: Q | None = None
    url: str = ""
    fragment: str = ""
    absolute_url: bool = False
    type: str = ""
    description: Any = ""
    example: Any = None

    @property
    def paths(self) -> tuple[str, ...]:
        if not self.read:
            return (self.name,)
        return (self.read,) if isinstance(self.read, str) else tuple(self.read)


@dataclass(frozen=True)
class Listing:
    name: str
    filterset_class: type
    queryset: Callable[[], QuerySet]
    sorts: tuple
    facets: tuple
    columns: tuple
    # Annotations and related rows the shown (or downloaded) rows need.
    decorate: Callable[[QuerySet], QuerySet] = lambda qs: qs
    download_decorate: Callable[[QuerySet], QuerySet] | None = None
    per_page: int = 25
    # Yes/no filters shown as a choice in the filter form, beside the facets (e.g.
    # ``overdue``): names of the FilterSet's ``TrueFalseFilter``s.
    flags: tuple = ()


@dataclass
class Option:
    value: str
    label: Any
    count: int
    selected: bool
    url: str


@dataclass
class FacetView:
    name: str
    label: Any
    options: list
    errors: list
    input_id: str
    # For a facet that shows its top options: the link to all of them (keeping the
    # current filters), or back to the top ones.
    more_url: str = ""
    less_url: str = ""


@dataclass
class ActiveFilter:
    name: str
    label: Any
    value_label: Any
    remove_url: str


@dataclass
class ListPage:
    """What the list templates and their partials read."""

    listing: Listing
    form: forms.Form
    controls: forms.Form
    is_valid: bool
    facets: list = field(default_factory=list)
    active_filters: list = field(default_factory=list)
    sort_options: list = field(default_factory=list)
    sort: str = ""
    sort_given: bool = False
    state: list = field(default_factory=list)
    page: Any = None
    rows: list = field(default_factory=list)
    page_links: list = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""
    download_urls: dict = field(default_factory=dict)
    clear_url: str = "?"
    # How the counts were taken: exactly, or over a sample (then they are estimates).
    sample: Sample = EXACT
    # The filtered rows (every one, not the sample): what the page's charts describe.
    selection: Any = None

    @property
    def total(self):
        return self.page.paginator.count if self.page else 0

    @property
    def estimated(self):
        """Whether the counts on the page are estimates from a sample."""
        return not self.sample.exact

    @property
    def q(self):
        return self.form["q"]

    @property
    def flag_fields(self):
        return [self.form[name] for name in self.listing.flags]


@dataclass
class Browse:
    """The outcome of ``browse``: a download to return as is, or a page to render."""

    context: dict
    status: int = 200
    download: StreamingHttpResponse | None = None


class ListControlsForm(forms.Form):
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    format = forms.ChoiceField(
        label=_("Download format"),
        required=False,
        choices=[("", "")] + [(key, key.upper()) for key in FORMATS],
    )

    def __init__(self, *args, sorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [("", ""), (RELEVANCE, _("Best match"))] + [
            (s.key, s.label) for s in sorts
        ]


def browse(request, listing):
    filterset = listing.filterset_class(request.GET, queryset=listing.queryset(), request=request)
    controls = ListControlsForm(request.GET, sorts=listing.sorts)
    filterset.to_many_filters = _to_many_filters(filterset)
    # Validate both, so every error is shown at once.
    is_valid = filterset.is_valid() & controls.is_valid()
    # Links on the page carry the state without what could not be understood, so
    # that following one leads out of the error.
    data = request.GET.copy()
    known = {*filterset.form.fields, *controls.fields, "page", MORE}
    for name in [*filterset.form.errors, *controls.errors, *(k for k in data if k not in known)]:
        data.pop(name, None)
    result = ListPage(listing=listing, form=filterset.form, controls=controls, is_valid=is_valid)

    q = clean_query(filterset.form.cleaned_data.get("q"))
    sorts = (*listing.sorts, Sort(RELEVANCE, _("Best match"), listing.sorts[0].ordering))
    sort_key = controls.cleaned_data.get("sort") or (RELEVANCE if q else listing.sorts[0].key)
    sort = next((s for s in sorts if s.key == sort_key), listing.sorts[0])
    result.sort = sort.key
    result.sort_given = bool(controls.cleaned_data.get("sort"))
    result.sort_options = [(s.key, s.label) for s in sorts if q or s.key != RELEVANCE]
    result.state = [
        (key, value)
        for key, values in data.lists()
        if key not in ("page", "format", "sort")
        for value in values
    ]
    result.clear_url = _url(data, drop=list(filterset.filters))

    if is_valid and controls.cleaned_data.get("format"):
        rows = _sorted(_filtered(listing, filterset), sort, q)
        fmt = controls.cleaned_data["format"]
        return Browse(context={}, download=_download(request, listing, rows, fmt))

    selection = _filtered(listing, filterset)
    sampled = selection_sample(selection) if is_valid else COUNTED_EXACTLY
    result.sample = sampled.sample
    # The rows every count reads: the selection, or its sample (by id when few).
    if sampled.ids is not None:
        counted = with_ids(listing.queryset(), sampled.ids)
    else:
        counted = sampled.sample.rows(selection)
    more = data.get(MORE, "")
    result.facets = _facets(data, listing, filterset, counted, more=more, sample=result.sample)
    result.active_filters = _active_filters(data, filterset, result.facets)
    if not is_valid:
        return Browse(context={"listing": result}, status=400)

    # What the charts describe: the selection's rows, or those of its sample.
    result.selection = counted
    rows = _sorted(selection, sort, q)
    if result.sample.exact:
        paginator = Paginator(rows, listing.per_page)
    else:
        count = result.sample.scale(sampled.size)
        paginator = CountedPaginator(rows, listing.per_page, count=count)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(_("There is no such page.")) from None
    if paginator.count:
        # Annotations such as the date of the last progress update are computed for
        # the rows of this page only, not for every row before the sort and the limit.
        on_page = rows.values("pk")[page.start_index() - 1 : page.end_index()]
        page.object_list = list(
            _sorted(listing.decorate(listing.queryset().filter(pk__in=on_page)), sort, q)
        )
        if not page.object_list and page.number > 1:
            # Past the end of a list whose length was estimated.
            raise Http404(_("There is no such page."))
    result.page = page
    result.rows = page.object_list
    result.page_links = [
        (number, _url(data, set_={"page": number}) if isinstance(number, int) else "")
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    if page.has_previous():
        result.previous_url = _url(data, set_={"page": page.previous_page_number()})
    if page.has_next():
        result.next_url = _url(data, set_={"page": page.next_page_number()})
    result.download_urls = {fmt: _url(data, set_={"format": fmt}) for fmt in FORMATS}
    return Browse(context={"listing": result, "rows": result.rows})


def _sorted(rows, sort, q):
    if sort.key == RELEVANCE and q:
        if "search_rank" not in rows.query.annotations:
            rows = with_rank(rows, q)
        return rows.order_by("-search_rank", *sort.ordering)
    return rows.order_by(*sort.ordering)


def _to_many_filters(filterset):
    """The names of the filters that can meet a row more than once (a path through a
    to-many relation). Every filter loses django-filter's DISTINCT: ``_filtered``
    picks the rows of a to-many filter by ``pk IN (...)``, which meets each row once
    anyway, and a DISTINCT inside it would make the database list and sort every
    matching row first, however few of them the page, or the sample, needs. A filter
    that names no model path (a custom ``filter()`` method) is taken at its word:
    to-many if it asks for DISTINCT."""
    model = filterset.queryset.model
    names = set()
    for name, filter_ in filterset.filters.items():
        try:
            to_many = _crosses_to_many(model, filter_.field_name, strict=True)
        except FieldDoesNotExist:
            to_many = getattr(filter_, "distinct", False)
        filter_.distinct = False
        if to_many:
            names.add(name)
    return names


def filtered_rows(filterset):
    """The rows a bound and valid FilterSet selects, as ``filterset.qs`` would give
    them but without its ``SELECT DISTINCT`` over every column (django-filter's
    default for any multiple-choice filter): a filter through a to-many relation
    picks the rows by ``pk IN (...)`` instead, and the others need no DISTINCT. For
    the API's lists, which use the public pages' FilterSets."""
    filterset.to_many_filters = _to_many_filters(filterset)
    return _filtered(None, filterset, base=filterset.queryset)


def _filtered(listing, filterset, *, exclude=None, base=None):
    """The public rows that the filters (all, or all but ``exclude``) select.

    A filter over a to-many relation joins, so it may meet a row twice: the rows of
    those filters are picked by ``pk IN (...)``, which keeps the outer query free of
    DISTINCT and of repeated rows (so that sums and maxima annotated on it stay
    right). The other filters stay on the outer query, where the database can check
    them on the rows of an index it walks in the page's order.
    """
    base = listing.queryset() if base is None else base
    cleaned = getattr(filterset.form, "cleaned_data", {})
    to_many = filterset.to_many_filters
    outer, inner = base, None
    for name, value in cleaned.items():
        # False is a value (``?stale=false``), not the absence of one.
        if name == exclude or (not value and value is not False):
            continue
        if name in to_many:
            inner = filterset.filters[name].filter(base if inner is None else inner, value)
        else:
            outer = filterset.filters[name].filter(outer, value)
    if inner is None:
        return outer
    return outer.filter(pk__in=inner.order_by().values("pk"))


def _facets(data, listing, filterset, counted, more="", sample=EXACT):
    """The facets' options and counts. ``counted``: the rows the counts read (the
    selection, or its sample), which a facet whose own filter is not set counts as
    they are; a facet whose filter is set counts the other filters' rows instead."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    views = []
    for facet in listing.facets:
        if not cleaned.get(facet.name):
            rows = counted.order_by()
        else:
            rows = sample.rows(_filtered(listing, filterset, exclude=facet.name).order_by())
        selected = [value for value in data.getlist(facet.name) if value != ""]
        show_all = bool(facet.top) and more == facet.name
        counts, labels, has_more = _facet_counts(facet, rows, selected, show_all=show_all)
        choices = _choice_labels(filterset.filters[facet.name])
        options = []
        ordered = list(counts)
        ordered += [value for value in selected if value not in counts]
        for value in ordered:
            if facet.labeller:
                label = facet.labeller(value)
            else:
                label = labels.get(value) or choices.get(value) or value
            options.append(
                Option(
                    value=value,
                    label=label,
                    count=sample.scale(counts.get(value, 0)),
                    selected=value in selected,
                    url=_url(data, set_={facet.name: value}),
                )
            )
        if not facet.top and choices:
            # Few, fixed choices: keep their natural order (planned, in progress, ...).
            order = {value: position for position, value in enumerate(choices)}
            options.sort(key=lambda o: order.get(o.value, len(order)))
        elif _is_year(facet):
            # Years read in order, the latest first, not by how many rows each has.
            options.sort(key=lambda o: int(o.value) if o.value.isdigit() else 0, reverse=True)
        input_id = f"filter-{facet.name}"
        views.append(
            FacetView(
                name=facet.name,
                label=filterset.filters[facet.name].label,
                options=options,
                errors=form.errors.get(facet.name, []),
                input_id=input_id,
                more_url=_url(data, set_={MORE: facet.name}) + f"#{input_id}" if has_more else "",
                less_url=_url(data, drop=[MORE]) + f"#{input_id}" if show_all else "",
            )
        )
    return views


def _is_year(facet):
    return facet.key == "year" or facet.key.endswith("__year")


def _facet_counts(facet, rows, selected, show_all=False):
    """{value: count} in the order to show, {value: label}, and whether there are more
    options than the top ones shown; one grouped query. ``show_all`` lifts the top."""
    top = None if show_all else facet.top
    if facet.sides:
        counts, labels = Counter(), {}
        for side in facet.sides:
            side_counts, side_labels = _grouped(rows, f"{side}__{facet.key}", _side(facet, side))
            counts.update(side_counts)
            labels.update(side_labels)
        # A row with the same value on both sides (two cities of one country) counts once.
        first, second = (f"{side}__{facet.key}" for side in facet.sides[:2])
        same, _labels = _grouped(rows.filter(**{first: F(second)}), first, "")
        counts.subtract(same)
        ranked = sorted(
            (value for value, count in counts.items() if count > 0),
            key=lambda value: (-counts[value], str(labels.get(value, value))),
        )
        has_more = bool(top) and len(ranked) > top
        if top:
            ranked = ranked[:top] + [value for value in ranked[top:] if value in selected]
        return {value: counts[value] for value in ranked}, labels, has_more

    if not top:
        return (*_grouped(rows, facet.key, facet.label), False)
    counts, labels = _grouped(rows, facet.key, facet.label, limit=top + 1)
    has_more = len(counts) > top
    counts = dict(list(counts.items())[:top])
    missing = [value for value in selected if value not in counts]
    if missing:
        extra_counts, extra_labels = _grouped(
            rows.filter(**{f"{facet.key}__in": missing}), facet.key, facet.label
        )
        counts.update(extra_counts)
        labels.update(extra_labels)
    return counts, labels, has_more


def _side(facet, side):
    return f"{side}__{facet.label}" if facet.label else ""


def _grouped(rows, key, label, limit=None):
    values = {"facet_value": F(key)}
    if label:
        values["facet_label"] = label() if callable(label) else F(label)
    # The rows are distinct (see _filtered); only a path through a to-many relation
    # can meet a row twice. DISTINCT elsewhere would only cost a sort per group.
    count = Count("pk", distinct=_crosses_to_many(rows.model, key))
    grouped = rows.values(**values).annotate(facet_count=count)
    grouped = grouped.order_by("-facet_count", *values)
    if limit:
        # One more than needed: rows with no value (no theme...) form a group too.
        grouped = grouped[: limit + 1]
    counts, labels = {}, {}
    for group in grouped:
        if group["facet_value"] is None:
            continue
        value = str(group["facet_value"])
        counts[value] = group["facet_count"]
        if label:
            labels[value] = group["facet_label"]
    if limit:
        counts = dict(list(counts.items())[:limit])
    return counts, labels


def _crosses_to_many(model, path, strict=False):
    for position, name in enumerate(path.split("__")):
        try:
            field_ = model._meta.get_field(name)
        except FieldDoesNotExist:
            if strict and position == 0:
                raise
            return False  # a transform such as __year
        if field_.many_to_many or field_.one_to_many:
            return True
        if not field_.is_relation:
            return False
        model = field_.related_model
    return False


def _choice_labels(filter_):
    choices = filter_.extra.get("choices")
    if not choices or callable(choices):
        return {}
    return {str(value): label for value, label in choices}


def _active_filters(data, filterset, facets):
    labels = {
        (facet.name, option.value): option.label for facet in facets for option in facet.options
    }
    active = []
    given = [(key, value) for key in filterset.filters for value in data.getlist(key) if value]
    for name, value in given:
        form_field = filterset.form.fields[name]
        # A yes/no filter says "yes", not "true"; a model choice would cost a query.
        choices = dict(form_field.choices) if type(form_field) is forms.TypedChoiceField else {}
        value_label = (
            f"“{value}”" if name == "q" else labels.get((name, value), choices.get(value, value))
        )
        active.append(
            ActiveFilter(
                name=name,
                label=filterset.filters[name].label,
                value_label=value_label,
                remove_url=_url(data, remove=(name, value)),
            )
        )
    return active


def _url(data, *, set_=None, remove=None, drop=()):
    """The current query string with one change; always back to the first page."""
    query = data.copy()
    for key in ("page", "format", *drop):
        query.pop(key, None)
    if remove:
        name, value = remove
        query.setlist(name, [v for v in query.getlist(name) if v != value])
    for key, value in (set_ or {}).items():
        query.setlist(key, [str(value)])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


# Downloads ------------------------------------------------------------------------


def _download(request, listing, rows, fmt):
    decorate = listing.download_decorate or listing.decorate
    table = DownloadRows(listing, decorate(rows), base_url=request.build_absolute_uri("/")[:-1])
    stream = _csv_lines(table) if fmt == "csv" else _json_lines(table)
    response = StreamingHttpResponse(stream, content_type=FORMATS[fmt])
    filename = f"{listing.name}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The list of a row that meets no related row (shared: no one changes it).
_NONE = ()
_first = itemgetter(0)


class DownloadRows:
    """The rows of a list's download as the values of its columns, chunk by chunk: the
    one way to turn rows into cells, for the downloads and the data releases.

    Every column's values come from ONE query of plain values (``values_list``, over a
    server-side cursor where the database has one), the lists of ``many`` columns from
    one query per list and chunk, and the rows' URLs from a template that ``reverse()``
    gave once. A chunk is a list of columns (one sequence of values per column), so
    that what is done to a column (a conversion, the formula check of its CSV cells)
    is done over the whole chunk at once. Only one chunk is ever held.
    """

    def __init__(self, listing, queryset, *, base_url):
        # Prefetches (for the pages) make no sense on plain values.
        self.queryset = queryset.prefetch_related(None)
        self.model = queryset.model
        self.names = [column.name for column in listing.columns]
        self.paths = []  # what the query of values reads, each path once
        self.readers = []  # per column: (positions in the query's rows, function or None)
        self.many = []  # (position of the column, how to read its lists)
        for position, column in enumerate(listing.columns):
            if column.many:
                self.readers.append(((self._path("pk"),), None))
                self.many.append((position, _RelatedLists(self.model, column, queryset.db)))
                continue
            for path in column.paths:
                if _crosses_to_many(self.model, path):
                    raise ImproperlyConfigured(
                        f"The column {column.name!r} reads {path!r}, a to-many path: "
                        "declare it with many=True."
                    )
            function = _value_function(column, base_url)
            if function is None and len(column.paths) > 1:
                raise ImproperlyConfigured(
                    f"The column {column.name!r} reads several values: give it a convert."
                )
            self.readers.append((tuple(self._path(path) for path in column.paths), function))
        self.key = self._path("pk") if self.many else None
        annotations = self.queryset.query.annotations
        kinds = [_kind(column, self.model, annotations) for column in listing.columns]
        self.csv_formats = [_CSV_FORMATS[kind] for kind in kinds]
        self.json_formats = [_JSON_FORMATS[kind] for kind in kinds]
        # A row of JSON: its values go into their places, between the keys.
        self.json_row = (
            "{"
            + ", ".join(_json_encode(name).replace("%", "%%") + ": %s" for name in self.names)
            + "}"
        )

    def _path(self, path):
        if path not in self.paths:
            self.paths.append(path)
        return self.paths.index(path)

    def chunks(self):
        """The rows as the columns' values, in chunks of DOWNLOAD_CHUNK_SIZE rows. The
        database is read a chunk ahead, in a thread of its own (on this request's
        connection), so that it works on the next chunk while this one is written."""
        for read, lists in _read_ahead(self._read, self.queryset.db):
            columns = []
            for positions, function in self.readers:
                if function is None:
                    columns.append(read[positions[0]])
                else:
                    columns.append(list(map(function, *(read[p] for p in positions))))
            for position, values in lists:
                columns[position] = values
            yield columns

    def _read(self):
        """Each chunk as read from the database: the values of each path of the query,
        and the lists of the ``many`` columns."""
        size = DOWNLOAD_CHUNK_SIZE
        database = self.queryset.db
        # In a transaction, PostgreSQL computes the rows as they are fetched; outside
        # one, Django's cursor is WITH HOLD and every row is computed (and stored)
        # before the first is sent. (Within a transaction already, nothing to do.)
        with transaction.atomic(using=database, savepoint=False):
            rows = self.queryset.values_list(*self.paths).iterator(chunk_size=size)
            try:
                with connections[database].execute_wrapper(_timestamps_read_in_c):
                    chunk = list(islice(rows, size))  # runs the query
                while chunk:
                    read = list(zip(*chunk, strict=True))
                    lists = [(position, lists.of(read[self.key])) for position, lists in self.many]
                    yield read, lists
                    chunk = list(islice(rows, size))
            finally:
                rows.close()  # the server-side cursor, from the thread that opened it

    def records(self, columns):
        """A chunk's rows as {column: value}."""
        return map(dict, map(partial(zip, self.names), zip(*columns, strict=True)))

    def json_text(self, columns):
        """A chunk's rows as JSON objects, one a line, separated by commas: exactly as
        ``json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)`` writes each
        record, but each column's values are encoded together, and each row is one
        string formatting."""
        values = [
            to_json(column) for to_json, column in zip(self.json_formats, columns, strict=True)
        ]
        return ",\n".join(map(self.json_row.__mod__, zip(*values, strict=True)))

    def csv_header(self):
        return _csv_lines_of([_csv_quoted([name]) for name in self.names])

    def csv_text(self, columns):
        """A chunk's rows as lines of CSV, exactly as ``csv.writer`` writes the cells
        (text made safe from spreadsheets: see ``csv_safe``)."""
        return _csv_lines_of(
            [
                _csv_quoted(to_cells(values))
                for to_cells, values in zip(self.csv_formats, columns, strict=True)
            ]
        )


_DONE = object()


def _read_ahead(produce, database):
    """The items of the generator ``produce()``, made in a thread of their own while
    the caller works on the item before: the database prepares the next chunk of a
    download while Python writes this one. The thread works on the caller's
    connection (the same transaction, as if the caller read them), which nothing else
    uses meanwhile; an error there is raised here, where the item would have been."""
    connection = connections[database]
    ready = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(entry):
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def work():
        connections[database] = connection
        try:
            items = produce()
            try:
                for item in items:
                    if not hand_over((item, None)):
                        return
                hand_over((_DONE, None))
            finally:
                items.close()
        except BaseException as error:  # raised again by the caller
            hand_over((None, error))
        finally:
            del connections[database]

    connection.inc_thread_sharing()
    thread = threading.Thread(target=work, name="download reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            ready.get_nowait()  # a reader waiting to hand over an item stops
        thread.join()
        connection.dec_thread_sharing()


class _RelatedLists:
    """How a ``many`` column reads its lists for a chunk of rows: one query of (row's
    key, value) pairs, in order, from the rows that hold the relation (the through
    table of a many-to-many, the rows of a reverse foreign key), not joined to the
    list's own table. On PostgreSQL its SQL is compiled once per download and takes
    the chunk's keys as one array, written as text: adapting a thousand parameters,
    or building the query again, would cost more than reading the pairs."""

    _KEYS = "{the keys of the chunk}"

    def __init__(self, model, column, database):
        path = column.paths[0]
        name, _, rest = path.partition("__")
        relation = model._meta.get_field(name)
        if isinstance(relation, models.ManyToManyField):
            holder = relation.remote_field.through
            link, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        elif relation.many_to_many:  # the other side of a many-to-many
            holder = relation.through
            link, target = relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name()
        elif relation.one_to_many:
            holder, link, target = relation.related_model, relation.field.name, ""
        else:
            raise ImproperlyConfigured(
                f"The column {column.name!r} has many=True: {path!r} must start with a "
                "to-many relation."
            )
        prefix = f"{target}__" if target else ""
        value = prefix + (rest or "pk")
        where = _prefixed(column.where, prefix) if column.where is not None else Q()
        self.link = holder._meta.get_field(link).attname
        self.database = database
        self.pairs = (
            holder._base_manager.using(database)
            .filter(where, **{f"{value}__isnull": False})
            .order_by(self.link, value)
            .values_list(self.link, value)
        )
        self.compiler = None
        integer_keys = isinstance(model._meta.pk, models.IntegerField | models.AutoField)
        if connections[database].vendor == "postgresql" and integer_keys:
            keys = RawSQL("SELECT unnest(%s::bigint[])", (self._KEYS,))
            self.compiler = self.pairs.filter(**{f"{self.link}__in": keys}).query.get_compiler(
                database
            )
            self.sql, params = self.compiler.as_sql()
            self.params = list(params)
            self.keys_at = self.params.index(self._KEYS)
            fields = [selected[0] for selected in self.compiler.select]
            self.converted = bool(self.compiler.get_converters(fields))

    def of(self, keys):
        """The list of each of the rows ``keys`` names (in that order)."""
        if self.compiler is None:
            pairs = self.pairs.filter(**{f"{self.link}__in": keys})
        else:
            params = self.params.copy()
            params[self.keys_at] = "{" + ",".join(map(str, keys)) + "}"
            with connections[self.database].cursor() as cursor:
                cursor.execute(self.sql, params)
                pairs = cursor.fetchall()
            if self.converted:  # values that Django converts (none for text or numbers)
                pairs = self.compiler.results_iter(results=[pairs], tuple_expected=True)
        lists = {key: [value for _key, value in group] for key, group in groupby(pairs, _first)}
        return [lists.get(key, _NONE) for key in keys]


def _prefixed(condition, prefix):
    """A Q on a related record as a Q on the rows that link to it through ``prefix``."""
    children = [
        (prefix + child[0], child[1]) if isinstance(child, tuple) else _prefixed(child, prefix)
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def _value_function(column, base_url):
    """What makes the column's value of the values it reads (None: the value read)."""
    if column.url:
        return _url_function(column.url, column.fragment, base_url)
    convert = column.convert
    if column.absolute_url:
        if convert is None:
            return lambda path: base_url + path if path else path

        def absolute(*values):
            path = convert(*values)
            return base_url + path if path else path

        return absolute
    return convert


# A URL argument that every URL pattern of a row's page takes, found nowhere else in
# the URL: reverse() gives the URL with it once, each row's URL replaces it.
_URL_MARKER = "7093518246"
# Arguments put into a URL as they are: what reverse() would neither quote nor refuse.
_PLAIN_URL_ARGUMENT = re.compile(r"[-A-Za-z0-9_]+")
_NUMBER_URL_ARGUMENT = re.compile(r"[0-9]+")


def _url_function(view, fragment, base_url):
    """The absolute URL of ``view`` for an argument (and a fragment formatted with a
    second value), exactly as ``base_url + reverse(view, args=[argument])`` gives it,
    but with reverse() called once: an argument that the URL's pattern might refuse
    or quote goes through reverse() itself, in the language of the request."""
    language = translation.get_language()

    def reversed_url(argument):
        with translation.override(language):
            return base_url + reverse(view, args=[argument])

    head, _marker, tail = reversed_url(_URL_MARKER).rpartition(_URL_MARKER)
    if _URL_MARKER in head:
        plain = None
    else:
        try:
            reverse(view, args=["Az-_09"])
        except NoReverseMatch:
            plain = _NUMBER_URL_ARGUMENT
        else:
            plain = _PLAIN_URL_ARGUMENT

    def url(argument):
        if argument.__class__ is int and argument >= 0:
            if plain is not None:
                return f"{head}{argument}{tail}"
        elif plain is not None and plain.fullmatch(text := str(argument)):
            return f"{head}{text}{tail}"
        return reversed_url(argument)

    if not fragment:
        return url
    return lambda argument, value: url(argument) + fragment.format(value)


def _kind(column, model, annotations):
    """How the column's values become CSV cells, from what the column reads."""
    if column.many:
        item = _output_field(model, annotations, column.paths[0])
        if isinstance(item, models.CharField | models.TextField):
            return "list of text"
        if isinstance(item, models.IntegerField | models.AutoField):
            return "list of numbers"
        return "list"
    if column.url or (column.absolute_url and column.convert is None):
        return "text"
    if column.convert is not None:
        try:
            returned = get_type_hints(column.convert).get("return")
        except (NameError, TypeError):
            return "any"
        return "text" if returned is str or returned == (str | None) else "any"
    field_ = _output_field(model, annotations, column.paths[0])
    if isinstance(field_, models.BooleanField):
        return "bool"
    if isinstance(field_, models.DateField | models.TimeField):  # datetimes too
        return "date"
    if isinstance(field_, models.CharField | models.TextField):
        return "text"
    if isinstance(field_, models.IntegerField | models.FloatField | models.DecimalField):
        return "plain"
    return "any"


def _output_field(model, annotations, path):
    """The field of the values that ``path`` (or an annotation) reads, if known."""
    if path in annotations:
        try:
            return annotations[path].output_field
        except FieldError:
            return None
    field_ = None
    for name in path.split("__"):
        if model is None:
            return None
        try:
            field_ = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        model = field_.related_model if field_.is_relation else None
    return field_


def _csv_lines(table):
    yield table.csv_header()
    for columns in table.chunks():
        yield table.csv_text(columns)


def _json_lines(table):
    yield "["
    separator = "\n"
    for columns in table.chunks():
        yield separator + table.json_text(columns)
        separator = ",\n"
    yield "\n]\n"


# What the JSON downloads write: json.dumps(record, cls=DjangoJSONEncoder,
# ensure_ascii=False) for a record, and so these for a value.
_json_encode = DjangoJSONEncoder(ensure_ascii=False).encode
# How the JSON encoder writes text (in C).
_json_text = encode_basestring


# How a column of each kind of values becomes JSON values, the common values without
# a call to the encoder.
def _json_texts(values):
    try:
        return ["null" if value is None else _json_text(value) for value in values]
    except TypeError:  # not text after all
        return list(map(_json_encode, values))


def _json_moment(value):
    """A date or a datetime as JSON, as DjangoJSONEncoder writes it."""
    if value.__class__ is datetime.date:
        return '"' + value.isoformat() + '"'
    if value.__class__ is datetime.datetime:
        text = value.isoformat()
        if value.microsecond:
            text = text[:23] + text[26:]
        if text.endswith("+00:00"):
            text = text[:-6] + "Z"
        return '"' + text + '"'
    return _json_encode(value)


_JSON_FORMATS = {
    "plain": lambda values: [
        "null" if value is None else str(value) if value.__class__ is int else _json_encode(value)
        for value in values
    ],
    "text": _json_texts,
    "bool": lambda values: [
        "true" if value is True else "false" if value is False else _json_encode(value)
        for value in values
    ],
    "date": lambda values: ["null" if value is None else _json_moment(value) for value in values],
    # Lists of text or of numbers (from text or number fields) as the encoder writes
    # them, item by item; others through the encoder.
    "list of text": lambda values: [
        "[" + ", ".join(map(_json_text, value)) + "]" for value in values
    ],
    "list of numbers": lambda values: ["[" + ", ".join(map(str, value)) + "]" for value in values],
    "list": lambda values: list(map(_json_encode, values)),
    "any": lambda values: list(map(_json_encode, values)),
}


# Lists of values in a CSV cell (themes, framework items, ...); the imports split on it.
LIST_SEPARATOR = "; "
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A cell starts at the start of the text and, in a spreadsheet that splits lines on
# ";" (or ",", a tab, "|"), after each of those, past any spaces and quotes.
_CELL_START = r"(?:^|(?<=[,;\t|\r\n]))([ \"]*)"
# One more ' before any run of ' that is followed by a formula character, so that
# csv_unescape can take exactly that one away again.
_NEEDS_QUOTE = re.compile(_CELL_START + r"(?='*[=+\-@\t\r])")
_QUOTED = re.compile(_CELL_START + r"'(?='*[=+\-@\t\r])")
# A quick test that finds every text _NEEDS_QUOTE finds (and a few more): a formula
# character at the start, or after a separator, past any spaces and quotes. Each
# separator is looked for on its own (str's "in" is far quicker than a regular
# expression that starts with a class of characters), and only in text that holds a
# formula character at all.
_FORMULA_CHARACTERS = "=+-@\t\r"
_MAY_START_FORMULA = re.compile(r"[ \"']*[=+\-@\t\r]")
_AFTER_SEPARATOR = [
    (separator, re.compile(re.escape(separator) + r"[ \"']*[=+\-@\t\r]"))
    for separator in ",;\t|\r\n"
]


def _may_need_quote(text):
    for character in _FORMULA_CHARACTERS:
        if character in text:
            break
    else:
        return False
    if _MAY_START_FORMULA.match(text):
        return True
    return any(separator in text and after.search(text) for separator, after in _AFTER_SEPARATOR)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return csv_safe(LIST_SEPARATOR.join(str(item) for item in value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return csv_safe(value)


def _csv_text(value):
    """One CSV cell as text (what csv.writer would write of the cell, unquoted)."""
    cell = _csv_cell(value)
    return cell if isinstance(cell, str) else str(cell)


def _safe_texts(values):
    """A column of text (or None) as CSV cells: one quick test over the whole column,
    csv_safe on each cell only when some cell may need it."""
    try:
        text = "\n".join(filter(None, values))
    except TypeError:  # not text after all
        return list(map(_csv_text, values))
    if _may_need_quote(text):
        values = [csv_safe(value) for value in values]
    return ["" if value is None else value for value in values]


# How a column of each kind of values becomes CSV cells, as text.
_CSV_FORMATS = {
    "plain": lambda values: ["" if value is None else str(value) for value in values],
    "text": _safe_texts,
    "bool": lambda values: [
        "true" if value is True else "false" if value is False else _csv_text(value)
        for value in values
    ],
    "date": lambda values: [
        value.isoformat() if hasattr(value, "isoformat") else _csv_text(value) for value in values
    ],
    "list": lambda values: _safe_texts([LIST_SEPARATOR.join(map(str, value)) for value in values]),
    "any": lambda values: list(map(_csv_text, values)),
}
_CSV_FORMATS["list of text"] = _CSV_FORMATS["list of numbers"] = _CSV_FORMATS["list"]
# What makes csv.writer (the excel dialect: QUOTE_MINIMAL, "\r\n") quote a cell.
_CSV_QUOTED = ',"\r\n'
_CSV_QUOTED_CELL = re.compile('[,"\r\n]')


def _csv_quoted(cells):
    """A column of cells as csv.writer writes them: quoted where they hold a comma, a
    quote or a line break (tested once over the whole column), a quote doubled."""
    text = "".join(cells)
    if not any(character in text for character in _CSV_QUOTED):
        return cells
    return [
        '"' + cell.replace('"', '""') + '"' if _CSV_QUOTED_CELL.search(cell) else cell
        for cell in cells
    ]


def _csv_lines_of(columns):
    if len(columns) == 1:  # csv.writer quotes a line's only cell when it is empty
        columns = [[cell or '""' for cell in columns[0]]]
    return "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"


def _timestamps_read_in_c(execute, sql, params, many, context):
    """Django reads PostgreSQL timestamps with a loader written in Python (to set the
    time zone), which costs more than everything else a download does with the value:
    the download's own cursor reads them with psycopg's loader, in C, which gives the
    same instant in the same time zone, the connection's (only the tzinfo object
    differs: ZoneInfo("UTC") for datetime.UTC, which writes the same)."""
    adapters = getattr(context["cursor"].cursor, "adapters", None)  # psycopg's only
    if adapters is not None:
        adapters.register_loader("timestamptz", TimestamptzLoader)
    return execute(sql, params, many, context)


def csv_safe(value):
    """Text that a spreadsheet would run as a formula, wherever a cell could start in
    it, gets a ' there so that it stays text. The public downloads and the curators'
    export both write their cells through here; ``csv_unescape`` undoes it."""
    if isinstance(value, str) and _may_need_quote(value):
        return _NEEDS_QUOTE.sub(r"\1'", value)
    return value


def csv_unescape(value):
    """The text ``csv_safe`` was given (so a downloaded file imports unchanged)."""
    if isinstance(value, str):
        return _QUOTED.sub(r"\1", value)
    return value
