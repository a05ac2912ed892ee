"""The read-only JSON API: the public pages' records, filters and keys, as data.

A list a public page shows starts from that page's ``Listing``: its rows (published
commitments only, public practices only) and its FilterSet, so the same query selects
the same rows. Every count or list of commitments nested in another record starts from
``Commitment.objects.published()``. Querysets are built once, with their
related rows fetched in a fixed number of queries whatever the page holds.
"""

import math
import re

from django.db.models import F, Prefetch
from django.http import JsonResponse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics, viewsets
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse

from cities.views import CITIES
from commitments.coverage import framework_coverage
from commitments.models import Commitment, ProgressUpdate, Transfer
from commitments.views import COMMITMENTS, RELOCATIONS
from core.counts import subquery_count
from core.listing import Listing
from forums.models import (
    Clause,
    Endorsement,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    OutcomeDocument,
    Replication,
    Theme,
)
from forums.practice_views import PRACTICES
from forums.views import FORUMS, OUTCOMES

from . import serializers
from .filters import PublicFilterBackend

SLUG = r"[-a-zA-Z0-9_]+"
NUMBER = r"[0-9]+"
CODE = r"[-a-zA-Z0-9_.]+"

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "For each parameter in error, what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {
        "status": ["Select a valid choice. finished is not one of the available choices."]
    },
}


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = (
        "Rows per page: 50 unless given, 200 at most (a larger number gives 200). "
        "Anything but a whole number from 1 is answered 400."
    )
    max_page_size = 200

    def get_page_size(self, request):
        # DRF silently falls back to the default for ``page_size=null``, ``true`` or
        # ``0``, which the schema (a positive integer) says are not page sizes.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [PAGE_SIZE_ERROR]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters


PAGE_SIZE_ERROR = "A whole number from 1 to 200."


class ReadOnlyApiSchema(AutoSchema):
    """Documents the answers every operation can give besides 200."""

    def get_response_serializers(self):
        responses = {200: super().get_response_serializers()}
        action = getattr(self.view, "action", None)
        if action == "list" and getattr(self.view, "pagination_class", None):
            responses[400] = OpenApiResponse(
                VALIDATION_ERROR_SCHEMA,
                description="A filter value or the page size is not valid.",
            )
        if action in ("list", "retrieve"):
            responses[404] = OpenApiResponse(
                serializers.ErrorSerializer,
                description="No such record, or no such page of the list.",
            )
        responses[429] = OpenApiResponse(
            serializers.ThrottledSerializer,
            description="Too many requests from this address; retry after the time given.",
        )
        return responses

    def get_override_parameters(self):
        retry_after = OpenApiParameter(
            "Retry-After",
            OpenApiTypes.INT,
            OpenApiParameter.HEADER,
            description="Seconds to wait before retrying.",
            response=[429],
        )
        return [*super().get_override_parameters(), retry_after]


class ApiViewMixin:
    """Shared by every API view: its schema, and a 429 that says when to come back."""

    schema: AutoSchema | None = ReadOnlyApiSchema()

    def throttled(self, request, wait):
        raise Throttled(wait=wait, detail="Too many requests from this address.")

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, Throttled) and exc.wait is not None:
            response.data = {**response.data, "retry_after": math.ceil(exc.wait)}
        return response


class PublicViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """A list of the API and its records' addresses. A list that a public page also
    shows (``listing``) starts from that page's rows and takes its filters."""

    pagination_class = ApiPagination
    filter_backends = [PublicFilterBackend]
    listing: Listing | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.listing:
            cls.filterset_class = cls.listing.filterset_class

    def rows(self):
        """The rows of the list's public page, before its filters."""
        return self.listing.base_queryset()

    def filter_queryset(self, queryset):
        # The filters select rows of a list; a record's own address ignores them.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


@extend_schema(tags=["root"], summary="Where everything is")
class ApiRootView(ApiViewMixin, generics.GenericAPIView):
    """The API's lists, its schema and its documentation."""

    serializer_class = serializers.ApiRootSerializer
    pagination_class = None

    # The router's (prefix, viewset, basename) of each list, given by the URLconf.
    registry = ()

    def get(self, request):
        links = {
            prefix: reverse(f"api:{basename}-list", request=request)
            for prefix, _viewset, basename in self.registry
        }
        links["schema"] = reverse("api:schema", request=request)
        links["docs"] = reverse("api:docs", request=request)
        return Response(links)


@extend_schema_view(
    list=extend_schema(
        summary="Cities",
        description="Cities and regional governments, by name; the filters of /cities/.",
    ),
    retrieve=extend_schema(summary="One city", description="The city of /cities/{slug}/."),
)
class CityViewSet(PublicViewSet):
    serializer_class = serializers.CitySerializer
    listing = CITIES
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_queryset(self):
        return (
            self.rows()
            .annotate(commitments_count=Commitment.objects.published_count_per("city"))
            .prefetch_related(
                "networks",
                Prefetch(
                    "participations",
                    queryset=ForumParticipation.objects.select_related("forum").order_by(
                        "forum__start_date", "forum__edition"
                    ),
                ),
            )
            .order_by("name", "slug")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Forums", description="The annual forums, latest first; the filters of /forums/."
    ),
    retrieve=extend_schema(summary="One forum", description="The forum of /forums/{slug}/."),
)
class ForumViewSet(PublicViewSet):
    serializer_class = serializers.ForumSerializer
    listing = FORUMS
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_queryset(self):
        return (
            self.rows()
            .prefetch_related(
                Prefetch(
                    "participations",
                    queryset=ForumParticipation.objects.select_related("city").order_by(
                        "city__name", "city__slug"
                    ),
                ),
                Prefetch(
                    "partnerships",
                    queryset=ForumPartner.objects.select_related("organization").order_by(
                        "organization__name", "role"
                    ),
                ),
                Prefetch(
                    "outcome_documents",
                    queryset=OutcomeDocument.objects.order_by("adopted_on", "slug"),
                ),
            )
            .order_by("-start_date", "-edition")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Outcome documents",
        description="What the forums adopted, latest first; the filters of /outcomes/.",
    ),
    retrieve=extend_schema(
        summary="One outcome document",
        description="The document of /outcomes/{slug}/, with the published commitments under it.",
    ),
)
class OutcomeViewSet(PublicViewSet):
    listing = OUTCOMES
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.OutcomeDetailSerializer
        return serializers.OutcomeSerializer

    def get_queryset(self):
        documents = (
            self.rows()
            .annotate(commitments_count=Commitment.objects.published_count_per("outcome_document"))
            .prefetch_related(
                "themes",
                Prefetch(
                    "framework_items", queryset=FrameworkItem.objects.select_related("framework")
                ),
                Prefetch(
                    "clauses",
                    queryset=Clause.objects.annotate(
                        commitments_count=Commitment.objects.published_count_per("clauses")
                    ).order_by("position", "number"),
                ),
                Prefetch(
                    "endorsements",
                    queryset=Endorsement.objects.select_related("city").order_by(
                        F("endorsed_on").asc(nulls_last=True), "city__name", "city__slug"
                    ),
                ),
            )
            .order_by(F("adopted_on").desc(nulls_last=True), "title", "slug")
        )
        if self.action == "retrieve":
            documents = documents.prefetch_related(
                Prefetch(
                    "commitments",
                    queryset=Commitment.objects.published()
                    .select_related("city")
                    .order_by("city__name", "title", "pk"),
                    to_attr="published_commitments",
                )
            )
        return documents


@extend_schema_view(
    list=extend_schema(
        summary="Commitments",
        description=(
            "Published commitments, most recently updated first; the filters of /commitments/."
        ),
    ),
    retrieve=extend_schema(
        summary="One commitment",
        description="The commitment of /commitments/{id}/, with its progress updates.",
    ),
)
class CommitmentViewSet(PublicViewSet):
    serializer_class = serializers.CommitmentSerializer
    listing = COMMITMENTS
    lookup_value_regex = NUMBER

    def get_queryset(self):
        return (
            self.rows()
            .with_flags()
            .select_related("outcome_document")
            .prefetch_related(
                Prefetch("clauses", queryset=Clause.objects.select_related("document")),
                "themes",
                Prefetch(
                    "framework_items", queryset=FrameworkItem.objects.select_related("framework")
                ),
                Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-date", "-pk")),
            )
            .order_by("-updated_at", "-pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Relocation agreements",
        description="Agreements, latest signed first; the filters of /relocations/.",
    ),
    retrieve=extend_schema(
        summary="One relocation agreement",
        description="The agreement of /relocations/{id}/, with its transfers and totals.",
    ),
)
class RelocationViewSet(PublicViewSet):
    serializer_class = serializers.RelocationSerializer
    listing = RELOCATIONS
    lookup_value_regex = NUMBER

    def get_queryset(self):
        return (
            self.rows()
            .with_totals()
            .select_related("network", "framework_item__framework")
            .prefetch_related(
                Prefetch(
                    "transfers",
                    queryset=Transfer.objects.select_related("reported_by_city").order_by(
                        "date", "pk"
                    ),
                )
            )
            .order_by(F("signed_on").desc(nulls_last=True), "-pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Frameworks", description="International frameworks, by code."),
    retrieve=extend_schema(
        summary="One framework",
        description=(
            "The framework of /frameworks/{code}/: its items as a tree (each followed by its "
            "parts), and for each the published commitments serving it, by UN region and "
            "by status; the items none serves yet."
        ),
    ),
)
class FrameworkViewSet(PublicViewSet):
    lookup_field = "code"
    lookup_value_regex = CODE

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.FrameworkDetailSerializer
        return serializers.FrameworkSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return Framework.objects.all()
        return Framework.objects.prefetch_related(
            Prefetch(
                "items",
                queryset=FrameworkItem.objects.select_related("parent")
                .annotate(
                    commitments_count=Commitment.objects.published_count_per("framework_items")
                )
                .order_by("code"),
            )
        ).order_by("code")

    def get_object(self):
        framework = super().get_object()
        framework.coverage = framework_coverage(framework)
        return framework


@extend_schema_view(
    list=extend_schema(
        summary="Good practices",
        description=(
            "Good practices cities presented, with the cities that replicated them, by title; "
            "the filters of /practices/."
        ),
    ),
    retrieve=extend_schema(
        summary="One good practice", description="The practice of /practices/{slug}/."
    ),
)
class PracticeViewSet(PublicViewSet):
    serializer_class = serializers.PracticeSerializer
    listing = PRACTICES
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_queryset(self):
        return (
            self.rows()
            .prefetch_related(
                "themes",
                Prefetch(
                    "replications",
                    queryset=Replication.objects.select_related("city").order_by(
                        "city__name", "city__slug"
                    ),
                ),
            )
            .order_by("title", "slug")
        )


@extend_schema_view(
    list=extend_schema(summary="Themes", description="The themes, by name."),
    retrieve=extend_schema(summary="One theme", description="A theme and what uses it."),
)
class ThemeViewSet(PublicViewSet):
    serializer_class = serializers.ThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_queryset(self):
        return Theme.objects.annotate(
            commitments_count=Commitment.objects.published_count_per("themes"),
            outcomes_count=subquery_count(OutcomeDocument.objects.all(), "themes", distinct=True),
        ).order_by("name", "slug")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the site's own static files, with no inline script or style.

    The split view loads its start-up script from ``?script`` instead of inlining it,
    so the page works under the site's Content-Security-Policy.
    """

    template_name = "api/swagger_ui.html"


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
