"""Text search shared by every list's ``q`` filter and by /search/.

On PostgreSQL the searchable models carry a stored, GIN-indexed ``search_vector``
column, added and kept up to date by their ``0002_search_vector`` migrations (it is
not a model field: SQLite has no such column). ``text_search`` matches it with
``websearch_to_tsquery`` (the syntax people know from web search engines: words,
"quoted phrases", ``or``, ``-word``; it never raises a syntax error) and annotates
``search_rank``, where a title match ranks above a match in the body.

On SQLite, and for a model without a stored vector, a case-insensitive substring
match over the model's ``SEARCH_FIELDS`` (most important first) stands in, with the
same syntax and a cruder rank: 1 when the first field (the title) matches, else 0.1.

Filtering annotates but does not order, so that callers counting facets or grouping
are not surprised. The lists (``core.listing``) select their rows with
``text_search`` in a subquery and sort by ``with_rank`` ("Best match", their default
when ``q`` is given); /search/ orders its groups with ``by_relevance``.
"""

import operator
import re
import string
from functools import reduce

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Case, Expression, FloatField, Q, Value, When
from django.utils.translation import gettext_lazy as _

SEARCH_CONFIG = "english"
# The longest ``q``: of /search/, of every list (core.filters.SearchFilter) and in the
# API's schema (api/filters.py).
MAX_QUERY_LENGTH = 200

# Models whose table has the stored vector on PostgreSQL (see their migrations).
VECTOR_MODELS = frozenset(
    {
        "cities.city",
        "forums.forum",
        "forums.outcomedocument",
        "commitments.commitment",
        "commitments.relocationagreement",
    }
)

# A quoted phrase (closing quote optional), with an optional leading minus, or a word.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class StoredSearchVector(Expression):
    """The ``search_vector`` column of the queryset's own table."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        # Looked up at compile time so that the alias is right inside subqueries too.
        alias = compiler.query.get_initial_alias()
        column = connection.ops.quote_name("search_vector")
        return f"{compiler.quote_name_unless_alias(alias)}.{column}", []


def clean_query(q):
    """What is left of ``q`` to search for: NUL bytes (which PostgreSQL refuses) and
    surrounding blanks removed."""
    return (q or "").replace("\x00", "").strip()


def uses_stored_vector(queryset):
    return (
        connections[queryset.db].vendor == "postgresql"
        and queryset.model._meta.label_lower in VECTOR_MODELS
    )


def text_search(queryset, q):
    """Rows of ``queryset`` matching ``q``, annotated with ``search_rank``."""
    q = clean_query(q)
    if not q:
        return queryset
    if uses_stored_vector(queryset):
        query = _tsquery(q)
        return (
            queryset.alias(_search_vector=StoredSearchVector())
            .filter(_search_vector=query)
            .annotate(search_rank=SearchRank(StoredSearchVector(), query))
        )
    alternatives = parse_query(q)
    if not alternatives:
        # Only punctuation or blanks: like an empty tsquery, it matches nothing.
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    return queryset.filter(_substring_condition(queryset.model, alternatives)).annotate(
        search_rank=_substring_rank(queryset.model, alternatives)
    )


def with_rank(queryset, q):
    """Annotates ``search_rank`` for ``q`` without filtering: for a list that selected
    its rows with ``text_search`` inside a subquery (``pk IN (...)``) and wants to
    order the outer query by relevance."""
    q = clean_query(q)
    if not q:
        return queryset
    if uses_stored_vector(queryset):
        return queryset.annotate(search_rank=SearchRank(StoredSearchVector(), _tsquery(q)))
    return queryset.annotate(search_rank=_substring_rank(queryset.model, parse_query(q)))


def by_relevance(queryset):
    """Best match first, then the queryset's own order; unchanged when ``queryset``
    did not go through ``text_search`` with a non-empty ``q``."""
    if "search_rank" not in queryset.query.annotations:
        return queryset
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    return queryset.order_by("-search_rank", *ordering, "pk")


def parse_query(q):
    """Splits ``q`` like websearch_to_tsquery does: a list of alternatives (separated
    by ``or``), each a list of (term, wanted) pairs."""
    alternatives = [[]]
    for match in _TOKEN.finditer(q):
        minus, phrase, word = match.groups()
        if phrase is not None:
            term, wanted = " ".join(phrase.split()), not minus
        elif word.lower() == "or":
            if alternatives[-1]:
                alternatives.append([])
            continue
        else:
            wanted = not word.startswith("-")
            term = word.lstrip("-").strip(string.punctuation)
        if term:
            alternatives[-1].append((term, wanted))
    return [terms for terms in alternatives if terms]


def _tsquery(q):
    return SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")


def _anywhere(fields, term):
    return reduce(operator.or_, (Q(**{f"{field}__icontains": term}) for field in fields))


def _substring_condition(model, alternatives):
    fields = model.SEARCH_FIELDS
    return reduce(
        operator.or_,
        (
            reduce(
                operator.and_,
                (
                    _anywhere(fields, term) if wanted else ~_anywhere(fields, term)
                    for term, wanted in terms
                ),
            )
            for terms in alternatives
        ),
    )


def _substring_rank(model, alternatives):
    """1 when every wanted term of an alternative is in the title (first field), else 0.1."""
    title = model.SEARCH_FIELDS[0]
    in_title = [
        reduce(operator.and_, wanted)
        for wanted in (
            [Q(**{f"{title}__icontains": term}) for term, ok in terms if ok]
            for terms in alternatives
        )
        if wanted
    ]
    if not in_title:
        return Value(0.1, output_field=FloatField())
    return Case(
        When(reduce(operator.or_, in_title), then=Value(1.0)),
        default=Value(0.1),
        output_field=FloatField(),
    )


class SearchForm(forms.Form):
    """The /search/ form. CharField refuses NUL bytes; longer than MAX_QUERY_LENGTH is
    an error."""

    q = forms.CharField(
        label=_("Search the network"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
