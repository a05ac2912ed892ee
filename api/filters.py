"""The public pages' FilterSets, used unchanged by the API, and how the schema shows them.

A bad value is answered 400 with the field errors as JSON: ``DjangoFilterBackend``
raises a ``ValidationError`` when the FilterSet is not valid.
"""

from django_filters import ModelMultipleChoiceFilter, MultipleChoiceFilter, utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from core.filters import FIRST_YEAR, LAST_YEAR, SearchFilter, TrueFalseFilter, YearFilter
from core.listing import filtered_rows
from core.search import MAX_QUERY_LENGTH

REPEAT = "Repeat the parameter for several values (any of them)."


class PublicFilterBackend(DjangoFilterBackend):
    """Filters a list with the FilterSet of its public page (``filterset_class``),
    the way the page does (``core.listing.filtered_rows``): no ``SELECT DISTINCT``
    over every column, which at 1M commitments took seconds to sort and to count."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filtered_rows(filterset)


class PublicFilterExtension(DjangoFilterExtension):
    """Says what each public filter takes, where drf-spectacular cannot guess it.

    Filters naming records (``city``, ``theme``, ``framework``, ...) take the record's
    slug or code, not its database id; ``year`` takes whole years; ``q`` words.
    """

    target_class = "api.filters.PublicFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        label = str(filter_field.label or field_name)
        if isinstance(filter_field, YearFilter):
            schema = build_array_type(
                {**build_basic_type(OpenApiTypes.INT), "minimum": FIRST_YEAR, "maximum": LAST_YEAR}
            )
            description = f"{label}, a whole year. {REPEAT}"
        elif isinstance(filter_field, ModelMultipleChoiceFilter):
            key = filter_field.extra.get("to_field_name", "pk")
            # An empty value names no record: answered 400 like an unknown one.
            schema = build_array_type({**build_basic_type(OpenApiTypes.STR), "minLength": 1})
            description = f"{label}, by {key}. {REPEAT} An unknown {key} is answered 400."
        elif isinstance(filter_field, TrueFalseFilter):
            return [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    description=f"{label}: true or false (anything else is answered 400).",
                    schema={**build_basic_type(OpenApiTypes.STR), "enum": ["true", "false"]},
                )
            ]
        elif isinstance(filter_field, SearchFilter):
            schema = {**build_basic_type(OpenApiTypes.STR), "maxLength": MAX_QUERY_LENGTH}
            description = "Words to search for; a row matches when it contains all of them."
            return [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    description=description,
                    schema=schema,
                )
            ]
        else:
            parameters = super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
            if isinstance(filter_field, MultipleChoiceFilter):
                if field_name == "country":
                    # The choices are bare codes: no point listing each one twice.
                    description = f"{label}, as an ISO 3166-1 alpha-2 code. {REPEAT}"
                else:
                    description = f"{parameters[0].get('description', label)}\n\n{REPEAT}"
                for parameter in parameters:
                    parameter["description"] = description
            return parameters
        return [
            build_parameter_type(
                name=field_name,
                location=OpenApiParameter.QUERY,
                description=description,
                schema=schema,
                explode=True,
                style="form",
            )
        ]
