"""Loading reference records without ever undoing a person's edit.

``bin/run`` loads the real records on every start, so a load must tell its own
writes from everyone else's. For each record it writes, a load keeps what it wrote
(``core.models.LoadedRecord``: the record's loaded fields right after the write). On
the next load:

- a record it never wrote and that does not exist is created;
- a record that still holds exactly what the last load wrote is the loader's to keep
  up to date: it is updated only if the sources changed since;
- a record whose loaded fields differ from what the last load wrote was changed by
  someone since (in the admin, the portal, a script): it is left alone and the load
  says so, record by record, with the fields that differ;
- a record the last load wrote and that is gone was deleted by someone: it is not
  brought back;
- a record that exists but was not written by a load that kept marks (a database
  loaded before marks existed, or a record a curator created first) is adopted when
  it already holds the loaded values, updated when no person ever saved it (every
  history entry was made without a user), and otherwise left alone.

Only the fields the loader sets are compared, so a curator's addition to another field
(a population, a profile) is never at risk and does not block the loader.

``reset=True`` overwrites the records changed since, after naming each one and the
fields it overwrites. Nothing is written when nothing changed: no save, no history
entry, no mark.
"""

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import LoadedRecord

# A record's loaded fields as JSON holds them: {field name: value}.
Snapshot = dict[str, Any]


def _plain(value: object) -> object:
    """A JSON-comparable form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def _loaded_field(model: type[models.Model] | models.Model, name: str) -> "models.Field[Any, Any]":
    # A loader sets the model's own fields (and many-to-many ones), never a reverse
    # relation or a generic foreign key.
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return len(self.created) + len(self.updated) + len(self.overwritten)


class RecordLoader:
    """Writes records for one loader command; see the module docstring for the rules."""

    def __init__(
        self, name: str, *, reset: bool = False, say: Callable[[str], object] | None = None
    ) -> None:
        self.name = name
        self.reset = reset
        self.say = say or (lambda line: None)
        self.outcome = Outcome()
        self.marks = {mark.key: mark for mark in LoadedRecord.objects.filter(loader=name)}

    def record(
        self,
        model: type[models.Model],
        key: str,
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        m2m: Mapping[str, Iterable[models.Model]] | None = None,
    ) -> Any:
        """Create, update or leave alone the record ``key``; returns it (None if deleted).

        ``lookup`` finds the record the first time; afterwards it is found by the primary
        key the mark keeps, so a curator may rename a slug without the load creating a
        duplicate. ``m2m`` maps many-to-many field names to the related objects.
        """
        m2m = m2m or {}
        wanted = {name: self._value(model, name, value) for name, value in values.items()}
        wanted.update({name: sorted(obj.pk for obj in objs) for name, objs in m2m.items()})
        content_type = ContentType.objects.get_for_model(model)
        mark = self.marks.get(key)
        if mark is not None and mark.content_type_id != content_type.pk:
            mark = None
        label = f"{model._meta.verbose_name} «{key}»"

        if mark is not None:
            obj = model._default_manager.filter(pk=mark.object_id).first()
            if obj is None:
                if not self.reset:
                    self._keep(label, "deleted since it was loaded; not recreated")
                    return None
                self._overwrite(label, "deleted since it was loaded; recreating it")
                return self._create(model, key, lookup, values, m2m, wanted, content_type)
            now = self._snapshot(obj, wanted)
            if now != mark.values:
                changes = self._differences(now, mark.values, "loaded")
                if not self.reset:
                    self._keep(label, f"changed since it was loaded ({changes})")
                    return obj
                self._overwrite(label, f"changed since it was loaded; overwriting {changes}")
                return self._update(obj, key, values, m2m, wanted, content_type, counted=False)
            if now != wanted:
                return self._update(obj, key, values, m2m, wanted, content_type)
            return obj

        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            return self._create(model, key, lookup, values, m2m, wanted, content_type)
        now = self._snapshot(obj, wanted)
        if now == wanted:
            self._mark(key, obj, wanted, content_type)
            self.outcome.adopted.append(label)
            return obj
        if self._never_saved_by_a_person(obj):
            return self._update(obj, key, values, m2m, wanted, content_type)
        changes = self._differences(now, wanted, "the sources say")
        if not self.reset:
            self._keep(label, f"edited by a person and differs from the sources ({changes})")
            return obj
        self._overwrite(label, f"edited by a person; overwriting {changes}")
        return self._update(obj, key, values, m2m, wanted, content_type, counted=False)

    # Reading ----------------------------------------------------------------------

    def _snapshot(self, obj: models.Model, wanted: Iterable[str]) -> Snapshot:
        now: Snapshot = {}
        for name in wanted:
            model_field = _loaded_field(obj, name)
            if model_field.many_to_many:
                now[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
            else:
                now[name] = self._value(obj, name, getattr(obj, model_field.attname))
        # Through JSON, as the mark is stored, so that both sides compare alike.
        stored: Snapshot = json.loads(json.dumps(now))
        return stored

    def _value(self, model: type[models.Model] | models.Model, name: str, value: object) -> object:
        model_field = _loaded_field(model, name)
        if isinstance(value, models.Model) or model_field.is_relation:
            return _plain(value)
        # As the database would hold it: a field type that wraps its value in an object
        # (a country, say) compares by what it stores.
        return _plain(model_field.get_prep_value(value))

    def _differences(self, now: Snapshot, then: Snapshot, then_word: str) -> str:
        parts = []
        for name in sorted(now):
            if now[name] != then.get(name):
                parts.append(f"{name}: now {now[name]!r}, {then_word} {then.get(name)!r}")
        return "; ".join(parts)

    def _never_saved_by_a_person(self, obj: models.Model) -> bool:
        history = getattr(obj, "history", None)
        if history is None:
            return False
        return not history.exclude(history_user=None).exists()

    # Writing ----------------------------------------------------------------------

    def _create(
        self,
        model: type[models.Model],
        key: str,
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        m2m: Mapping[str, Iterable[models.Model]],
        wanted: Snapshot,
        content_type: ContentType,
    ) -> models.Model:
        obj = model(**{**lookup, **values})
        self._save(obj, m2m)
        self._mark(key, obj, self._checked(obj, wanted, key), content_type)
        self.outcome.created.append(f"{model._meta.verbose_name} «{key}»")
        return obj

    def _update(
        self,
        obj: models.Model,
        key: str,
        values: Mapping[str, Any],
        m2m: Mapping[str, Iterable[models.Model]],
        wanted: Snapshot,
        content_type: ContentType,
        counted: bool = True,
    ) -> models.Model:
        for name, value in values.items():
            setattr(obj, name, value)
        self._save(obj, m2m)
        self._mark(key, obj, self._checked(obj, wanted, key), content_type)
        if counted:
            self.outcome.updated.append(f"{obj._meta.verbose_name} «{key}»")
        return obj

    def _save(self, obj: models.Model, m2m: Mapping[str, Iterable[models.Model]]) -> None:
        obj.full_clean()
        # Shown in the record's history in the admin (django-simple-history reads it).
        obj._change_reason = self.name  # type: ignore[attr-defined]
        obj.save()
        for name, related in m2m.items():
            getattr(obj, name).set(related)

    def _checked(self, obj: models.Model, wanted: Snapshot, key: str) -> Snapshot:
        """The values as stored; a value the model rewrites on save (a date truncated to
        its precision) would make every later load see a change, so it is refused."""
        stored = self._snapshot(obj, wanted)
        if stored != wanted:
            raise ValueError(
                f"{key}: the loader's values are not stored as given "
                f"({self._differences(stored, wanted, 'given')})"
            )
        return stored

    def _mark(
        self, key: str, obj: models.Model, values: Snapshot, content_type: ContentType
    ) -> None:
        mark = self.marks.get(key)
        if mark is None:
            mark = LoadedRecord(loader=self.name, key=key)
            self.marks[key] = mark
        mark.content_type = content_type
        mark.object_id = str(obj.pk)
        mark.values = values
        mark.save()

    # Saying -----------------------------------------------------------------------

    def _keep(self, label: str, why: str) -> None:
        self.outcome.kept.append(label)
        self.say(f"Left alone: {label}, {why}.")

    def _overwrite(self, label: str, what: str) -> None:
        self.outcome.overwritten.append(label)
        self.say(f"Overwriting: {label}, {what}.")
