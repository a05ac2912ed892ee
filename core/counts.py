"""Counts of related rows as correlated subqueries, shared by the lists that sort,
filter and facet on them (framework items, good practices).

A subquery, not a join: a list's filters join other rows (themes, cities), which would
multiply a joined count.
"""

from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce


def subquery_count(
    rows: QuerySet[Any], outer_field: str, counted: str = "pk", distinct: bool = False
) -> Coalesce:
    """How many of ``rows`` have ``outer_field`` equal to the outer row (0 for none)."""
    counted_rows = (
        rows.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count(counted, distinct=distinct))
        .values("n")
    )
    return Coalesce(Subquery(counted_rows, output_field=IntegerField()), 0)


def yes_if_positive(count_name: str) -> Case:
    """ "yes" or "no", the value of the yes/no filters and facets, from a count."""
    return Case(
        When(**{f"{count_name}__gt": 0}, then=Value("yes")),
        default=Value("no"),
        output_field=CharField(),
    )
