"""What the API says about each record: stable, documented field names.

Only what the public pages show. Commitments are the published ones (the views start
from ``Commitment.objects.published()``, and every count of commitments below is an
annotation over published ones only). No user of the site is ever named: who
reported, verified or confirmed something is left out, only whether it was.
"""

import re
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cities.models import City, Network, Organization
from commitments import models as meanings
from commitments.coverage import REGIONS, STATUSES
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from core.dates import iso_partial_date
from forums.models import (
    Clause,
    Endorsement,
    Forum,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    GoodPractice,
    OutcomeDocument,
    Replication,
    Theme,
)

PARTIAL_DATE_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "example": "2014-06",
}


@extend_schema_field(PARTIAL_DATE_SCHEMA)
class PartialDateField(serializers.Field):
    """A date known to the day, the month or only the year.

    Written as ISO 8601 at the precision the source gives (``2014-06-19``, ``2014-06``
    or ``2014``); the precision is also given in its own field.
    """

    def __init__(self, date_field, precision_field, **kwargs):
        self.date_field = date_field
        self.precision_field = precision_field
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault(
            "help_text",
            f"ISO 8601 date at the precision the source gives (day 2014-06-19, month "
            f"2014-06 or year 2014), which `{precision_field}` names.",
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return iso_partial_date(
            getattr(value, self.date_field), getattr(value, self.precision_field)
        )


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The address of the record's public page on the site."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The record's page on the site (HTML).")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class FilteredListUrlField(serializers.Field):
    """A link to an API list filtered to this record, e.g. a city's commitments."""

    def __init__(self, list_view, parameter, key="slug", **kwargs):
        self.list_view = list_view
        self.parameter = parameter
        self.key = key
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        query = urlencode({self.parameter: getattr(value, self.key)})
        return self.context["request"].build_absolute_uri(f"{reverse(self.list_view)}?{query}")


class UriField(serializers.URLField):
    """A link as a URI (RFC 3986), as the schema's ``format: uri`` says.

    The forms accept what Django's URL validator accepts, which includes characters a
    URI may not hold (``"``, ``<``, spaces in the path, non-ASCII letters); they are
    percent-encoded here, which names the same resource.
    """

    def to_representation(self, value):
        return as_uri(value) if value else value


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SUB_DELIMS = "!$&'()*+,;="


def as_uri(value):
    """``value`` with every character a URI may not hold where it stands percent-encoded."""
    value = _LONE_PERCENT.sub("%25", value)
    parts = urlsplit(value)
    try:
        host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
        netloc = parts.netloc.replace(parts.hostname, host) if host else parts.netloc
    except (UnicodeError, ValueError):
        netloc = parts.netloc
    netloc = quote(netloc, safe=f"%:@[]{_SUB_DELIMS}-._~")
    pchar = f"%:@{_SUB_DELIMS}-._~"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=f"/{pchar}"),
            quote(parts.query, safe=f"/?{pchar}"),
            quote(parts.fragment, safe=f"/?{pchar}"),
        )
    )


class RecordSerializer(serializers.ModelSerializer):
    # Every field is read-only (this API only reads), so the schema marks each one as
    # always present. (A comment, not a docstring: the schema would repeat a docstring.)
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: UriField,
    }

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


def api_url(view_name, lookup_field="slug", **kwargs):
    kwargs.setdefault("help_text", "This record in the API.")
    return serializers.HyperlinkedIdentityField(
        view_name=view_name, lookup_field=lookup_field, **kwargs
    )


def published_count_field(what):
    return serializers.IntegerField(
        read_only=True, help_text=f"Number of published commitments {what}."
    )


# Short forms, used where one record links to another.


class CityLinkSerializer(RecordSerializer):
    url = api_url("api:city-detail")

    class Meta:
        model = City
        fields = ["slug", "name", "country", "url"]


class ForumLinkSerializer(RecordSerializer):
    url = api_url("api:forum-detail")

    class Meta:
        model = Forum
        fields = ["slug", "edition", "year", "title", "url"]


class OutcomeLinkSerializer(RecordSerializer):
    url = api_url("api:outcome-detail")

    class Meta:
        model = OutcomeDocument
        fields = ["slug", "title", "kind", "url"]


class ThemeLinkSerializer(RecordSerializer):
    url = api_url("api:theme-detail")

    class Meta:
        model = Theme
        fields = ["slug", "name", "url"]


class FrameworkItemLinkSerializer(RecordSerializer):
    framework: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Code of the framework, e.g. SDG."
    )
    framework_url: serializers.HyperlinkedRelatedField[Any] = serializers.HyperlinkedRelatedField(
        source="framework",
        view_name="api:framework-detail",
        lookup_field="code",
        read_only=True,
        help_text="The framework in the API.",
    )

    class Meta:
        model = FrameworkItem
        fields = ["code", "title", "framework", "framework_url"]


class NetworkSerializer(RecordSerializer):
    class Meta:
        model = Network
        fields = ["slug", "name"]


class CommitmentLinkSerializer(RecordSerializer):
    url = api_url("api:commitment-detail", lookup_field="pk")
    city: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="Slug of the committing city."
    )

    class Meta:
        model = Commitment
        fields = ["id", "title", "city", "status", "url"]


# Cities


class CityForumSerializer(RecordSerializer):
    forum = ForumLinkSerializer(read_only=True)

    class Meta:
        model = ForumParticipation
        fields = ["forum", "role"]


class CitySerializer(RecordSerializer):
    url = api_url("api:city-detail")
    page_url = PageUrlField()
    country_name = serializers.CharField(read_only=True, help_text="Name of the country.")
    latitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="Latitude in decimal degrees (WGS 84).",
    )
    longitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="Longitude in decimal degrees (WGS 84).",
    )
    networks = NetworkSerializer(many=True, read_only=True)
    forums = CityForumSerializer(
        source="participations",
        many=True,
        read_only=True,
        help_text="Forums the city took part in, with its role.",
    )
    commitments_count = published_count_field("by this city")
    commitments_url = FilteredListUrlField(
        "api:commitment-list", "city", help_text="This city's published commitments."
    )
    relocations_url = FilteredListUrlField(
        "api:relocation-list",
        "city",
        help_text="Relocation agreements with this city on either side.",
    )

    class Meta:
        model = City
        fields = [
            "url", "page_url", "slug", "name", "kind", "country", "country_name", "region",
            "subregion", "population", "latitude", "longitude", "website", "leader_name",
            "leader_title", "profile", "networks", "forums", "commitments_count",
            "commitments_url", "relocations_url", "source_url", "source_citation",
            "updated_at",
        ]  # fmt: skip
        extra_kwargs = {"population": {"help_text": "Number of inhabitants, if known."}}


# Forums


class ParticipantSerializer(RecordSerializer):
    city = CityLinkSerializer(read_only=True)

    class Meta:
        model = ForumParticipation
        fields = ["city", "role"]


class PartnerSerializer(RecordSerializer):
    slug = serializers.SlugField(source="organization.slug", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    kind = serializers.ChoiceField(
        source="organization.kind", choices=Organization.Kind.choices, read_only=True
    )
    website = UriField(source="organization.website", read_only=True, allow_blank=True)

    class Meta:
        model = ForumPartner
        fields = ["slug", "name", "kind", "website", "role"]


class ForumSerializer(RecordSerializer):
    url = api_url("api:forum-detail")
    page_url = PageUrlField()
    host_city = CityLinkSerializer(read_only=True, help_text="The city that hosted it.")
    start_date = PartialDateField("start_date", "date_precision", allow_null=False)
    end_date = PartialDateField(
        "end_date", "date_precision", help_text="Last day, at the same precision; may be null."
    )
    participants = ParticipantSerializer(
        source="participations",
        many=True,
        read_only=True,
        help_text="Cities that took part, with their role.",
    )
    partners = PartnerSerializer(
        source="partnerships", many=True, read_only=True, help_text="Partner organizations."
    )
    outcome_documents = OutcomeLinkSerializer(
        many=True, read_only=True, help_text="What the forum adopted."
    )

    class Meta:
        model = Forum
        fields = [
            "url", "page_url", "slug", "edition", "year", "title", "theme", "host_city",
            "start_date", "end_date", "date_precision", "summary", "participants",
            "partners", "outcome_documents", "source_url", "source_citation", "updated_at",
        ]  # fmt: skip


# Outcome documents


class ClauseSerializer(RecordSerializer):
    commitments_count = published_count_field("answering this clause")

    class Meta:
        model = Clause
        fields = ["number", "position", "text", "commitments_count"]


class EndorsementSerializer(RecordSerializer):
    city = CityLinkSerializer(read_only=True)
    endorsed_on = PartialDateField("endorsed_on", "endorsed_precision")

    class Meta:
        model = Endorsement
        fields = ["city", "endorsed_on", "endorsed_precision", "source_url"]


class OutcomeSerializer(RecordSerializer):
    url = api_url("api:outcome-detail")
    page_url = PageUrlField()
    forum = ForumLinkSerializer(read_only=True, allow_null=True)
    adopted_on = PartialDateField("adopted_on", "adopted_precision")
    pdf_url = serializers.SerializerMethodField(
        help_text="The document as a PDF, if the site has it."
    )
    themes = ThemeLinkSerializer(many=True, read_only=True)
    framework_items = FrameworkItemLinkSerializer(many=True, read_only=True)
    clauses = ClauseSerializer(
        many=True, read_only=True, help_text="Its numbered clauses, in order."
    )
    endorsements = EndorsementSerializer(
        many=True, read_only=True, help_text="Cities that endorsed it, with the date."
    )
    commitments_count = published_count_field("under this document")
    commitments_url = FilteredListUrlField(
        "api:commitment-list", "outcome", help_text="Published commitments under this document."
    )

    class Meta:
        model = OutcomeDocument
        fields = [
            "url", "page_url", "slug", "title", "kind", "forum", "adopted_on",
            "adopted_precision", "summary", "full_text", "pdf_url", "language", "themes",
            "framework_items", "clauses", "endorsements", "commitments_count",
            "commitments_url", "source_url", "source_citation", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {"full_text": {"help_text": "The full text, in Markdown."}}

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_url(self, document):
        if not document.pdf:
            return None
        return self.context["request"].build_absolute_uri(document.pdf.url)


class OutcomeDetailSerializer(OutcomeSerializer):
    commitments = CommitmentLinkSerializer(
        source="published_commitments",
        many=True,
        read_only=True,
        help_text="The published commitments under this document.",
    )

    class Meta(OutcomeSerializer.Meta):
        fields = [*OutcomeSerializer.Meta.fields, "commitments"]


# Commitments


class ProgressUpdateSerializer(RecordSerializer):
    self_reported = serializers.BooleanField(
        source="reported_by_city",
        read_only=True,
        help_text="Reported by the city itself (false: entered by the forum secretariat).",
    )
    verified = serializers.BooleanField(
        read_only=True, help_text="Checked by the forum secretariat."
    )
    date = PartialDateField("date", "date_precision", allow_null=False)

    class Meta:
        model = ProgressUpdate
        fields = [
            "date",
            "text",
            "percent",
            "evidence_url",
            "self_reported",
            "verified",
            "verified_at",
            "evidence_file",
            "date_precision",
        ]
        extra_kwargs = {
            "text": {"help_text": "What happened (Markdown)."},
            "evidence_file": {"help_text": "Link to a PDF that shows it, if any (else null)."},
        }


class ClauseRefSerializer(RecordSerializer):
    outcome: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="document", slug_field="slug", read_only=True, help_text="Slug of the document."
    )

    class Meta:
        model = Clause
        fields = ["outcome", "number"]


class CommitmentSerializer(RecordSerializer):
    url = api_url("api:commitment-detail", lookup_field="pk")
    page_url = PageUrlField()
    city = CityLinkSerializer(read_only=True)
    outcome_document = OutcomeLinkSerializer(
        read_only=True, allow_null=True, help_text="The outcome document it answers, if any."
    )
    clauses = ClauseRefSerializer(
        many=True, read_only=True, help_text="Clauses of the outcome document it answers."
    )
    themes = ThemeLinkSerializer(many=True, read_only=True)
    framework_items = FrameworkItemLinkSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField(help_text=meanings.OVERDUE_MEANING)
    stale = serializers.SerializerMethodField(help_text=meanings.STALE_MEANING)
    last_update_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=meanings.LAST_UPDATE_MEANING
    )
    updates = ProgressUpdateSerializer(
        many=True, read_only=True, help_text="Progress updates, latest first."
    )
    start_date = PartialDateField("start_date", "start_precision")
    target_date = PartialDateField("target_date", "target_precision")

    class Meta:
        model = Commitment
        fields = [
            "url", "page_url", "id", "title", "description", "city", "outcome_document",
            "clauses", "themes", "framework_items", "status", "start_date", "target_date",
            "progress", "overdue", "stale", "last_update_on", "resources_needed",
            "resources_secured", "currency", "resources_note", "updates", "published_at",
            "updated_at", "source_url", "source_citation", "start_precision",
            "target_precision",
        ]  # fmt: skip
        extra_kwargs = {
            "description": {"help_text": "What the city commits to (Markdown)."},
            "resources_needed": {"help_text": "Amount needed, as a decimal string."},
            "resources_secured": {"help_text": "Amount secured, as a decimal string."},
        }

    # SQL says NULL for "no target date" or "no update yet"; the API says false.
    def get_overdue(self, commitment) -> bool:
        return bool(commitment.overdue)

    def get_stale(self, commitment) -> bool:
        return bool(commitment.is_stale)


# Relocation agreements


class TransferSerializer(RecordSerializer):
    reported_by_city = CityLinkSerializer(
        read_only=True, allow_null=True, help_text="The city that reported it (null: curator)."
    )
    confirmed = serializers.SerializerMethodField(
        help_text="Confirmed by the other city of the agreement."
    )
    date = PartialDateField("date", "date_precision", allow_null=False)

    class Meta:
        model = Transfer
        fields = [
            "date", "people", "reported_by_city", "confirmed", "confirmed_at", "date_precision",
        ]  # fmt: skip

    def get_confirmed(self, transfer) -> bool:
        return transfer.counts_as_relocated


class RelocationSerializer(RecordSerializer):
    url = api_url("api:relocation-detail", lookup_field="pk")
    page_url = PageUrlField()
    origin = CityLinkSerializer(read_only=True)
    destination = CityLinkSerializer(read_only=True)
    relocated = serializers.IntegerField(read_only=True, help_text=meanings.RELOCATED_MEANING)
    remaining = serializers.IntegerField(read_only=True, help_text=meanings.REMAINING_MEANING)
    awaiting_confirmation = serializers.IntegerField(
        source="awaiting", read_only=True, help_text=meanings.AWAITING_MEANING
    )
    network = NetworkSerializer(read_only=True, allow_null=True)
    framework_item = FrameworkItemLinkSerializer(
        read_only=True, allow_null=True, help_text="The framework item it serves, if any."
    )
    signed_on = PartialDateField("signed_on", "signed_precision")
    transfers = TransferSerializer(many=True, read_only=True, help_text="Transfers, oldest first.")

    class Meta:
        model = RelocationAgreement
        fields = [
            "url", "page_url", "id", "origin", "destination", "population_group",
            "people_pledged", "relocated", "remaining", "network", "framework_item",
            "signed_on", "signed_precision", "period_start", "period_end", "status", "notes",
            "transfers", "source_url", "source_citation", "updated_at",
            "awaiting_confirmation",
        ]  # fmt: skip
        extra_kwargs = {
            "population_group": {"help_text": "Who is to be relocated."},
            "people_pledged": {"help_text": "How many people the cities agreed to relocate."},
            "period_start": {"help_text": "Start of the relocation period, if set."},
            "period_end": {"help_text": "End of the relocation period, if set."},
        }


# Frameworks and themes


class FrameworkItemSerializer(RecordSerializer):
    # A field called parent: DRF takes it out of the class, mypy sees Field.parent.
    parent: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True, help_text="Code of the parent item."
    )
    commitments_count = published_count_field("serving this item")

    class Meta:
        model = FrameworkItem
        fields = [
            "code", "title", "description", "parent", "commitments_count", "source_url",
            "source_citation",
        ]  # fmt: skip


class FrameworkSerializer(RecordSerializer):
    url = api_url("api:framework-detail", lookup_field="code")
    adopted_on = PartialDateField("adopted_on", "adopted_precision")
    items = FrameworkItemSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = [
            "url", "code", "slug", "name", "adopted_on", "adopted_precision", "adopted_at",
            "description", "items", "source_url", "source_citation", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {"adopted_at": {"help_text": "Where it was adopted."}}


COUNTS_BY_REGION_SCHEMA = {
    "type": "object",
    "description": "Published commitments by UN region of the committing city "
    f"({', '.join(REGIONS)}).",
    "additionalProperties": {"type": "integer"},
    "example": {"africa": 0, "americas": 2, "asia": 1, "europe": 4, "oceania": 0},
}
COUNTS_BY_STATUS_SCHEMA = {
    "type": "object",
    "description": f"Published commitments by status ({', '.join(STATUSES)}).",
    "additionalProperties": {"type": "integer"},
    "example": {"planned": 3, "in_progress": 2, "achieved": 1, "stalled": 0, "withdrawn": 0},
}


@extend_schema_field(COUNTS_BY_REGION_SCHEMA)
class CountsByRegionField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(), read_only=True, **kwargs)


@extend_schema_field(COUNTS_BY_STATUS_SCHEMA)
class CountsByStatusField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(), read_only=True, **kwargs)


class FrameworkItemCoverageSerializer(serializers.Serializer):
    """One item of a framework, with the published commitments that answer it."""

    code = serializers.CharField(source="item.code", read_only=True)
    title = serializers.CharField(source="item.title", read_only=True)
    description = serializers.CharField(source="item.description", read_only=True)
    parent = serializers.CharField(  # type: ignore[assignment]
        source="item.parent.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Code of the parent item.",
    )
    depth = serializers.IntegerField(
        read_only=True, help_text="0 for a top-level item, 1 for its parts, ..."
    )
    commitments_count = serializers.IntegerField(
        source="total", read_only=True, help_text="Number of published commitments serving it."
    )
    answered = serializers.SerializerMethodField(
        help_text="Whether at least one published commitment serves it."
    )
    by_region = CountsByRegionField(source="region_counts")
    by_status = CountsByStatusField(source="status_counts")
    commitments_url = serializers.SerializerMethodField(
        help_text="The published commitments serving it."
    )

    def get_answered(self, row) -> bool:
        return bool(row.total)

    def get_commitments_url(self, row) -> str:
        query = urlencode({"framework": row.item.code})
        return self.context["request"].build_absolute_uri(
            f"{reverse('api:commitment-list')}?{query}"
        )


class FrameworkDetailSerializer(FrameworkSerializer):
    """A framework with the coverage of its items, as on /frameworks/{code}/."""

    page_url = PageUrlField(help_text="The framework's page (HTML).")
    items = FrameworkItemCoverageSerializer(  # type: ignore[assignment]
        source="coverage.items", many=True, read_only=True
    )
    commitments_count = serializers.IntegerField(
        source="coverage.total",
        read_only=True,
        help_text="Number of published commitments serving any of its items.",
    )
    by_region = CountsByRegionField(source="coverage.region_counts")
    by_status = CountsByStatusField(source="coverage.status_counts")
    unanswered = serializers.SerializerMethodField(
        help_text="Codes of the items no published commitment serves yet."
    )

    class Meta(FrameworkSerializer.Meta):
        fields = [
            "url", "page_url", "code", "slug", "name", "adopted_on", "adopted_precision",
            "adopted_at", "description", "commitments_count", "by_region", "by_status",
            "unanswered", "items", "source_url", "source_citation", "updated_at",
        ]  # fmt: skip

    def get_unanswered(self, framework) -> list[str]:
        return [row.item.code for row in framework.coverage.unanswered]


# Good practices


class ReplicationSerializer(RecordSerializer):
    city = CityLinkSerializer(read_only=True)

    class Meta:
        model = Replication
        fields = ["city", "note"]
        extra_kwargs = {"note": {"help_text": "How the city took it up, if recorded."}}


class PracticeSerializer(RecordSerializer):
    url = api_url("api:practice-detail")
    page_url = PageUrlField()
    city = CityLinkSerializer(read_only=True, help_text="The city that presented it.")
    forum = ForumLinkSerializer(read_only=True, allow_null=True, help_text="Where presented.")
    themes = ThemeLinkSerializer(many=True, read_only=True)
    replicated = serializers.SerializerMethodField(help_text="Whether another city replicated it.")
    replications_count = serializers.IntegerField(
        source="replication_count",
        read_only=True,
        help_text="Number of cities that replicated it.",
    )
    replications = ReplicationSerializer(
        many=True, read_only=True, help_text="The cities that replicated it, by name."
    )

    class Meta:
        model = GoodPractice
        fields = [
            "url", "page_url", "slug", "title", "city", "forum", "description", "themes",
            "replicated", "replications_count", "replications", "source_url",
            "source_citation", "updated_at",
        ]  # fmt: skip
        extra_kwargs = {"description": {"help_text": "Markdown, as on the page."}}

    def get_replicated(self, practice) -> bool:
        return practice.replication_count > 0


class ThemeSerializer(RecordSerializer):
    url = api_url("api:theme-detail")
    commitments_count = published_count_field("with this theme")
    outcomes_count = serializers.IntegerField(
        read_only=True, help_text="Number of outcome documents with this theme."
    )
    commitments_url = FilteredListUrlField(
        "api:commitment-list", "theme", help_text="Published commitments with this theme."
    )
    outcomes_url = FilteredListUrlField(
        "api:outcome-list", "theme", help_text="Outcome documents with this theme."
    )

    class Meta:
        model = Theme
        fields = [
            "url", "slug", "name", "description", "commitments_count", "outcomes_count",
            "commitments_url", "outcomes_url", "updated_at",
        ]  # fmt: skip


class ApiRootSerializer(serializers.Serializer):
    """Where everything is."""

    cities = serializers.URLField(help_text="Cities and regional governments.")
    forums = serializers.URLField(help_text="The annual Mayoral Forums.")
    outcomes = serializers.URLField(help_text="Outcome documents adopted at the forums.")
    commitments = serializers.URLField(help_text="Published city commitments.")
    relocations = serializers.URLField(help_text="Relocation agreements between cities.")
    practices = serializers.URLField(help_text="Good practices and their replications.")
    frameworks = serializers.URLField(help_text="International frameworks and their items.")
    themes = serializers.URLField(help_text="Themes of the controlled vocabulary.")
    schema = serializers.URLField(help_text="This API's OpenAPI 3 schema.")
    docs = serializers.URLField(help_text="Interactive documentation.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")


class ThrottledSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField(
        help_text="Seconds to wait before the next request (also in the Retry-After header)."
    )
