"""The API's side of the data dictionary: every field of every record the API returns.

Read from the OpenAPI schema that drf-spectacular builds from the serializers (the
same one /api/schema/ serves), so the dictionary lists exactly the fields the API
sends. A field's meaning is its ``help_text`` when the serializer or the model gives
one; otherwise it is looked up by name below, then in the download columns' generic
vocabulary, then among the columns of one list. A test fails when a field has none.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.generators import SchemaGenerator

from .dictionary import GENERIC, SPECIFIC, Term

_t = Term

# A field with no help text that is a download column of one list (a forum's edition,
# a city's leader) means what the dictionary says of that column.
_COLUMNS: dict[str, list[Term]] = {}
for _key, _term in SPECIFIC.items():
    _COLUMNS.setdefault(_key.split(".", 1)[1], []).append(_term)
COLUMN_TERMS = {name: terms[0] for name, terms in _COLUMNS.items() if len(terms) == 1}

API_TERMS = {
    "adopted_precision": _t(
        "string", _("How precise the adoption date is: day, month or year."), "month"
    ),
    "start_precision": _t(
        "string", _("How precise the start date is: day, month or year."), "year"
    ),
    "target_precision": _t(
        "string", _("How precise the target date is: day, month or year."), "month"
    ),
    "signed_precision": _t(
        "string", _("How precise the signing date is: day, month or year."), "month"
    ),
    "endorsed_precision": _t(
        "string", _("How precise the endorsement date is: day, month or year."), "day"
    ),
    "date_precision": _t("string", _("How precise the date is: day, month or year."), "day"),
    "confirmed_at": _t(
        "datetime",
        _(
            "When the other city confirmed the transfer; until then its people are not "
            "counted as relocated."
        ),
        "2016-05-02T09:30:00Z",
    ),
    "verified_at": _t(
        "datetime", _("When a curator verified the update, if one did."), "2016-10-01T12:00:00Z"
    ),
    "evidence_url": _t(
        "url",
        _("Address of a document that supports the update."),
        "https://www.barcelona.cat/report.pdf",
    ),
    "origin": _t("string", _("The city people are relocated from."), "athens"),
    "destination": _t("string", _("The city people are relocated to."), "barcelona"),
    "network": _t(
        "string", _("The city network the agreement belongs to, if any."), "solidarity-cities"
    ),
    "networks": _t("list", _("The city networks the city belongs to."), "solidarity-cities"),
    "items": _t("list", _("Items of the framework (objectives, targets)."), "GCM-1"),
    "kind": _t("string", _("Kind of the record, one of the values the schema lists."), "city"),
    "website": _t("url", _("The record's own web site."), "https://www.barcelona.cat/"),
    "people": _t("integer", _("Number of people moved by the transfer."), 20),
    "position": _t("integer", _("Position of the clause in its document."), 3),
    "text": _t("string", _("Text of the clause."), "We commit to ..."),
    "role": _t("string", _("Role in the forum, one of the values the schema lists."), "host"),
    "published_at": _t(
        "datetime", _("When the commitment was published."), "2016-09-28T10:00:00Z"
    ),
    "updated_at": _t("datetime", _("When the record was last changed."), "2016-09-28T10:00:00Z"),
}


@dataclass
class ApiField:
    name: str
    type: str
    description: Any
    example: Any


@dataclass
class ApiRecord:
    name: str
    fields: list


@cache
def _schema(language):
    # Built once per language (a tenth of a second), as /api/schema/ builds it.
    return SchemaGenerator(patterns=None).get_schema(request=None, public=True)


def _type(prop, schemas):
    if "$ref" in prop:
        return _ref_type(prop["$ref"], schemas)
    if "allOf" in prop:
        return _type(prop["allOf"][0], schemas)
    if "oneOf" in prop:
        return _type(prop["oneOf"][0], schemas)
    kind = prop.get("type", "")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}), schemas)}"
    return f"{kind} ({prop['format']})" if prop.get("format") else kind or "any"


def _ref_type(ref, schemas):
    name = ref.rsplit("/", 1)[-1]
    target = schemas.get(name, {})
    if "enum" in target:
        values = ", ".join(str(value) for value in target["enum"] if value not in ("", None))
        return f"string: {values}"
    return f"object {name}"


def records():
    """Every record schema of the API with its fields (paginated wrappers left out)."""
    schemas = _schema(get_language())["components"]["schemas"]
    result = []
    for name, schema in schemas.items():
        if name.startswith("Paginated") or "properties" not in schema:
            continue
        fields = []
        for field_name, prop in schema["properties"].items():
            known = API_TERMS.get(field_name) or GENERIC.get(field_name)
            if known is None and not prop.get("description"):
                known = COLUMN_TERMS.get(field_name)
            description = prop.get("description") or (known.description if known else "")
            example = prop.get("example")
            if example is None and known:
                example = known.example
            fields.append(
                ApiField(
                    name=field_name,
                    type=_type(prop, schemas),
                    description=description,
                    example="" if example is None else str(example),
                )
            )
        result.append(ApiRecord(name=name, fields=fields))
    return result
