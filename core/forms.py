import re
from itertools import groupby

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext as _


class VersionedFormMixin:
    """Refuses a save made from a form loaded before someone else saved the record.

    The form carries the version it was loaded at in a hidden field. On clean, the
    row is locked (inside the request's transaction) and its current version
    compared; if it moved on, the form gets an error that lists what the other
    person changed, and nothing is written.
    """

    version_field_name = "loaded_version"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.version_field_name] = forms.IntegerField(
            widget=forms.HiddenInput, required=False
        )
        if self.instance.pk is not None:
            self.initial.setdefault(self.version_field_name, self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get(self.version_field_name)
        model = type(self.instance)
        with transaction.atomic():
            current = (
                model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
            )
        if current is None:
            raise forms.ValidationError(_("This record was deleted while you were editing it."))
        if loaded is not None and loaded != current.version:
            changed = self.conflicting_changes(current)
            message = _(
                "Someone else saved this record while you were editing it; nothing was "
                "saved. Review their changes, then make yours again."
            )
            if changed:
                message += " " + _("Their version: %(changes)s.") % {"changes": "; ".join(changed)}
            raise forms.ValidationError(message, code="conflict")
        return cleaned

    def conflicting_changes(self, current):
        changes = []
        for name in self.changed_data or self.fields:
            if name == self.version_field_name:
                continue
            try:
                field = current._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                continue
            if field.many_to_many:
                continue
            value = getattr(current, field.attname, None)
            submitted = self.cleaned_data.get(name)
            if hasattr(submitted, "pk"):
                submitted = submitted.pk
            if value != submitted:
                changes.append(f"{field.verbose_name} = {value!s:.80}")
        return changes


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
