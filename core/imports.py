"""Shared pieces of the curators' CSV imports (django-import-export).

Related records are named by their slug (or code), never by database id, so a
spreadsheet reads the same on every copy of the site. An unknown slug is an error
that names the column and the value. An import is all or nothing: it runs in one
transaction, and one bad row (a wrong value, or a rule of the records broken) rolls
every row back. An import never writes a workflow field (a model's
``WORKFLOW_FIELDS``: publication state, verified mark, ...): an existing record keeps
its values, a new one gets the defaults (a new commitment is a draft).
"""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.dates import iso_partial_date, parse_iso_partial_date
from core.downloads import LIST_SEPARATOR, csv_safe, csv_unescape


# django-import-export has no types: its classes are Any to mypy.
class SlugForeignKeyWidget(widgets.ForeignKeyWidget):  # type: ignore[misc]
    """A foreign key named by slug (or another unique field); unknown values are errors."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


class SlugManyToManyWidget(widgets.ManyToManyWidget):  # type: ignore[misc]
    """Several related records named by slug, separated by ``;`` as in the public
    downloads (so a downloaded file imports again); unknown ones are errors."""

    def __init__(
        self, model: type[models.Model], field: str = "slug", separator: str = ";", **kwargs: Any
    ) -> None:
        super().__init__(model, separator=separator, field=field, **kwargs)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        found = super().clean(value, row, **kwargs)
        if not value:
            return found
        wanted = {v.strip() for v in str(value).split(self.separator) if v.strip()}
        known = {str(v) for v in found.values_list(self.field, flat=True)}
        missing = sorted(wanted - known)
        if missing:
            raise ValueError(
                _("Unknown %(model)s: %(values)s.")
                % {"model": self.model._meta.verbose_name_plural, "values": ", ".join(missing)}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return LIST_SEPARATOR.join(str(getattr(v, self.field)) for v in value.all())


class PartialDateField(fields.Field):  # type: ignore[misc]
    """A date known to the day, the month or the year, read and written as the public
    downloads write it (``2016-06-19``, ``2016-06``, ``2016``): the date and its
    precision are set together, so a downloaded file imports again unchanged."""

    def __init__(self, attribute: str, precision_attribute: str, **kwargs: Any) -> None:
        kwargs.setdefault("column_name", attribute)
        super().__init__(attribute=attribute, **kwargs)
        self.precision_attribute = precision_attribute

    def clean(self, row: Any, **kwargs: Any) -> Any:
        return parse_iso_partial_date(row[self.column_name])

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        if self.readonly:
            return
        value, precision = self.clean(row)
        setattr(instance, self.attribute, value)
        setattr(instance, self.precision_attribute, precision)

    def export(self, instance: Any, **kwargs: Any) -> str:
        value = getattr(instance, self.attribute)
        return iso_partial_date(value, getattr(instance, self.precision_attribute)) or ""


class CuratedResource(resources.ModelResource):  # type: ignore[misc]
    """All or nothing, with the records' own rules (``full_clean``) checked per row."""

    #: Workflow values of a record the import creates, where they differ from the
    #: model's defaults.
    new_workflow_values: dict[str, Any] = {}

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        # Staff write titles and texts that curators then open in a spreadsheet: a
        # cell starting like a formula is exported as text, as on the public downloads.
        return csv_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # Cells written through csv_safe (our downloads and exports) come back as
        # they were, so a downloaded file imports unchanged.
        for key, value in row.items():
            row[key] = csv_unescape(value)  # type: ignore[no-untyped-call]
        super().before_import_row(row, **kwargs)

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        # Many-to-many values are normally read only after the row is saved; check
        # them first so that an unknown slug is reported like any other bad value.
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors.update(exc.error_dict)
        self.keep_workflow_fields(instance)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = ValidationError(force_str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def keep_workflow_fields(self, instance: models.Model) -> None:
        names = getattr(type(instance), "WORKFLOW_FIELDS", ())
        if not names:
            return
        current = None
        if instance.pk is not None:
            current = type(instance)._default_manager.filter(pk=instance.pk).first()
        for name in names:
            # Workflow fields are the model's own columns.
            field = cast("models.Field[Any, Any]", instance._meta.get_field(name))
            if current is not None:
                value = getattr(current, field.attname)
            else:
                value = self.new_workflow_values.get(name, field.get_default())
            setattr(instance, field.attname, value)

    def import_data(
        self,
        dataset: Any,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs: Any,
    ) -> Any:
        if dataset.headers is None:
            # tablib reads a file whose first line is blank as one with no column
            # names, and import-export then fails on every row (a 500).
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            error = ValueError(_("The first line of the file must name the columns."))
            self.handle_import_error(result, error, raise_errors)
            return result
        # Always in a transaction, and a row that breaks a rule rolls back every row.
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )
