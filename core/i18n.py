"""Names of reference records (themes, frameworks, framework items, cities) in the
reader's language.

A record keeps its English name in the plain field (``name``, ``title``) and its Spanish
and French names beside it (``name_es``, ``name_fr``). Reading goes through one rule:
the active language's name when there is one, else the English one, so a missing
translation never shows an empty label.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

TRANSLATED_LANGUAGES = ("es", "fr")


def current_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def localized(obj: object, field: str) -> str:
    """``obj.<field>_<lang>`` for the active language, falling back to ``obj.<field>``."""
    return _in_reader_language(field, lambda name: getattr(obj, name, ""), getattr(obj, field))


def localized_value(values: Mapping[str, Any], path: str) -> str:
    """The same rule for a row read with ``values()``, which read ``path`` and its
    ``path_es`` and ``path_fr`` beside it (e.g. ``origin__name``)."""
    return _in_reader_language(path, values.get, values[path])


def _in_reader_language(field: str, read: Any, english: str) -> str:
    language = current_language()
    if language in TRANSLATED_LANGUAGES:
        value: str = read(f"{field}_{language}") or ""
        if value:
            return value
    return english


def localized_expression(path: str) -> F | Coalesce:
    """The same rule inside a query, for an ORM path such as ``themes__name``."""
    language = current_language()
    if language in TRANSLATED_LANGUAGES:
        return Coalesce(NullIf(F(f"{path}_{language}"), Value("")), F(path))
    return F(path)
