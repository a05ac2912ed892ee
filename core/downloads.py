"""The rows of a list's download as cells: CSV and JSON, written in Python.

``DownloadRows`` is the one definition of a download's rows: core.listing streams
them, opendata.releases writes the data releases with them. ``csv.writer`` and
``json.dumps`` write the bytes. ``csv_safe`` and ``csv_unescape`` keep a spreadsheet
from running a cell (the public downloads, the curators' exports and imports).
"""

import csv
import io
import json
import re
from decimal import Decimal
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

DOWNLOAD_CHUNK_SIZE = 1000


def crosses_to_many(model: Any, path: str, strict: bool = False) -> bool:
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


# The list of a row that meets no related row (shared: no one changes it).
_NONE = ()
_first = itemgetter(0)


class DownloadRows:
    """The rows of a list's download as the values of its columns, chunk by chunk: the
    one way to turn rows into cells, for the downloads and the data releases.

    Every column's values come from ONE query of plain values (``values_list``, over a
    server-side cursor where the database has one), and the lists of ``many`` columns
    from one query per list and chunk. Only one chunk of rows is ever held.
    """

    def __init__(self, listing, queryset, *, base_url):
        # Prefetches (for the pages) make no sense on plain values.
        self.queryset = queryset.prefetch_related(None)
        self.names = [column.name for column in listing.columns]
        self.paths = []  # what the query of values reads, each path once
        self.readers = []  # per column: (positions in the query's rows, function or None)
        self.many = []  # (position of the column, how to read its lists)
        model = queryset.model
        for position, column in enumerate(listing.columns):
            if column.many:
                self.readers.append(((self._path("pk"),), None))
                self.many.append((position, _RelatedLists(model, column, queryset.db)))
                continue
            for path in column.paths:
                if crosses_to_many(model, path):
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
        # The rows are written as the response streams, in the request's language.
        self.language = translation.get_language()

    def _path(self, path):
        if path not in self.paths:
            self.paths.append(path)
        return self.paths.index(path)

    def chunks(self):
        """The rows as lists of their columns' values, DOWNLOAD_CHUNK_SIZE at a time."""
        size = DOWNLOAD_CHUNK_SIZE
        # In a transaction, PostgreSQL computes the rows as they are fetched; outside
        # one, Django's cursor is WITH HOLD and every row is computed (and stored)
        # before the first is sent. (Within a transaction already, nothing to do.)
        with (
            translation.override(self.language),
            transaction.atomic(using=self.queryset.db, savepoint=False),
        ):
            rows = self.queryset.values_list(*self.paths).iterator(chunk_size=size)
            try:
                while chunk := list(islice(rows, size)):
                    values = [
                        [
                            function(*(row[p] for p in positions))
                            if function
                            else row[positions[0]]
                            for positions, function in self.readers
                        ]
                        for row in chunk
                    ]
                    keys = [row[self.key] for row in chunk] if self.many else None
                    for position, related in self.many:
                        for row, items in zip(values, related.of(keys), strict=True):
                            row[position] = items
                    yield values
            finally:
                rows.close()  # the server-side cursor

    def records(self, rows):
        """A chunk's rows as {column: value}."""
        return [dict(zip(self.names, row, strict=True)) for row in rows]

    def json_text(self, rows):
        """A chunk's rows as JSON objects, one a line, separated by commas."""
        return ",\n".join(
            json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)
            for record in self.records(rows)
        )

    def csv_header(self):
        return _csv_lines([self.names])

    def csv_text(self, rows):
        """A chunk's rows as lines of CSV (text made safe from spreadsheets: see
        ``csv_safe``)."""
        return _csv_lines([[_csv_cell(value) for value in row] for row in rows])


def _csv_lines(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


class _RelatedLists:
    """How a ``many`` column reads its lists for a chunk of rows: one query of (row's
    key, value) pairs, in order, from the rows that hold the relation (the through
    table of a many-to-many, the rows of a reverse foreign key), not joined to the
    list's own table."""

    def __init__(self, model, column, database):
        holding, self.link, value = related_rows(model, column)
        self.pairs = (
            holding.using(database).order_by(self.link, value).values_list(self.link, value)
        )

    def of(self, keys):
        """The list of each of the rows ``keys`` names (in that order)."""
        pairs = self.pairs.filter(**{f"{self.link}__in": keys})
        lists = {key: [value for _key, value in group] for key, group in groupby(pairs, _first)}
        return [lists.get(key, _NONE) for key in keys]


def related_rows(model: Any, column: Any) -> tuple[Any, str, str]:
    """For a ``many`` column: the rows that hold its relation (the through table of a
    many-to-many, the rows of a reverse foreign key) that have a value, the name of
    their column that links them to the list's row, and the path of the value."""
    path = column.paths[0]
    name, _, rest = path.partition("__")
    relation = model._meta.get_field(name)
    holder: Any
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
    rows = holder._base_manager.filter(where, **{f"{value}__isnull": False})
    return rows, holder._meta.get_field(link).attname, value


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
        view, fragment = column.url, column.fragment

        def url(argument, *value):
            link = base_url + reverse(view, args=[argument])
            return link + fragment.format(*value) if fragment else link

        return url
    convert = column.convert
    if column.absolute_url:
        if convert is None:
            return lambda path: base_url + path if path else path

        def absolute(*values):
            path = convert(*values)
            return base_url + path if path else path

        return absolute
    return convert


def decimal_text(value: Decimal | None) -> str | None:
    """A column's convert: an amount as text ("1500000.00"), as the database keeps it."""
    return None if value is None else str(value)


def csv_lines(table):
    yield table.csv_header()
    for rows in table.chunks():
        yield table.csv_text(rows)


def json_lines(table):
    yield "["
    separator = "\n"
    for rows in table.chunks():
        yield separator + table.json_text(rows)
        separator = ",\n"
    yield "\n]\n"


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
# Every cell _NEEDS_QUOTE changes holds one of these (its lookahead asks for one).
_FORMULA_CHARACTER = re.compile(r"[=+\-@\t\r]")


def _csv_cell(value):
    if value.__class__ is str:
        return csv_safe(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return csv_safe(LIST_SEPARATOR.join(str(item) for item in value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return csv_safe(value)


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, wherever a cell could start in
    it, gets a ' there so that it stays text. The public downloads and the curators'
    export both write their cells through here; ``csv_unescape`` undoes it."""
    if isinstance(value, str) and _FORMULA_CHARACTER.search(value):
        return _NEEDS_QUOTE.sub(r"\1'", value)
    return value


def csv_unescape(value):
    """The text ``csv_safe`` was given (so a downloaded file imports unchanged)."""
    if isinstance(value, str):
        return _QUOTED.sub(r"\1", value)
    return value
