from import_export import fields, widgets

from cities.models import City
from core.imports import CuratedResource, SlugForeignKeyWidget, SlugManyToManyWidget
from forums.models import FrameworkItem, OutcomeDocument, Theme

from .models import Commitment, ProgressUpdate


class CommitmentResource(CuratedResource):
    """Commitments keyed by id (empty for a new one); city, outcome and themes by slug,
    framework items by code (several separated by ``|``)."""

    city = fields.Field(
        attribute="city", column_name="city", widget=SlugForeignKeyWidget(City, "slug")
    )
    outcome_document = fields.Field(
        attribute="outcome_document",
        column_name="outcome_document",
        widget=SlugForeignKeyWidget(OutcomeDocument, "slug"),
    )
    themes = fields.Field(
        attribute="themes", column_name="themes", widget=SlugManyToManyWidget(Theme)
    )
    framework_items = fields.Field(
        attribute="framework_items",
        column_name="framework_items",
        widget=SlugManyToManyWidget(FrameworkItem, field="code"),
    )
    # Exported for reading; an import never sets it (a new commitment is a draft).
    publication_state = fields.Field(
        attribute="publication_state", column_name="publication_state", readonly=True
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "city",
            "outcome_document",
            "title",
            "description",
            "themes",
            "framework_items",
            "status",
            "start_date",
            "target_date",
            "progress",
            "resources_needed",
            "resources_secured",
            "currency",
            "resources_note",
            "publication_state",
            "source_url",
            "source_citation",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ProgressUpdateResource(CuratedResource):
    """Progress updates keyed by id (empty for a new one); the commitment by its id.

    Imported updates are the secretariat's (not reported by the city), unverified.
    """

    new_workflow_values = {"reported_by_city": False}

    commitment = fields.Field(
        attribute="commitment",
        column_name="commitment",
        widget=SlugForeignKeyWidget(Commitment, "pk"),
    )
    city = fields.Field(attribute="commitment__city__slug", column_name="city", readonly=True)
    reported_by_city = fields.Field(
        attribute="reported_by_city",
        column_name="reported_by_city",
        widget=widgets.BooleanWidget(),
        readonly=True,
    )
    verified = fields.Field(
        attribute="verified",
        column_name="verified",
        widget=widgets.BooleanWidget(),
        readonly=True,
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "commitment",
            "city",
            "date",
            "percent",
            "text",
            "evidence_url",
            "reported_by_city",
            "verified",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
