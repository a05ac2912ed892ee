"""Text search shared by every list's ``q`` filter and by /search/.

Each searchable model names its text fields in ``SEARCH_FIELDS`` (most important
first). On SQLite a case-insensitive substring match over those fields stands in for
PostgreSQL's ranked full-text search.
"""

import operator
from functools import reduce

from django.db.models import Q


def text_search(queryset, q):
    q = (q or "").strip()
    if not q:
        return queryset
    fields = queryset.model.SEARCH_FIELDS
    terms = q.split()
    condition = reduce(
        operator.and_,
        (
            reduce(operator.or_, (Q(**{f"{field}__icontains": term}) for field in fields))
            for term in terms
        ),
    )
    return queryset.filter(condition)
