"""Loading shipped records: what is missing is created, an existing row is never changed.

A shipped record is known by its natural key (a slug, a code, its unique fields), as the
row holds it now or held it before a curator renamed it (the row's history). ``bin/run``
loads on every start, so a plain load only creates the records that are missing: a
curator's correction is never overwritten, and no bookkeeping is needed to know it.

With ``compare=True`` the load also lists how each existing record differs from its
shipped values: a field whose value differs, or a many-to-many field that links another
set of rows. ``overwrite()`` then writes the shipped values. Rows that are not shipped (a
figure a curator added, a city's own commitment) are never compared or touched.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def label(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name} «{obj}»"


def _shown(value: object) -> str:
    return repr(str(value)) if isinstance(value, str) else str(value)


@dataclass
class Difference:
    obj: models.Model
    values: Mapping[str, Any]
    m2m: Mapping[str, Iterable[models.Model]]
    fields: list[tuple[str, str, str]]  # (field, database value, shipped value)


class RecordLoader:
    def __init__(self, name: str, *, compare: bool = False) -> None:
        self.name = name  # shown in each written record's history
        self.compare = compare
        self.created: list[models.Model] = []
        self.existing = 0
        self.differences: list[Difference] = []

    def record(
        self,
        model: type[M],
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        m2m: Mapping[str, Iterable[models.Model]] | None = None,
    ) -> M:
        """The record found by its natural key ``lookup``, created if missing."""
        m2m = {name: list(objs) for name, objs in (m2m or {}).items()}
        obj = model._default_manager.filter(**lookup).first()
        history = getattr(model, "history", None)
        if obj is None and history is not None:
            renamed = history.filter(**lookup).values(model._meta.pk.name)
            obj = model._default_manager.filter(pk__in=renamed).first()
        shipped = {**lookup, **values}
        if obj is None:
            obj = model(**shipped)
            self._save(obj, m2m)
            self.created.append(obj)
            return obj
        self.existing += 1
        if self.compare and (fields := _differences(obj, shipped, m2m)):
            self.differences.append(Difference(obj, shipped, m2m, fields))
        return obj

    def overwrite(self) -> None:
        for difference in self.differences:
            for name, value in difference.values.items():
                setattr(difference.obj, name, value)
            self._save(difference.obj, difference.m2m)

    def _save(self, obj: models.Model, m2m: Mapping[str, Iterable[models.Model]]) -> None:
        obj.full_clean()
        # Shown in the record's history in the admin (django-simple-history reads it).
        obj._change_reason = self.name  # type: ignore[attr-defined]
        obj.save()
        for name, related in m2m.items():
            getattr(obj, name).set(related)


def _differences(
    obj: models.Model, values: Mapping[str, Any], m2m: Mapping[str, Iterable[models.Model]]
) -> list[tuple[str, str, str]]:
    found = []
    for name, shipped in values.items():
        field: Any = obj._meta.get_field(name)
        if field.is_relation:
            same = getattr(obj, field.attname) == (shipped.pk if shipped else None)
        else:  # as the database holds it: a country compares by its code
            same = field.get_prep_value(getattr(obj, name)) == field.get_prep_value(shipped)
        if not same:
            found.append((name, _shown(getattr(obj, name)), _shown(shipped)))
    for name, related in m2m.items():
        now = getattr(obj, name).all()
        if {row.pk for row in now} != {row.pk for row in related}:
            found.append((name, str(sorted(map(str, now))), str(sorted(map(str, related)))))
    return found
