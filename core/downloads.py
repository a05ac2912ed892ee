"""The rows of a list's download as cells: CSV and JSON, written in Python.

``DownloadRows`` is the one definition of a download's bytes, and the one writer:
core.listing streams it, opendata.releases writes the data releases with it.
``csv_safe`` and ``csv_unescape`` keep a spreadsheet from running a cell (the public
downloads, the curators' exports and imports).
"""

import contextlib
import datetime
import queue
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from itertools import groupby, islice
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, get_type_hints

from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from psycopg.types.datetime import TimestamptzLoader

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
    server-side cursor where the database has one), the lists of ``many`` columns from
    one query per list and chunk, and the rows' URLs from a template that ``reverse()``
    gave once. A chunk is a list of columns (one sequence of values per column), so
    that what is done to a column (a conversion, the formula check of its CSV cells)
    is done over the whole chunk at once. Only one chunk is ever held.
    """

    def __init__(self, listing, queryset, *, base_url):
        # Prefetches (for the pages) make no sense on plain values.
        # Pinned to the database the router chose for this request: the rows are read
        # in a thread of their own (_read_ahead), where the router knows nothing of it.
        self.queryset = queryset.prefetch_related(None).using(queryset.db)
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
                if crosses_to_many(self.model, path):
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
        return csv_header(self.names)

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


def _read_ahead(produce: Callable[[], Iterator[Any]], database: str) -> Iterator[Any]:
    """The items of the generator ``produce()``, made in a thread of their own while
    the caller works on the item before: the database prepares the next chunk of a
    download while Python writes this one. The thread works on the caller's
    connection (the same transaction, as if the caller read them), which nothing else
    uses meanwhile; an error there is raised here, where the item would have been."""
    connection = connections[database]
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
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
        holding, self.link, value = related_rows(model, column)
        self.database = database
        self.pairs = (
            holding.using(database).order_by(self.link, value).values_list(self.link, value)
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


@dataclass(frozen=True)
class UrlTemplate:
    """The absolute URL of a view for one argument, as ``head + argument + tail``:
    what ``base_url + reverse(view, args=[argument])`` gives for an argument that
    ``plain`` matches (``plain`` None: for none)."""

    head: str
    tail: str
    plain: re.Pattern | None


def url_template(view: str, base_url: str) -> UrlTemplate:
    """``reverse(view)`` once, with a marker for its argument (in the current language)."""
    head, _marker, tail = (base_url + reverse(view, args=[_URL_MARKER])).rpartition(_URL_MARKER)
    if _URL_MARKER in head:
        return UrlTemplate(head, tail, None)
    try:
        reverse(view, args=["Az-_09"])
    except NoReverseMatch:
        return UrlTemplate(head, tail, _NUMBER_URL_ARGUMENT)
    return UrlTemplate(head, tail, _PLAIN_URL_ARGUMENT)


def _url_function(view, fragment, base_url):
    """The absolute URL of ``view`` for an argument (and a fragment formatted with a
    second value), exactly as ``base_url + reverse(view, args=[argument])`` gives it,
    but with reverse() called once: an argument that the URL's pattern might refuse
    or quote goes through reverse() itself, in the language of the request."""
    language = translation.get_language()

    def reversed_url(argument):
        with translation.override(language):
            return base_url + reverse(view, args=[argument])

    template = url_template(view, base_url)
    head, tail, plain = template.head, template.tail, template.plain

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


def decimal_text(value: Decimal | None) -> str | None:
    """A column's convert: an amount as text ("1500000.00"), as the database keeps it
    (its SQL form, core.copying, gives the same for up to six decimal places)."""
    return None if value is None else str(value)


def _kind(column: Any, model: Any, annotations: Any) -> str:
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


def _output_field(model: Any, annotations: Any, path: str) -> Any:
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


def csv_header(names: list[str]) -> str:
    """The CSV's first line: the columns' names, as csv.writer writes them."""
    return _csv_lines_of([_csv_quoted([name]) for name in names])


def csv_lines(table):
    yield table.csv_header()
    for columns in table.chunks():
        yield table.csv_text(columns)


def json_lines(table):
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


def _csv_quoted(cells: list[str]) -> list[str]:
    """A column of cells as csv.writer writes them: quoted where they hold a comma, a
    quote or a line break (tested once over the whole column), a quote doubled."""
    text = "".join(cells)
    if not any(character in text for character in _CSV_QUOTED):
        return cells
    return [
        '"' + cell.replace('"', '""') + '"' if _CSV_QUOTED_CELL.search(cell) else cell
        for cell in cells
    ]


def _csv_lines_of(columns: list[list[str]]) -> str:
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


def csv_safe(value: Any) -> Any:
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
