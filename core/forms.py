import datetime
import decimal
import re
from itertools import groupby

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.forms.models import ModelChoiceIterator
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import get_m2m_reverse_field_name

from core.models import EditConflict


def assume_https(db_field, kwargs):
    """A link typed without its scheme (``example.org/report``) is read as https://, as
    Django 6 will: every form field of a model's URLField is made through this."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return kwargs


def model_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` of the site's model forms (the admin's go through
    ``CuratedAdmin.formfield_for_dbfield``)."""
    return db_field.formfield(**assume_https(db_field, kwargs))


class VersionedFormMixin:
    """An edit form that never writes over a version its user has not seen.

    The form carries the version it was loaded at in a hidden field and hands it to
    the record's save as ``expected_version``: the save compares and bumps it in the
    statement that writes (see ``core.models.VersionedModel``), and ``save()`` writes
    the many-to-many values in the same transaction. ``clean()`` compares early too,
    so the usual case (someone saved a while ago) is a form error before any write.

    After a conflict the form is shown again ready to be saved: it carries the current
    version, takes the other person's values for the fields this person left alone,
    keeps this person's own changes, and says what the other person changed in words
    a person reads (labels and names, never codes or ids).
    """

    version_field_name = "loaded_version"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.version_field_name] = forms.IntegerField(
            widget=forms.HiddenInput, required=False
        )
        if self.instance.pk is not None:
            self.initial.setdefault(self.version_field_name, self.instance.version)

    @property
    def expected_version(self):
        """The version this form was loaded at (None for a new record)."""
        if self.instance.pk is None:
            return None
        return getattr(self, "cleaned_data", {}).get(self.version_field_name)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        current = self._current()
        if current is None:
            raise forms.ValidationError(DELETED, code="deleted")
        loaded = cleaned.get(self.version_field_name)
        if loaded is not None and loaded != current.version:
            raise self._conflict(current)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is not None:
            self.instance.expected_version = self.expected_version

    def save(self, commit=True):
        """Saves the record and its many-to-many values together, or neither.

        On a conflict the form says so (``show_conflict``) and ``EditConflict`` is
        raised for the view to show the form again. With ``commit=False`` the caller
        saves both in one transaction and calls ``show_conflict`` itself.
        """
        if not commit:
            return super().save(commit=False)
        try:
            with transaction.atomic():
                return super().save()
        except EditConflict:
            self.show_conflict()
            raise

    def show_conflict(self):
        """After a save refused with ``EditConflict``: the form says what happened."""
        current = self._current()
        if current is None:
            self.add_error(None, forms.ValidationError(DELETED, code="deleted"))
        else:
            self.add_error(None, self._conflict(current))

    # What the other person changed ----------------------------------------------------

    def _current(self):
        return type(self.instance)._base_manager.filter(pk=self.instance.pk).first()

    def _conflict(self, current):
        """The conflict error; the form's data is brought up to the current version."""
        before = self.loaded_record(current)
        changes = []
        for name, field in self._model_fields(current):
            now = self.record_value(current, field)
            mine = self._submitted(name, field)
            if before is None:
                # What the form was loaded with is not known: name the current value of
                # each field where it differs from this person's.
                if not _same(mine, now):
                    changes.append(self.describe_change(current, field, UNKNOWN, now))
                continue
            was = self.record_value(before, field)
            if _same(was, now):
                continue
            changes.append(self.describe_change(current, field, was, now))
            if _same(mine, was) and not self.fields[name].disabled:
                # This person left the field alone: it takes the other's value, so that
                # saving again does not quietly undo their change.
                self._show_value(name, now)
        self._show_value(self.version_field_name, current.version)
        message = _(
            "Someone else saved this record while you were editing it; nothing was saved. "
            "The form now shows their changes together with yours: check it, then save again."
        )
        if changes:
            message += " " + _("Their version: %(changes)s.") % {"changes": "; ".join(changes)}
        return forms.ValidationError(message, code="conflict")

    def _model_fields(self, current):
        for name in self.fields:
            if name == self.version_field_name:
                continue
            try:
                yield name, current._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                continue

    def loaded_record(self, current):
        """The record as this form loaded it, from its history (None if not kept)."""
        loaded = getattr(self, "cleaned_data", {}).get(self.version_field_name)
        history = getattr(current, "history", None)
        if loaded is None or history is None:
            return None
        # A many-to-many change adds history records with the same version; the last
        # one holds the version as it was shown.
        return history.filter(version=loaded).order_by("-history_date", "-pk").first()

    def record_value(self, record, field):
        """A field's value on a record or a historical record, as ids for relations
        (a set of them for many-to-many); None for a many-to-many not kept in the
        history."""
        if not field.many_to_many:
            return getattr(record, field.attname)
        related = getattr(record, field.name, None)
        if related is None:
            return None
        if getattr(record, "history_id", None) is None:
            return frozenset(related.values_list("pk", flat=True))
        target = get_m2m_reverse_field_name(field)
        return frozenset(related.values_list(f"{target}_id", flat=True))

    def change_label(self, current, field):
        return field.verbose_name

    def describe_change(self, current, field, was, now):
        """One change, in words: "status: planned → in progress"."""
        label = self.change_label(current, field)
        if was is UNKNOWN:
            return f"{label}: {describe(field, now)}"
        return f"{label}: {describe(field, was)} → {describe(field, now)}"

    def _submitted(self, name, field):
        cleaned = getattr(self, "cleaned_data", {})
        if name not in cleaned:
            return UNKNOWN  # invalid: never the same as anything
        value = cleaned[name]
        if field.many_to_many:
            return frozenset(obj.pk for obj in value or ())
        if field.is_relation:
            return getattr(value, "pk", value)
        return value

    def _show_value(self, name, value):
        """Puts ``value`` in the form's data, as the field's widget would submit it."""
        if not getattr(self, "_data_copied", False):
            self.data, self._data_copied = self.data.copy(), True  # a request's is read-only
        key = self.add_prefix(name)
        widget = self.fields[name].widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        if isinstance(value, frozenset):
            value = sorted(value)
        if isinstance(widget, forms.FileInput):
            return  # a browser cannot be given a file to send again
        if isinstance(widget, forms.CheckboxInput):
            if value:
                self.data[key] = "on"
            else:
                self.data.pop(key, None)
        elif isinstance(widget, forms.MultiWidget):
            for suffix, subwidget, part in zip(
                widget.widgets_names, widget.widgets, widget.decompress(value), strict=True
            ):
                self.data[key + suffix] = subwidget.format_value(part) or ""
        elif getattr(widget, "allow_multiple_selected", False):
            values = [str(v) for v in value or ()]
            if hasattr(self.data, "setlist"):
                self.data.setlist(key, values)
            else:
                self.data[key] = values
        else:
            formatted = widget.format_value(value)
            if isinstance(formatted, list):
                formatted = formatted[0] if formatted else ""
            self.data[key] = "" if formatted is None else formatted


DELETED = _lazy("This record was deleted while you were editing it.")
# What this person submitted for a field that did not validate, or what the form was
# loaded with when the history does not say.
UNKNOWN = object()


def _same(a, b):
    if a is UNKNOWN or b is UNKNOWN:
        return False
    empty = (None, "", frozenset())
    return a == b or (a in empty and b in empty)


def describe(field, value):
    """A model field's value in words: labels of choices, names of related records."""
    if value in (None, "", frozenset()):
        return "–"
    if field.many_to_many:
        names = sorted(str(obj) for obj in field.related_model._base_manager.filter(pk__in=value))
        text = ", ".join(names)
    elif field.is_relation:
        obj = field.related_model._base_manager.filter(pk=value).first()
        text = "–" if obj is None else str(obj)
    elif field.choices:
        text = str(dict(field.flatchoices).get(value, value))
    elif isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(value, datetime.datetime):
        text = formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    elif isinstance(value, datetime.date | decimal.Decimal | int | float):
        text = formats.localize(value)
    else:
        text = str(value)
    return Truncator(text).chars(80)


class IdsModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that refuses an id no database column could hold.

    Django checks each value with an exact lookup (which knows an out-of-range integer
    matches nothing) but then fetches them all with ``pk__in``, where SQLite raises
    OverflowError on such an integer: a 500 for a tampered form instead of an error by
    the field.
    """

    largest_id = 2**63 - 1

    def _check_values(self, value):
        if not isinstance(value, (list, tuple, set, frozenset)):
            value = [value]
        for pk in value:
            try:
                out_of_range = abs(int(str(pk).strip())) > self.largest_id
            except ValueError:
                continue  # Django's own check says it is not a valid value
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ChoiceGroup(str):
    """A group's label that also carries a key (e.g. the id of the record it groups
    by), so that a script can tell the groups apart whatever the language."""

    def __new__(cls, label, key):
        group = super().__new__(cls, label)
        group.key = key
        return group


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """The field's choices in groups: ``(ChoiceGroup, [(value, label), ...])``."""

    def __iter__(self):
        objects = list(self.queryset)
        if self.field.sort_key is not None:
            objects.sort(key=self.field.sort_key)
        for (key, label), members in groupby(objects, key=self.field.group_of):
            yield ChoiceGroup(label, key), [self.choice(obj) for obj in members]


class GroupedModelMultipleChoiceField(IdsModelMultipleChoiceField):
    """Several records, offered in groups (framework items by framework, ...).

    Subclasses say how: ``group_of(obj)`` gives the group's ``(key, label)``, and
    ``sort_key`` orders the records so that each group's members come together.
    """

    iterator = GroupedModelChoiceIterator
    sort_key = None

    def group_of(self, obj):
        raise NotImplementedError


def natural_key(text):
    """Sorts "GCM-2" before "GCM-10" and "3.a" before "10"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]
