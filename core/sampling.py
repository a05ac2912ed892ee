"""Counts that cost the same at ten thousand rows and at a million: exact while a
table is small or a selection is, estimated from a fixed-size sample of the rows
once both are large, and then marked as estimates wherever they are shown.

The sample is systematic and deterministic: a row is in bucket
``(id * MULTIPLIER) % MODULUS`` (a prime modulus, so that ids given out in order
spread over every bucket, and a pattern in how rows were entered does not line up
with the buckets). Taking the buckets below ``n`` takes about ``n / MODULUS`` of the
rows, and an index on that expression (with the columns the counts group by) reads
only those. A model takes part by declaring ``SAMPLE_INDEX = True`` and having that
index (commitments' migration 0009); any other model is always counted exactly.

On PostgreSQL only, where the index is; SQLite always counts exactly.

- ``EXACT_COUNTS_UP_TO`` (setting): a table of at most this many rows is counted
  exactly, whatever the selection.
- ``SAMPLE_ROWS`` (setting): about how many rows the sample of a larger table holds,
  hence the cost of every estimated count.
- ``MIN_SAMPLED_ROWS`` (setting): a selection with fewer rows than this in the sample
  is small, and counted exactly (its filters are selective, so that is cheap).
"""

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BigIntegerField, F, Field, Lookup, Max, Model, QuerySet
from django.db.models.functions import Mod

MODULUS = 1009
MULTIPLIER = 7919


def bucket() -> Mod:
    """A row's sample bucket: the expression the sample index is built on."""
    # An integer, as in the index (Mod would otherwise call its result a float, and the
    # comparison with it would not match the index's expression).
    return Mod(F("pk") * MULTIPLIER, MODULUS, output_field=BigIntegerField())


@dataclass(frozen=True)
class Sample:
    """The rows to count: all of them (``exact``), or the buckets below ``buckets``."""

    buckets: int = MODULUS

    @property
    def exact(self) -> bool:
        return self.buckets >= MODULUS

    def rows(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``queryset`` narrowed to the sample (unchanged when counting exactly)."""
        if self.exact:
            return queryset
        narrowed: QuerySet[Any] = queryset.alias(sample_bucket=bucket())
        return narrowed.filter(sample_bucket__lt=self.buckets)

    def scale(self, count: int) -> int:
        """The count of the whole selection that ``count`` rows of the sample stand for,
        rounded to what a sample can tell (two significant digits)."""
        if self.exact:
            return count
        return rounded(count * MODULUS / self.buckets)


EXACT = Sample()


def rounded(value: float) -> int:
    """``value`` to two significant digits (below 100, to the unit)."""
    if value < 100:
        return round(value)
    drop = len(str(int(value))) - 2
    return int(round(value, -drop))


def sample_for(model: type[Model]) -> Sample:
    """How to count rows of ``model``: exactly, or over a sample of about
    ``SAMPLE_ROWS`` rows when the table is larger than ``EXACT_COUNTS_UP_TO``. One
    query (the largest id, read from the primary key's index: an upper bound of the
    rows, which is all the choice needs)."""
    if not getattr(model, "SAMPLE_INDEX", False) or connection.vendor != "postgresql":
        # Only PostgreSQL has the sample's index (SQLite, for small sites, counts
        # exactly: without the index a sample would cost a full scan all the same).
        return EXACT
    size = model._default_manager.aggregate(largest=Max("pk"))["largest"] or 0
    if size <= settings.EXACT_COUNTS_UP_TO:
        return EXACT
    buckets = math.ceil(MODULUS * settings.SAMPLE_ROWS / size)
    return Sample(min(MODULUS, max(1, buckets)))


@Field.register_lookup
class AnyOf(Lookup):  # type: ignore[type-arg]
    """``pk__any_of=[...]``: the row's value is one of a list, sent to PostgreSQL as one
    array parameter (``= ANY(%s)``), not one parameter per value, which costs time to
    write and parse when the list holds a thousand ids."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def with_ids(queryset: QuerySet[Any], ids: list[Any]) -> QuerySet[Any]:
    """The rows of ``queryset`` whose primary key is in ``ids``."""
    return queryset.filter(pk__any_of=ids)


@dataclass(frozen=True)
class SampledSelection:
    """How to count a selection: ``sample`` (``EXACT``, or a sample), how many of the
    selection's rows the sample holds (``size``), and, when they are few, their ids
    (``ids``): counts over them then read those rows only, not the filters again."""

    sample: Sample
    size: int | None = None
    ids: list[Any] | None = None


COUNTED_EXACTLY = SampledSelection(EXACT)

# A sample of a selection holding at most this many rows is read as a list of ids.
LISTED_IDS = 2_000


def selection_sample(selection: QuerySet[Any]) -> SampledSelection:
    """How to count ``selection``. A selection too small for a
    sample to tell its size is counted exactly. One query besides ``sample_for``'s
    when the table is large (two when the sample of the selection is large too)."""
    sample = sample_for(selection.model)
    if sample.exact:
        return COUNTED_EXACTLY
    in_sample = sample.rows(selection.order_by())
    ids = list(in_sample.values_list("pk", flat=True)[: LISTED_IDS + 1])
    if len(ids) < settings.MIN_SAMPLED_ROWS:
        return COUNTED_EXACTLY
    if len(ids) <= LISTED_IDS:
        return SampledSelection(sample, len(ids), ids)
    return SampledSelection(sample, in_sample.count())


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count (an estimate) instead of counting every row."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.given_count = count

    @property
    def count(self) -> int:
        return self.given_count
