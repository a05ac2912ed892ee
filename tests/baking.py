"""model-bakery with deterministic values for unique fields.

model-bakery draws random values for fields a test leaves out; for a unique field two
draws can collide (two random ``Forum.edition`` values did, and a fresh clone's run
failed for nothing). Every unique field a test leaves out gets the next value of a
per-process sequence instead, so a run never depends on luck. Installed for the whole
suite through ``BAKER_CUSTOM_CLASS`` (see ``conftest.py``).

Numbers start at 1000 so that they never meet the small values tests write
themselves (editions 1, 2, 3); texts end in ``-<number>``, which no test writes.
"""

import collections
import itertools

from django.db import models
from model_bakery.baker import Baker

_sequences: "dict[tuple[str, str], itertools.count[int]]" = collections.defaultdict(
    lambda: itertools.count(1000)
)


def next_unique_number(field):
    return next(_sequences[(field.model._meta.label, field.name)])


class UniqueValuesBaker(Baker):
    def generate_value(self, field, commit=True, _full_clean=False):
        if not _wants_sequence(field):
            return super().generate_value(field, commit, _full_clean)
        number = next_unique_number(field)
        if isinstance(field, models.EmailField):
            return f"person-{number}@example.org"
        if isinstance(field, models.IntegerField):
            return number
        if isinstance(field, models.CharField | models.TextField):
            suffix = f"-{number}"
            base = field.name.replace("_", "-")
            limit = (field.max_length or 200) - len(suffix)
            return f"{base[:limit]}{suffix}"
        return super().generate_value(field, commit, _full_clean)


def _wants_sequence(field):
    return (
        getattr(field, "unique", False)
        and not field.primary_key
        and not field.is_relation
        and not field.choices
        and not field.has_default()
    )
