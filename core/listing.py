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
- Every count is exact: one grouped query per facet over the selection.
- Downloads (``?format=csv`` / ``?format=json``): every row the filters select,
  streamed in chunks with the same related data as the page, UTF-8, stable columns.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.downloads import DownloadRows, crosses_to_many, csv_lines, json_lines
from core.i18n import TRANSLATED_LANGUAGES, localized_expression
from core.search import clean_query, with_rank

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
    code, a choice); ``label`` the ORM path of a readable name, or empty to use the
    filter's choices (through ``labeller`` when the choices say no more than a code).
    A name kept in several languages (a city's or a theme's ``name`` beside its
    ``name_es`` and ``name_fr``) is read in the reader's one.
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
    URL (``reverse()`` of the first value read), followed by ``fragment`` formatted
    with the second value read, if any. ``absolute_url``: the value is a path on the
    site, given with the site's address in front.

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
    # What the list is called wherever it is named: its feed, the data dictionary and
    # a data release.
    title: Any
    filterset_class: type
    base_queryset: Callable[[], QuerySet]
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
    # The filtered rows: what the page's charts describe, and their counts by each
    # facet whose filter is not set (``selection_counts``).
    selection: Any = None
    of_selection: dict = field(default_factory=dict)

    @property
    def total(self):
        return self.page.paginator.count if self.page else 0

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
    filterset = listing.filterset_class(
        request.GET, queryset=listing.base_queryset(), request=request
    )
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
    more = data.get(MORE, "")
    result.facets, result.of_selection = _facets(data, listing, filterset, selection, more=more)
    result.active_filters = _active_filters(data, filterset, result.facets)
    if not is_valid:
        return Browse(context={"listing": result}, status=400)

    result.selection = selection
    rows = _sorted(selection, sort, q)
    paginator = Paginator(rows, listing.per_page)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(_("There is no such page.")) from None
    if paginator.count:
        # Annotations such as the date of the last progress update are computed for
        # the rows of this page only, not for every row before the sort and the limit.
        on_page = rows.values("pk")[page.start_index() - 1 : page.end_index()]
        page.object_list = list(
            _sorted(listing.decorate(listing.base_queryset().filter(pk__in=on_page)), sort, q)
        )
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
    matching row first, however few of them the page needs. A filter
    that names no model path (a custom ``filter()`` method) is taken at its word:
    to-many if it asks for DISTINCT."""
    model = filterset.queryset.model
    names = set()
    for name, filter_ in filterset.filters.items():
        try:
            to_many = crosses_to_many(model, filter_.field_name, strict=True)
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
    base = listing.base_queryset() if base is None else base
    cleaned = getattr(filterset.form, "cleaned_data", {})
    to_many = filterset.to_many_filters
    outer, inner = base, None
    for name, value in cleaned.items():
        # False is a value (``?stale=false``), not the absence of one.
        if name == exclude or (not value and value is not False):
            continue
        links = _links(base.model, filterset.filters[name], value)
        if links is not None:
            outer = outer.filter(pk__in=links)
        elif name in to_many:
            inner = filterset.filters[name].filter(base if inner is None else inner, value)
        else:
            outer = filterset.filters[name].filter(outer, value)
    if inner is None:
        return outer
    return outer.filter(pk__in=inner.order_by().values("pk"))


def _links(model, filter_, value):
    """For a filter naming records of a many-to-many field of the row (``?theme=``):
    the ids of the rows linked to any of them, read from the link table alone
    (``pk IN`` it), not from a join of the rows to their links. None for any other
    filter."""
    if not isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
        return None
    field_ = _many_to_many(model, filter_.field_name)
    if field_ is None:
        return None
    target = f"{field_.m2m_reverse_field_name()}__in"
    links = field_.remote_field.through.objects.filter(**{target: value})
    return links.values(field_.m2m_field_name())


def _many_to_many(model, name):
    """The many-to-many field ``name`` of ``model`` when its link table is Django's
    own (each pair once, nothing else), or None."""
    try:
        field_ = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not field_.many_to_many or not field_.remote_field.through._meta.auto_created:
        return None
    return field_


def _facets(data, listing, filterset, selection, more=""):
    """The facets' options and counts, and the counts of the ``selection`` by each
    facet whose filter is not set (``{name: {value: count}}``, for the charts). A
    facet whose filter is set counts the other filters' rows instead. The facets of
    few values on the rows themselves (status, year...) that count the selection
    share one grouped query."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    model = listing.base_queryset().model
    shared = [f for f in listing.facets if not cleaned.get(f.name) and _shares_a_query(model, f)]
    counted = dict(zip((f.name for f in shared), _grouped(selection, shared), strict=True))
    # Every facet over either side of a row counts the selection in one go, the facets
    # whose filter is set too (for the charts of the selection).
    of_selection = _by_sides(selection, [f for f in listing.facets if f.sides])
    views = []
    for facet in listing.facets:
        selected = [value for value in data.getlist(facet.name) if value != ""]
        show_all = bool(facet.top) and more == facet.name
        if facet.name in counted:
            (counts, labels), has_more = counted[facet.name], False
        elif facet.name in of_selection and not cleaned.get(facet.name):
            found = of_selection[facet.name]
            counts, labels, has_more = _ranked(facet, *found, selected, show_all)
        else:
            rows = (
                selection
                if not cleaned.get(facet.name)
                else _filtered(listing, filterset, exclude=facet.name)
            )
            counts, labels, has_more = _facet_counts(
                facet, rows.order_by(), selected, show_all=show_all
            )
        if not cleaned.get(facet.name) and not has_more:
            of_selection[facet.name] = (counts, labels)
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
                    count=counts.get(value, 0),
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
    return views, of_selection


def counts_by(listing, rows, names):
    """``{name: ({value: count}, {value: label})}``: ``rows`` counted by each of the
    facets ``names`` of ``listing``, as their options count them (a joint commitment
    under each of its cities' regions, a commitment under each of its themes), most
    rows first; the labels of facets that read them (a theme's name, in the reader's
    language)."""
    facets = [facet for facet in listing.facets if facet.name in names]
    model = rows.model
    shared = [facet for facet in facets if _shares_a_query(model, facet)]
    found = dict(zip((f.name for f in shared), _grouped(rows, shared), strict=True))
    found.update(_by_sides(rows, [facet for facet in facets if facet.sides]))
    for facet in facets:
        if facet.name not in found:
            counts, labels, _more = _facet_counts(facet, rows.order_by(), [], show_all=True)
            found[facet.name] = (counts, labels)
    return found


def selection_counts(listing_page, name):
    """``({value: count}, {value: label})``: the page's selection counted by the facet
    ``name``. Read from the facet's options (no query) when its filter is not set, or
    when a row has one value of it (a status): the selection then holds the rows of
    the selected options."""
    if name not in listing_page.of_selection:
        facet = next(f for f in listing_page.listing.facets if f.name == name)
        model = listing_page.selection.model
        if facet.sides or any(crosses_to_many(model, path) for path in _paths(facet)):
            found = counts_by(listing_page.listing, listing_page.selection, [name])[name]
        else:
            view = next(v for v in listing_page.facets if v.name == name)
            chosen = [option for option in view.options if option.selected]
            found = ({o.value: o.count for o in chosen}, {o.value: o.label for o in chosen})
        listing_page.of_selection[name] = found
    return listing_page.of_selection[name]


def _paths(facet):
    return [facet.key, facet.label] if facet.label else [facet.key]


def _shares_a_query(model, facet):
    """Whether a facet is counted in the one query of the facets of few values kept on
    the rows themselves (a status, a year, the id of a row's outcome document): not a
    top list, nor either side of a row, nor a value read through a to-many relation."""
    if facet.top or facet.sides:
        return False
    fields = [_first_field(model, path) for path in _paths(facet)]
    return all(f is not None and not f.is_relation for f in fields) or bool(
        _foreign_key(model, facet)
    )


def _first_field(model, path):
    """The field of ``model`` that ``path`` starts with; None for no field of it."""
    try:
        return model._meta.get_field(path.split(LOOKUP_SEP)[0])
    except FieldDoesNotExist:
        return None


@dataclass(frozen=True)
class _Key:
    """A foreign key a facet is read through, and the facet's value and label paths
    from the key's records."""

    field: Any
    value: str
    label: str


@cache
def _foreign_key(model, facet):
    """The foreign key of the row that a facet's value and label are read through, when
    they are read through it alone and each row has at most one (an outcome document's
    slug, its forum's title): the rows are grouped by the key's column, with no join,
    and the values and labels of the few ids found are read in a query of their own.
    None for any other facet. Read from the models once, not on every request."""
    fields = {_first_field(model, path) for path in _paths(facet)}
    field_ = fields.pop() if len(fields) == 1 else None
    if field_ is None or not (field_.many_to_one or field_.one_to_one) or not field_.concrete:
        return None
    rests = [path.split(LOOKUP_SEP, 1)[1:] for path in _paths(facet)]
    if not all(rests) or any(crosses_to_many(field_.related_model, r[0]) for r in rests):
        return None
    value, *label = (r[0] for r in rests)
    return _Key(field_, value, label[0] if label else "")


def _is_year(facet):
    return facet.key == "year" or facet.key.endswith("__year")


def _facet_counts(facet, rows, selected, show_all=False):
    """{value: count} in the order to show, {value: label}, and whether there are more
    options than the top ones shown; one grouped query. ``show_all`` lifts the top."""
    top = None if show_all else facet.top
    if facet.sides:
        return _ranked(facet, *_grouped_sides(rows, [facet])[0], selected, show_all)
    if not top:
        return (*_grouped(rows, [facet])[0], False)
    counts, labels = _grouped(rows, [facet], limit=top + 1)[0]
    has_more = len(counts) > top
    counts = dict(list(counts.items())[:top])
    missing = [value for value in selected if value not in counts]
    if missing:
        extra_counts, extra_labels = _grouped(
            rows.filter(**{f"{facet.key}__in": missing}), [facet]
        )[0]
        counts.update(extra_counts)
        labels.update(extra_labels)
    return counts, labels, has_more


def _ranked(facet, counts, labels, selected, show_all):
    """A facet's options in the order to show, most rows first, its top ones unless
    ``show_all`` (with any selected), their labels and whether there are more."""
    top = None if show_all else facet.top
    ranked = sorted(counts, key=lambda value: (-counts[value], str(labels.get(value, value))))
    has_more = bool(top) and len(ranked) > top
    if top:
        ranked = ranked[:top] + [value for value in ranked[top:] if value in selected]
    return {value: counts[value] for value in ranked}, labels, has_more


def _by_sides(rows, facets):
    """``{name: ({value: count}, {value: label})}`` for ``facets`` over either side of
    a row, those over the same sides counted together (see ``_grouped_sides``)."""
    by_sides, found = {}, {}
    for facet in facets:
        by_sides.setdefault(facet.sides, []).append(facet)
    for group in by_sides.values():
        found.update(zip((f.name for f in group), _grouped_sides(rows, group), strict=True))
    return found


def _grouped_sides(rows, facets):
    """``[({value: count}, {value: label})]``, one pair per facet, for facets over the
    same sides of a row (a commitment's lead city and partner cities, an agreement's
    origin and destination): a row counts once for each value found on any of its
    sides, so that a row with the same value on two sides (two cities of one country)
    counts once. One query whatever the number of facets: the rows grouped by their
    first side (a foreign key of the row), with its record's values and labels, and
    each row's other sides (few: only joint commitments have partners)."""
    first, *others = facets[0].sides
    rows = rows.order_by()
    records = rows.model._meta.get_field(first).related_model
    paths = {}
    for position, facet in enumerate(facets):
        paths[f"value_{position}"] = (facet.key, False)
        if facet.label:
            paths[f"label_{position}"] = (facet.label, True)

    def read(model, path, is_label):
        return _label(model, path) if is_label else F(path)

    # The first side's values are read from its record once per group: joined before
    # the grouping, they would be grouped by as well.
    of_first = records._base_manager.filter(pk=OuterRef(first)).order_by()
    parts = [
        rows.values(facet_row=Value(None, output_field=IntegerField()), facet_first=F(first))
        .annotate(facet_count=Count("pk"))
        .annotate(
            **{name: Subquery(of_first.values(one=read(records, *p))) for name, p in paths.items()}
        )
    ]
    for side in others:
        with_side = rows.alias(facet_other=F(side)).filter(facet_other__isnull=False)
        on_side = {
            name: read(rows.model, f"{side}{LOOKUP_SEP}{path}", is_label)
            for name, (path, is_label) in paths.items()
        }
        parts.append(
            with_side.values(
                facet_row=F("pk"), facet_first=F(first), facet_count=Value(1), **on_side
            )
        )
    groups = list(parts[0].union(*parts[1:], all=True)) if others else list(parts[0])
    on_first, others_rows = {}, []
    for group in groups:
        if group["facet_row"] is None:
            on_first[group["facet_first"]] = group
        else:
            others_rows.append(group)
    found = []
    for position, facet in enumerate(facets):
        value_of, label_of = f"value_{position}", f"label_{position}"
        counts, labels = {}, {}
        for group in on_first.values():
            if group[value_of] is not None:
                value = str(group[value_of])
                counts[value] = counts.get(value, 0) + group["facet_count"]
                if facet.label:
                    labels[value] = group[label_of]
        # A row counts once for a value it has on another side, unless its first side
        # has it too.
        seen = set()
        for pair in others_rows:
            value = pair[value_of]
            first_values = on_first.get(pair["facet_first"])
            if value is None or (first_values and first_values[value_of] == value):
                continue
            if (pair["facet_row"], value) not in seen:
                seen.add((pair["facet_row"], value))
                value = str(value)
                counts[value] = counts.get(value, 0) + 1
                if facet.label:
                    labels[value] = pair[label_of]
        found.append((counts, labels))
    return found


def _grouped(rows, facets, limit=None):
    """``[({value: count}, {value: label})]``, one pair per facet, most rows first:
    ONE query, grouping the rows by every facet's value at once and adding the groups
    up per facet (facets of few values each; ``limit`` is for a single facet). Among
    several, a facet read through a foreign key (``_foreign_key``) groups by the key's
    column, and its ids are then read as values and labels."""
    if not facets:
        return []
    values, keys = {}, []
    for position, facet in enumerate(facets):
        # Alone, a facet joins its labels in: the same query count, and no second one.
        key = _foreign_key(rows.model, facet) if len(facets) > 1 else None
        keys.append(key)
        values[f"value_{position}"] = F(key.field.attname if key else facet.key)
        if facet.label and not key:
            values[f"label_{position}"] = _label(rows.model, facet.label)
    # Only a path through a to-many relation can meet a row twice (see _filtered), and
    # not even then when it is one many-to-many field, whose links are unique pairs.
    distinct = len(facets) == 1 and _may_repeat(rows.model, facets[0].key)
    rows = rows.order_by()
    if len(facets) == 1 and crosses_to_many(rows.model, facets[0].key):
        # Only the rows with a related record (a join from the links, not from every
        # row): the others have no value to count.
        rows = rows.filter(**{f"{facets[0].key}__isnull": False})
    grouped = rows.values(**values).annotate(facet_count=Count("pk", distinct=distinct))
    if limit:
        # One more than needed: rows with no value (no theme...) form a group too.
        grouped = grouped.order_by("-facet_count", *values)[: limit + 1]
    found = [({}, {}) for _facet in facets]
    for group in grouped:
        for position, (counts, labels) in enumerate(found):
            value = group[f"value_{position}"]
            if value is None:
                continue
            counts[value] = counts.get(value, 0) + group["facet_count"]
            if f"label_{position}" in group:
                labels[str(value)] = group[f"label_{position}"]
    result = []
    for key, (counts, labels) in zip(keys, found, strict=True):
        if key:
            counts, labels = _through_key(rows.db, key, counts)
        ranked = sorted(((str(v), n) for v, n in counts.items()), key=lambda i: (-i[1], i[0]))
        result.append((dict(ranked[:limit] if limit else ranked), labels))
    return result


def _through_key(db, key, counts):
    """``counts`` by ids of ``key``'s records, as counts by the facet's value (several
    ids may share one, as outcome documents share a forum), and the values' labels."""
    if not counts:
        return {}, {}
    read = {"value": F(key.value)}
    if key.label:
        read["label"] = _label(key.field.related_model, key.label)
    records = key.field.related_model._base_manager.using(db).filter(pk__in=list(counts))
    by_value, labels = {}, {}
    for record in records.order_by().values("pk", **read):
        if record["value"] is None:
            continue
        value = str(record["value"])
        by_value[value] = by_value.get(value, 0) + counts[record["pk"]]
        if key.label:
            labels[value] = record["label"]
    return by_value, labels


def _may_repeat(model, path):
    """Whether grouping rows by ``path`` may meet a row twice in one group: a path
    through a to-many relation, other than a single many-to-many field of the row's
    own (a link table holds each pair once)."""
    if not crosses_to_many(model, path):
        return False
    first, *rest = path.split(LOOKUP_SEP)
    field_ = _many_to_many(model, first)
    return field_ is None or crosses_to_many(field_.related_model, LOOKUP_SEP.join(rest))


def _label(model, path):
    """The expression of a facet's label: ``path``, read in the reader's language when
    the field it names is kept in several (``name`` beside ``name_es`` and ``name_fr``);
    the same query either way."""
    return localized_expression(path) if _translated(model, path) else F(path)


@cache
def field_at(model, path):
    """The model field that ``path`` from ``model`` ends at, through its relations;
    None when it names no field (an annotation). Read from the models once."""
    *relations, name = path.split(LOOKUP_SEP)
    try:
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        return model._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return None


@cache
def _translated(model, path):
    """Whether ``path`` from ``model`` names a field kept in each translated language
    (read from the models once, not on every request)."""
    field_ = field_at(model, path)
    if field_ is None:
        return False
    fields = {f.name for f in field_.model._meta.get_fields()}
    return all(f"{field_.name}_{language}" in fields for language in TRANSLATED_LANGUAGES)


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
    rows = decorate(rows)
    base_url = request.build_absolute_uri("/")[:-1]
    table = DownloadRows(listing, rows, base_url=base_url)
    stream = csv_lines(table) if fmt == "csv" else json_lines(table)
    response = StreamingHttpResponse(stream, content_type=FORMATS[fmt])
    filename = f"{listing.name}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
