from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from cities.models import City
from core.imports import (
    CuratedResource,
    PartialDateField,
    SlugForeignKeyWidget,
    SlugManyToManyWidget,
)
from forums.models import FrameworkItem, OutcomeDocument, Theme

from . import services
from .models import Commitment, ProgressUpdate


class CommitmentResource(CuratedResource):
    """Commitments keyed by id (empty for a new one); city, outcome and themes by slug,
    framework items by code (several separated by ``;``).

    The columns are those of the public download (``/commitments/?format=csv``), so a
    downloaded file imports again unchanged; the download's other columns (names,
    counts, ``published_at``, ``url``) are ignored. No workflow field is a column: a
    new commitment is created by ``services.create_commitment`` (a draft, created by
    the person importing), an existing one keeps its publication state.
    """

    #: Who imports (the admin passes the curator to ``import_data``).
    user = None

    city = fields.Field(
        attribute="city", column_name="city", widget=SlugForeignKeyWidget(City, "slug")
    )
    outcome_document = fields.Field(
        attribute="outcome_document",
        column_name="outcome",
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
    start_date = PartialDateField("start_date", "start_precision")
    target_date = PartialDateField("target_date", "target_precision")
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
            "source_url",
            "source_citation",
            "publication_state",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user") or self.user
        # Files made before the column took the download's name.
        headers = dataset.headers or []
        if "outcome_document" in headers and "outcome" not in headers:
            dataset.headers = ["outcome" if h == "outcome_document" else h for h in headers]
        super().before_import(dataset, **kwargs)

    #: The history's reason for a commitment this import writes.
    change_reason: str | None = None

    def do_instance_save(self, instance, is_create):
        if is_create:
            # Whatever the file says: a new commitment is a draft (publishing is the
            # curators' action, not a column).
            services.create_commitment(
                commitment=instance, user=self.user, reason=self.change_reason
            )
        else:
            self.save_existing(instance)

    def save_existing(self, instance):
        """A curator's correction: saved as the row says (workflow fields as stored)."""
        instance._change_reason = self.change_reason
        instance.save()


class CityStaffCommitmentResource(CommitmentResource):
    """The portal's import: city staff add and correct their own cities' commitments.

    New rows become drafts of one of the person's cities; a row may change one of
    their drafts (or one returned to them) by its id. A row for another city, or for
    a commitment that is not theirs, is refused with its row number; a row that
    would change a submitted or published commitment is refused too (those change
    through the portal's review). An unchanged row is skipped, so the public
    download of their city imports again without error.
    """

    change_reason = "imported in the portal"

    def __init__(self, *, user, city_ids, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.city_ids = set(city_ids)

    def get_queryset(self):
        return Commitment.objects.for_user(self.user).filter(city__in=self.city_ids)

    def after_init_instance(self, instance, new, row, **kwargs):
        if new and str(row.get("id") or "").strip():
            raise ValidationError(
                {
                    "id": _("No commitment %(id)s among your cities' commitments.")
                    % {"id": row["id"]}
                }
            )
        super().after_init_instance(instance, new, row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if "city" not in errors and instance.city_id not in self.city_ids:
            errors["city"] = [
                ValidationError(
                    _("You can import only the commitments of the cities you act for.")
                )
            ]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.pk is not None and instance.publication_state not in services.EDITABLE_STATES:
            errors[NON_FIELD_ERRORS] = [
                *errors.get(NON_FIELD_ERRORS, []),
                ValidationError(
                    _(
                        "This commitment is %(state)s: change it on its page in the portal, "
                        "where changes go to review."
                    )
                    % {"state": instance.get_publication_state_display()}
                ),
            ]
        super().validate_instance(instance, errors, validate_unique)

    def save_existing(self, instance):
        # Staff change their drafts only: a submitted or published one is refused.
        services.save_draft(commitment=instance, user=self.user, reason=self.change_reason)


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
    # Workflow marks: exported, never imported (an imported update is the secretariat's).
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
