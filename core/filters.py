"""Filter building blocks shared by the public lists, their downloads and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import QueryArrayWidget

from core.search import MAX_QUERY_LENGTH, text_search

# The years a ``year`` filter accepts: anything outside is a typo, answered 400. The
# API's schema states the same bounds (api/filters.py).
FIRST_YEAR, LAST_YEAR = 1900, 2200


class YearListField(forms.Field):
    """Repeated whole years: ``?year=2014&year=2015``."""

    widget = QueryArrayWidget

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        numbers = []
        for item in value:
            try:
                numbers.append(int(item))
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    _("“%(value)s” is not a year."), code="invalid", params={"value": item}
                ) from None
            if not FIRST_YEAR <= numbers[-1] <= LAST_YEAR:
                raise forms.ValidationError(
                    _("%(value)s is not a plausible year."), code="invalid", params={"value": item}
                )
        return numbers


class YearFilter(django_filters.Filter):
    field_class = YearListField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class TrueFalseFilter(django_filters.Filter):
    """``?overdue=true`` or ``false``, the words of the downloads; anything else is an
    error (a 400), never silently ignored. ``method`` receives a bool."""

    field_class = forms.TypedChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", (("", _("either")), ("true", _("yes")), ("false", _("no"))))
        kwargs.setdefault("coerce", lambda value: value == "true")
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """The ``q`` parameter: PostgreSQL full-text search, or a substring fallback."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return text_search(qs, value)


class SlugMultipleFilter(django_filters.ModelMultipleChoiceFilter):
    """Several records named by slug (or another key): ``?city=quito&city=athens``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, v):
        # The parameter names the record by slug; the query matches the record itself.
        return {self.field_name: v}


class PublicFilterSet(django_filters.FilterSet):
    """Base of every public FilterSet: unknown values are errors, never ignored."""

    q = SearchFilter()
