"""Downloads that PostgreSQL writes: ``COPY (SELECT …) TO STDOUT``.

``DownloadRows`` (core.downloads) turns every row into cells in Python: at a million
rows that one process is the bottleneck (about 30,000 rows a second through the
server). On PostgreSQL, when every column of a list has a form in SQL, the
download's query writes each row's cells itself and PostgreSQL streams the file with
COPY; Python passes the bytes on, a block at a time, read ahead in a thread of its
own (``_read_ahead``), while PostgreSQL works on the next rows.

The bytes are exactly those of the Python writer, which stays the one definition
(and the one used on SQLite, for a list with a column that has no SQL form, and for
the data releases):

- CSV: COPY's CSV format quotes a cell as ``csv.writer`` does (a comma, a quote or a
  line break; a quote doubled); an empty cell is written as NULL, since COPY quotes
  an empty string; each row's line break becomes "\\r\\n".
- ``csv_safe``'s formula escape is the same regular expression in SQL, tried on a
  row's cells only when a quick test of all its text at once finds a formula
  character where a cell may start.
- JSON: each row is one line built in SQL (``to_json`` escapes text as
  ``json.dumps(..., ensure_ascii=False)`` does), which COPY's binary format writes as
  it is after its length.

tests/core/test_copying.py compares the two writers over random awkward text,
instants and amounts; tests/core/test_download_cells.py pins every list's bytes,
which both must give.

A column's ``convert`` has an SQL form when it is registered in ``SQL_FORMS``.
"""

import contextlib
import itertools
import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db import DatabaseError, connections, models
from django.db.models import Case, F, Func, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Upper
from django.db.models.lookups import GreaterThanOrEqual, Regex
from django.urls import NoReverseMatch, reverse
from django_countries import countries

from core import geo
from core.dates import DatePrecision, iso_partial_date
from core.downloads import (
    _PLAIN_URL_ARGUMENT,
    LIST_SEPARATOR,
    _crosses_to_many,
    _json_encode,
    _kind,
    _output_field,
    _read_ahead,
    csv_header,
    csv_safe,
    decimal_text,
    related_rows,
    url_template,
)

TEXT: "models.TextField[str, str]" = models.TextField()

# Rows of COPY joined into one block of the response.
BLOCK_BYTES = 256 * 1024

# A column's convert -> its SQL form (a function of the expressions of the values it
# reads, giving the same text, NULL for None) and the kind of that text: "text";
# "plain text", which can never start a spreadsheet formula nor holds a character
# that JSON escapes (then neither is tried on it); "numeric text" (a number's
# digits: a "-" may start it, JSON escapes nothing in it).
SQL_FORMS: dict[Callable[..., Any], tuple[Callable[..., Any], str]] = {}


def _sql(template: str, *expressions: Any) -> Func:
    """Text from a template of ``%(expressions)s`` (each expression once)."""
    return Func(*expressions, template=template, output_field=TEXT)


def _joined(*parts: Any) -> Func:
    """``a || b || …`` (NULL if any part is NULL)."""
    return Func(*parts, template="(%(expressions)s)", arg_joiner=" || ", output_field=TEXT)


def _text(expression: Any) -> Cast:
    return Cast(expression, TEXT)


# The SQL forms of the shared conversions -------------------------------------------


def _iso_partial_date_sql(date: Any, precision: Any) -> Func:
    """``iso_partial_date``: the date to the precision given (a day unless year/month)."""
    formats = _sql(
        f"CASE %(expressions)s WHEN '{DatePrecision.YEAR.value}' THEN 'YYYY' "
        f"WHEN '{DatePrecision.MONTH.value}' THEN 'YYYY-MM' ELSE 'YYYY-MM-DD' END",
        precision,
    )
    return _sql("to_char(%(expressions)s)", date, formats)


@cache  # (what django-countries knows is settled at start-up)
def _country_codes() -> str:
    """{what may be stored, upper-cased: the code ``country_code`` gives} as JSON: the
    codes themselves and the numeric codes that fit a two-character field."""
    codes = {code: code for code in countries.countries}
    for code, alternatives in countries.alt_codes.items():
        numeric = alternatives[1]
        if numeric is not None and numeric < 100 and code in countries.countries:
            codes[str(numeric)] = codes[f"{numeric:02d}"] = code
    return json.dumps(codes, sort_keys=True)


def _country_code_sql(stored: Any) -> Coalesce:
    """``geo.country_code``: the code for what is stored, or what is stored."""
    found = Func(
        Value(_country_codes()),
        Upper(stored),
        template="(%(expressions)s)",
        arg_joiner="::jsonb ->> ",
    )
    return Coalesce(found, stored, output_field=TEXT)


def _decimal_text_sql(value: Any) -> Cast:
    """``decimal_text``: numeric's text is Decimal's for up to six decimal places."""
    return _text(value)


SQL_FORMS[iso_partial_date] = (_iso_partial_date_sql, "plain text")  # digits and "-"
SQL_FORMS[decimal_text] = (_decimal_text_sql, "numeric text")
SQL_FORMS[geo.country_code] = (_country_code_sql, "text")


# What a column is in SQL -------------------------------------------------------------

# The statement: the list's query (Django's) selects each column's value as the cell
# needs it (``_v0``, ``_v1``, …); around it, a query that writes the cells of those
# values, each value read once (OFFSET 0 keeps PostgreSQL from folding the queries
# into one, which would compute a value again for each place that reads it):
#
#   SELECT <cells of s._v0, s._v1, …> FROM (
#     SELECT s.*, <does any text cell need csv_safe?> AS _g FROM (
#       <the list's query, in its order> OFFSET 0) s OFFSET 0) s
#
# A projection of a subquery keeps the subquery's order.

# csv_safe (core.downloads): the same expression, in PostgreSQL's regular expressions.
_FORMULA = r"""(?:^|(?<=[,;\t|\r\n]))([ "]*)(?='*[-=+@\t\r])"""
# Text where _FORMULA may match (and more): a formula character at the start of a cell.
# One test of every text of a row, joined by line breaks (a cell starts after each),
# spares a row with none the regular expression on each of its cells.
_MAY_NEED_QUOTE = r"""(^|[,;\t|\r\n])[ "']*[-=+@\t\r]"""


def _literal(text: str) -> str:
    """A string constant in the statement (which also takes %s parameters)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


# A cell of each kind of value, of ``{v}`` (the value) and ``{g}`` (the row's test).
# An instant as isoformat() writes it in UTC: a fraction only when there is one.
_WHOLE_SECOND = "mod(date_part('microseconds', {v} AT TIME ZONE 'UTC')::bigint, 1000000) = 0"
_ISO = """to_char({v} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS%s')"""
_CSV_CELLS = {
    "number": "({v})::text",
    "bool": "({v})::text",
    "date": "to_char({v}, 'YYYY-MM-DD')",
    "datetime": (
        f"(CASE WHEN {_WHOLE_SECOND} THEN {_ISO % ''} ELSE {_ISO % '.US'} END || '+00:00')"
    ),
    # Text that cannot start a formula (partial dates, the site's own URLs).
    "plain text": "NULLIF({v}, '')",
    "text": (
        "NULLIF(CASE WHEN {g} AND {v} ~ "
        + _literal(_MAY_NEED_QUOTE)
        + " THEN regexp_replace({v}, "
        + _literal(_FORMULA)
        + r", '\1''', 'g') ELSE {v} END, '')"
    ),
}
# A number's text may start with "-": it is tried as any text is.
_CSV_CELLS["numeric text"] = _CSV_CELLS["text"]
_FORMULA_CHECKED = ("text", "numeric text")
_JSON_CELLS = {
    "number": "COALESCE(({v})::text, 'null')",
    "bool": "COALESCE(({v})::text, 'null')",
    "date": """COALESCE('"' || to_char({v}, 'YYYY-MM-DD') || '"', 'null')""",
    # DjangoJSONEncoder: milliseconds (cut, not rounded: to_char's MS), and "Z".
    "datetime": (
        f"""COALESCE('"' || CASE WHEN {_WHOLE_SECOND} THEN {_ISO % ""} """
        f"""ELSE {_ISO % ".MS"} END || 'Z"', 'null')"""
    ),
    # Text in which JSON escapes nothing (partial dates, the site's URLs, amounts).
    "plain text": """COALESCE('"' || {v} || '"', 'null')""",
    "numeric text": """COALESCE('"' || {v} || '"', 'null')""",
    "text": "COALESCE(to_json({v})::text, 'null')",
    # The items already written as JSON, joined: a list.
    "list": "('[' || COALESCE({v}, '') || ']')",
}


class _Column:
    """A column in SQL: the value the list's query selects and how its cell is
    written (a key of _CSV_CELLS / _JSON_CELLS), for CSV and for JSON."""

    def __init__(self, value: Any, kind: str, json_value: Any = None, json_kind: str = "") -> None:
        self.csv = (value, kind)
        self.json = (value if json_value is None else json_value, json_kind or kind)


def _integer_field(field_: Any) -> bool:
    return isinstance(field_, models.IntegerField | models.AutoField)


def _text_field(field_: Any) -> bool:
    return isinstance(field_, models.CharField | models.TextField)


def _value_column(model: Any, annotations: Any, path: str, timezone_name: str) -> _Column | None:
    """A column that is a value as it is read (``_kind`` in core.downloads, in SQL)."""
    field_ = _output_field(model, annotations, path)
    value = F(path)
    if isinstance(field_, models.BooleanField):
        return _Column(value, "bool")
    if isinstance(field_, models.DateTimeField):
        # Read in Python as instants of the connection's time zone.
        return _Column(value, "datetime") if timezone_name == "UTC" else None
    if isinstance(field_, models.DateField):
        return _Column(value, "date")
    if _text_field(field_):
        return _Column(value, "text")
    if _integer_field(field_):
        return _Column(value, "number")
    return None  # floats, decimals, times, ...: their text is Python's


def _url_column(column: Any, model: Any, annotations: Any, base_url: str) -> _Column | None:
    """``url=``: the URL template with the argument, for arguments that are written in
    the URL as they are (numbers; slugs where the URL takes nothing else)."""
    template = url_template(column.url, base_url)
    if template.plain is None:
        return None
    paths = column.paths
    before = after = ""
    if column.fragment:
        before, marker, after = column.fragment.partition("{}")
        if not marker or "{" in before + after or "}" in before + after or len(paths) != 2:
            return None
    argument_field = _output_field(model, annotations, paths[0])
    argument = F(paths[0])
    if _integer_field(argument_field):
        # A negative number would go through reverse(), which refuses it: ids never are.
        plain: Any = GreaterThanOrEqual(argument, 0)
    elif _text_field(argument_field) and _only_plain_arguments(column.url):
        # Any other text would go through reverse(), which refuses it.
        plain = Regex(argument, _PLAIN_ARGUMENT)
    else:
        return None
    parts = [Value(template.head), _text(argument), Value(template.tail)]
    if column.fragment:
        fragment_field = _output_field(model, annotations, paths[1])
        if not (_integer_field(fragment_field) or _text_field(fragment_field)):
            return None
        parts += [Value(before), _text(F(paths[1])), Value(after)]
    url = Case(When(plain, then=_joined(*parts)), output_field=TEXT)
    # A cell starts after a separator: with none in the template, only at its start
    # (the argument holds none, nor spaces or quotes); JSON escapes quotes,
    # backslashes and control characters, none of which a plain argument holds.
    fixed = template.head + template.tail
    plain_text = (
        not column.fragment
        and not any(separator in fixed for separator in ",;\t|\r\n")
        and csv_safe(template.head) == template.head
        and _json_encode(fixed) == f'"{fixed}"'
    )
    return _Column(url, "plain text" if plain_text else "text")


# core.downloads' _PLAIN_URL_ARGUMENT, whole.
_PLAIN_ARGUMENT = f"^{_PLAIN_URL_ARGUMENT.pattern}$"


def _only_plain_arguments(view: str) -> bool:
    """Whether the URL refuses every argument but a plain one (a slug's)."""
    for argument in ("a.b", "a b", "a/b", "é", "a%b"):
        try:
            reverse(view, args=[argument])
        except NoReverseMatch:
            continue
        return False
    return True


def _many_column(model: Any, annotations: Any, column: Any) -> _Column | None:
    """``many=True``: the list's items joined in SQL, in the order Python reads them:
    for CSV as the cell's text, for JSON as the items written in JSON."""
    kind = _kind(column, model, annotations)
    if kind == "list of text":
        json_item = _sql("to_json(%(expressions)s)::text", F("_item"))
        csv_item: Any = F("_item")
    elif kind == "list of numbers":
        csv_item = json_item = _text(F("_item"))
    else:
        return None
    rows, link, value = related_rows(model, column)
    rows = rows.filter(**{link: OuterRef("pk")}).order_by().annotate(_item=F(value)).values(link)

    def joined(item: Any, separator: str) -> Subquery:
        aggregate = StringAgg(item, separator, order_by=F(value), output_field=TEXT)
        return Subquery(rows.annotate(_joined=aggregate).values("_joined"), output_field=TEXT)

    return _Column(joined(csv_item, LIST_SEPARATOR), "text", joined(json_item, ", "), "list")


def _column(
    column: Any, model: Any, annotations: Any, base_url: str, timezone_name: str
) -> _Column | None:
    """The column in SQL, or None if it has no SQL form (the download is then Python's)."""
    if column.many:
        return _many_column(model, annotations, column)
    for path in column.paths:
        if _crosses_to_many(model, path):
            return None
    if column.url:
        return _url_column(column, model, annotations, base_url)
    if column.absolute_url:
        return None
    if column.convert is not None:
        form = SQL_FORMS.get(column.convert)
        if form is None:
            return None
        function, kind = form
        return _Column(function(*map(F, column.paths)), kind)
    if len(column.paths) != 1:
        return None
    return _value_column(model, annotations, column.paths[0], timezone_name)


def _statement(listing: Any, queryset: Any, columns: list[_Column], fmt: str) -> tuple[str, Any]:
    """The COPY statement and its parameters."""
    chosen = [column.csv if fmt == "csv" else column.json for column in columns]
    names = [f"_v{i}" for i in range(len(chosen))]
    selected = queryset.annotate(
        **{name: value for name, (value, _) in zip(names, chosen, strict=True)}
    )
    sql, params = selected.values_list(*names).query.sql_with_params()
    query = selected.query
    fence = "" if query.low_mark or query.high_mark is not None else " OFFSET 0"
    values = [f's."{name}"' for name in names]
    if fmt == "csv":
        texts = [
            value
            for value, (_, kind) in zip(values, chosen, strict=True)
            if kind in _FORMULA_CHECKED
        ]
        test = "concat_ws(chr(10), " + ", ".join(texts) + ") ~ " + _literal(_MAY_NEED_QUOTE)
        # Our constants around Django's SQL (whose values are parameters).
        rows = f"SELECT s.*, {test if texts else 'false'} AS _g FROM ({sql}{fence}) s OFFSET 0"  # noqa: S608
        cells = [
            _CSV_CELLS[kind].format(v=value, g="s._g")
            for value, (_, kind) in zip(values, chosen, strict=True)
        ]
        options = "FORMAT csv"
        select = ", ".join(cells)
    else:
        # One JSON object a line, each followed by a comma ("{…},"): the last one's is
        # taken away at the end.
        rows = sql + fence
        parts = []
        for i, (column, value, (_, kind)) in enumerate(
            zip(listing.columns, values, chosen, strict=True)
        ):
            key = ("{" if i == 0 else ", ") + _json_encode(column.name) + ": "
            parts += [_literal(key), _JSON_CELLS[kind].format(v=value)]
        parts.append(_literal("},\n"))
        # concat() writes the line once (a chain of || copies it at each step); it
        # takes up to 100 arguments.
        while len(parts) > 1:
            parts = [f"concat({', '.join(parts[i : i + 100])})" for i in range(0, len(parts), 100)]
        select = parts[0]
        # In the binary format, COPY writes the line as it is (after its length).
        options = "FORMAT binary"
    statement = f"COPY (SELECT {select} FROM ({rows}) s) TO STDOUT WITH ({options})"  # noqa: S608
    return statement, params


def copied_download(
    listing: Any, queryset: Any, fmt: str, *, base_url: str
) -> Iterator[bytes] | None:
    """The download written by PostgreSQL, or None where it cannot be (another
    database, a column with no SQL form): then ``DownloadRows`` writes it."""
    # The database the router chose for this request (the read ahead runs in a thread
    # of its own, where the router knows nothing of the request).
    database = queryset.db
    connection = connections[database]
    if connection.vendor != "postgresql" or len(listing.columns) < 2:
        return None  # (csv.writer quotes a line's only cell when it is empty)
    queryset = queryset.prefetch_related(None)
    model = queryset.model
    annotations = queryset.query.annotations
    columns = []
    for column in listing.columns:
        sql_column = _column(column, model, annotations, base_url, connection.timezone_name)
        if sql_column is None:
            return None
        columns.append(sql_column)
    statement, params = _statement(listing, queryset, columns, fmt)
    blocks = _read_ahead(lambda: _blocks(database, statement, params, fmt), database)
    return _csv_file(listing, blocks) if fmt == "csv" else _json_file(blocks)


# COPY's binary format starts with a signature, flags and the length of an extension
# (none): before the first row, in its message.
_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_BINARY_HEADER = len(_BINARY_SIGNATURE) + 4 + 4


def _blocks(database: str, statement: str, params: Any, fmt: str) -> Iterator[bytes]:
    """The COPY's rows, a block of about BLOCK_BYTES at a time, as the file writes them."""
    connection = connections[database]
    with contextlib.ExitStack() as stack:
        cursor = stack.enter_context(connection.cursor())

        def start(sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
            with connection.wrap_database_errors:
                return stack.enter_context(context["cursor"].cursor.copy(sql, params))

        # As a query of the connection: its execute wrappers and, when queries are
        # logged (DEBUG, tests), the log.
        debug = getattr(cursor, "debug_sql", None)
        with debug(statement, params) if debug else contextlib.nullcontext():
            copy = cursor._execute_with_wrappers(statement, params, many=False, executor=start)
        rows = iter(copy)
        if fmt != "csv":
            with connection.wrap_database_errors:
                first = next(rows)
            if bytes(first[: len(_BINARY_SIGNATURE)]) != _BINARY_SIGNATURE:
                raise DatabaseError("COPY did not start as its binary format does.")
            rows = itertools.chain([first[_BINARY_HEADER:]], rows)
        while True:
            block: list[Any] = []
            size = 0
            with connection.wrap_database_errors:
                for row in rows:
                    block.append(row)
                    size += len(row)
                    if size >= BLOCK_BYTES:
                        break
            if not block:
                return
            if fmt == "csv":  # COPY ends each line with "\n", csv.writer with "\r\n"
                yield b"\r\n".join([row[:-1] for row in block]) + b"\r\n"
            else:  # each row: its number of values (1) and the value's length, then it
                # (the last message, the end's -1, has nothing past them)
                yield b"".join([row[6:] for row in block])


def _csv_file(listing: Any, blocks: Iterator[bytes]) -> Iterator[bytes]:
    yield csv_header([column.name for column in listing.columns]).encode()
    yield from blocks


def _json_file(blocks: Iterator[bytes]) -> Iterator[bytes]:
    yield b"["
    previous = b""
    for block in blocks:
        if previous:
            yield previous
        else:
            block = b"\n" + block
        previous = block
    # The last line's comma goes (as "\n]\n" closes the file).
    yield (previous[:-2] if previous else b"") + b"\n]\n"
