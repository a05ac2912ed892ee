"""Honest dates: a date known only to the month or the year is shown that way.

A partial date is stored as a real ``DateField`` holding the first day of the period
(so it sorts and filters like any date) plus a precision saying how much of it is
known. Nothing reads the day of a month-precise date.
"""

import datetime
import re
from typing import Any, overload

from django.db import models
from django.utils import formats
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def precision_field(verbose_name: Any, **options: Any) -> "models.CharField[Any, Any]":
    """How much of a partial date its source gives (day, month or year), beside the
    date it describes: one definition for every partial date of the record."""
    return models.CharField(
        verbose_name,
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        **options,
    )


_ORDER: dict[str, int] = {DatePrecision.DAY: 0, DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}


def coarser_precision(*precisions: str | None) -> str:
    """The least precise of the given precisions (None is ignored): two partial dates
    are compared at the precision both are known to."""
    known = [p for p in precisions if p]
    return max(known, key=lambda p: _ORDER[p], default=DatePrecision.DAY)


@overload
def truncate(value: datetime.date, precision: str | None) -> datetime.date: ...


@overload
def truncate(value: None, precision: str | None) -> None: ...


def truncate(value: datetime.date | None, precision: str | None) -> datetime.date | None:
    """The first day of the period a partial date names."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year, 1, 1)
    if precision == DatePrecision.MONTH:
        return datetime.date(value.year, value.month, 1)
    return value


def format_partial_date(
    value: datetime.date | None, precision: str | None = DatePrecision.DAY
) -> str:
    """ "June 2014" for a month-precise date, "2014" for a year-precise one."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def format_date_range(
    start: datetime.date | None, end: datetime.date | None, precision: str | None
) -> str:
    """A span as a person writes it: "19–20 June 2014", "30 June – 2 July 2014",
    "19–20 de junio de 2014", "19–20 juin 2014"; a single date when it is one day."""
    if start is None:
        return ""
    one = gettext("%(day)s %(month)s %(year)s")
    if precision == DatePrecision.DAY and (end is None or end == start):
        return one % {"day": start.day, "month": MONTHS[start.month], "year": start.year}
    if end is None or end == start or precision != DatePrecision.DAY:
        first = format_partial_date(start, precision)
        if end is None or format_partial_date(end, precision) == first:
            return first
        return f"{first} – {format_partial_date(end, precision)}"
    month = MONTHS
    if (start.year, start.month) == (end.year, end.month):
        return gettext("%(start_day)s–%(end_day)s %(month)s %(year)s") % {
            "start_day": start.day,
            "end_day": end.day,
            "month": month[start.month],
            "year": start.year,
        }
    if start.year == end.year:
        return gettext("%(start_day)s %(start_month)s – %(end_day)s %(end_month)s %(year)s") % {
            "start_day": start.day,
            "start_month": month[start.month],
            "end_day": end.day,
            "end_month": month[end.month],
            "year": start.year,
        }
    return " – ".join(
        one % {"day": day.day, "month": month[day.month], "year": day.year} for day in (start, end)
    )


def iso_partial_date(
    value: datetime.date | None, precision: str | None = DatePrecision.DAY
) -> str | None:
    """ISO 8601 reduced precision: 2014-06 or 2014; for downloads and the API."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


_ISO_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_iso_partial_date(
    text: str | datetime.date | None,
) -> tuple[datetime.date | None, DatePrecision]:
    """``(date, precision)`` from what ``iso_partial_date`` writes (``2014-06-19``,
    ``2014-06``, ``2014``); ``(None, DAY)`` for an empty value. Raises ``ValueError``
    with a message for a reader otherwise."""
    text = (text or "").strip() if not isinstance(text, datetime.date) else text
    if isinstance(text, datetime.datetime):
        return text.date(), DatePrecision.DAY
    if isinstance(text, datetime.date):
        return text, DatePrecision.DAY
    if not text:
        return None, DatePrecision.DAY
    match = _ISO_PARTIAL.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        year, month, day = match.groups()
        if day:
            return datetime.date(int(year), int(month), int(day)), DatePrecision.DAY
        if month:
            return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
        return datetime.date(int(year), 1, 1), DatePrecision.YEAR
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: write 2016-06-19, 2016-06 or 2016.") % {"value": text}
        ) from None
