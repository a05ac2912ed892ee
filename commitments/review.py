"""What a curator reads before deciding: a commitment's content and the changes proposed
to it, in words (labels and formatted values, never codes like ``in_progress``).

The portal's review page and the admin's publish and accept confirmations show the
same rows, so what the curator approves is what they were shown.
"""

from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .models import Commitment, CommitmentQuerySet
from .services import decode_pending

if TYPE_CHECKING:
    from typing import TypeAlias

    # A field of a commitment, as ``Model._meta.get_fields()`` gives them.
    from django.utils.functional import Promise

    Field: TypeAlias = models.Field[Any, Any]


class Row(TypedDict):
    name: str
    label: str | Promise
    value: str | list[str]
    many: bool
    long: bool


class DiffRow(TypedDict):
    name: str
    label: str | Promise
    approved: str
    proposed: str
    long: bool


# Set by the workflow, shown apart from the content (see ``workflow_rows``).
WORKFLOW_FIELDS: tuple[str, ...] = (*Commitment.WORKFLOW_FIELDS, "created_by")
LONG_TEXT: tuple[type[models.Field[Any, Any]], ...] = (models.TextField,)


def display_value(field: Field, value: Any) -> str:
    """``value`` of ``field`` as a person reads it."""
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, decimal.Decimal):
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return str(value)


def content_fields() -> list[Field]:
    """Every field a person edits (new ones appear without changing this module)."""
    return [
        field
        for field in Commitment._meta.get_fields()
        if isinstance(field, models.Field)
        and (field.concrete or field.many_to_many)
        and not field.auto_created
        and field.editable
        and field.name not in WORKFLOW_FIELDS
    ]


def _row(field: Field, value: Any, *, many: bool = False) -> Row:
    shown = ([str(item) for item in value] or ["–"]) if many else display_value(field, value)
    return {
        "name": field.name,
        "label": field.verbose_name,
        "value": shown,
        "many": many,
        "long": isinstance(field, LONG_TEXT),
    }


def content_rows(commitment: Commitment) -> list[Row]:
    """The approved (or, before publication, submitted) content, field by field."""
    rows: list[Row] = []
    for field in content_fields():
        if field.many_to_many:
            rows.append(_row(field, getattr(commitment, field.name).all(), many=True))
        else:
            rows.append(_row(field, getattr(commitment, field.name)))
    return rows


def workflow_rows(commitment: Commitment) -> list[Row]:
    return [
        _row(field, getattr(commitment, field.name))
        for field in (cast("Field", Commitment._meta.get_field(name)) for name in WORKFLOW_FIELDS)
        if field.name != "pending_changes"
    ]


def pending_diff(commitment: Commitment) -> list[DiffRow]:
    """One row per field with a change awaiting review: approved against proposed."""
    rows: list[DiffRow] = []
    for name, raw in (commitment.pending_changes or {}).items():
        field = cast("Field", commitment._meta.get_field(name))
        try:
            proposed = decode_pending(name, raw)
        except ValidationError:
            proposed = raw  # shown as stored; accepting it will say what is wrong
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "approved": display_value(field, getattr(commitment, name)),
                "proposed": display_value(field, proposed),
                "long": isinstance(field, LONG_TEXT),
            }
        )
    return rows


def for_review(queryset: CommitmentQuerySet) -> CommitmentQuerySet:
    """The queryset a review page reads: one query per relation, whatever the size."""
    return queryset.select_related(
        "city", "outcome_document", "created_by", "answers"
    ).prefetch_related("themes", "framework_items", "clauses__document", "partner_cities")
