"""The data dictionary: what every column of every download means.

The columns themselves (their names, their order, how each is read) are the
``Column``s of each list's ``Listing``, the same ones the downloads and the releases
write; this module only says, for each name, its type, its meaning and an example.
A ``Column`` may carry its own (``type``, ``description``, ``example``); otherwise the
entry is looked up under ``<list>.<column>`` then under the bare column name, so that
``slug`` or ``source_url`` is described once for every list. A test fails when a
column has no entry, so a new column cannot ship undocumented.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cities.views import CITIES
from commitments import models as meanings
from commitments.coverage import REGIONS, STATUSES
from commitments.models import Commitment, RelocationAgreement
from commitments.views import COMMITMENTS, RELOCATIONS
from core.listing import field_at
from forums.framework_views import FRAMEWORKS, ITEMS
from forums.practice_views import PRACTICES
from forums.views import FORUMS, OUTCOMES

# The lists a release holds and the dictionary documents, in the order shown.
LISTINGS = (CITIES, FORUMS, OUTCOMES, COMMITMENTS, RELOCATIONS, PRACTICES, FRAMEWORKS, ITEMS)

# Types as the dictionary names them, with their Frictionless Table Schema type and
# format (https://specs.frictionlessdata.io/table-schema/#types-and-formats).
TYPES = {
    "string": (_("text"), "string", "default"),
    "integer": (_("whole number"), "integer", "default"),
    "number": (_("number"), "number", "default"),
    "boolean": (_("true or false"), "boolean", "default"),
    "date": (_("date (YYYY-MM-DD)"), "date", "default"),
    "datetime": (_("date and time (ISO 8601, UTC offset)"), "datetime", "default"),
    # A date known to the year, the month or the day: not a Table Schema date.
    "partial-date": (
        _("date at the precision known (YYYY, YYYY-MM or YYYY-MM-DD)"),
        "string",
        "default",
    ),
    "list": (_("list (separated by “; ” in CSV, an array in JSON)"), "string", "default"),
    "url": (_("web address"), "string", "uri"),
}
PARTIAL_DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"


@dataclass(frozen=True)
class Term:
    type: str
    description: Any
    example: Any = None


def _t(type_, description, example=None):
    return Term(type_, description, example)


def _field(model, name, type_, example):
    """The entry of a column that is a model field as it is: its meaning is the field's
    ``help_text``, written once on the model (the admin, the forms and the API read it
    too)."""
    return Term(type_, model._meta.get_field(name).help_text, example)


# Columns whose name means the same in every list that has it.
GENERIC = {
    "slug": _t(
        "string", _("Stable key of the record, used in its address and in filters."), "barcelona"
    ),
    "id": _t("integer", _("Stable number of the record, used in its address."), 12),
    "name": _t("string", _("Name of the record."), "Barcelona"),
    "title": _t("string", _("Title of the record."), "Call of Barcelona"),
    "description": _t(
        "string",
        _("Description of the record (Markdown)."),
        "The city opens a one-stop shop for newcomers.",
    ),
    "summary": _t(
        "string",
        _("Short summary of the record (Markdown)."),
        "The first Mayoral Forum adopted the Call of Barcelona.",
    ),
    "url": _t(
        "url",
        _("Address of the record's page on this site."),
        "https://mayoralforum.example.org/cities/barcelona/",
    ),
    "source_url": _t(
        "url", _("Address of the source the record is taken from."), "https://www.knomad.org/"
    ),
    "source_citation": _t(
        "string", _("How to cite the source of the record."), "KNOMAD, Mayoral Forum report, 2016"
    ),
    "country": _t("string", _("Country, as its ISO 3166-1 alpha-2 code."), "ES"),
    "region": _t("string", _("UN region (M49) of the city."), "europe"),
    "city": _t("string", _("Slug of the city."), "barcelona"),
    "city_name": _t("string", _("Name of the city."), "Barcelona"),
    "themes": _t("list", _("Slugs of the record's themes."), "housing; relocation-and-reception"),
    "framework_items": _t(
        "list",
        _("Codes of the framework items (SDG targets, GCM objectives, ...) the record serves."),
        "SDG-10.7; GCM-15",
    ),
    "published_commitments": _t(
        "integer", _("Number of published commitments linked to the record."), 4
    ),
    "forum": _t("string", _("Slug of the forum."), "barcelona-2014"),
    "adopted_on": _t("partial-date", _("Date of adoption, at the precision known."), "2014-06"),
    "code": _t(
        "string", _("Stable code of the record, used in its address and in filters."), "SDG-10.7"
    ),
    "status": _t("string", _("Status of the record."), "in_progress"),
}

# Columns whose meaning depends on the list, as "<list>.<column>".
SPECIFIC = {
    # cities
    "cities.kind": _t("string", _("Kind of government."), "city"),
    "cities.country_name": _t("string", _("Name of the country, in English."), "Spain"),
    "cities.subregion": _t("string", _("UN sub-region (M49) of the city."), "southern-europe"),
    "cities.population": _t("integer", _("Population of the city, if known."), 1620000),
    "cities.latitude": _t("number", _("Latitude of the city (WGS 84, decimal degrees)."), 41.3874),
    "cities.longitude": _t(
        "number", _("Longitude of the city (WGS 84, decimal degrees)."), 2.1686
    ),
    "cities.website": _t(
        "url", _("The city government's own web site."), "https://www.barcelona.cat/"
    ),
    "cities.leader_name": _t("string", _("Name of the city's current leader."), "Ada Colau"),
    "cities.leader_title": _t("string", _("Title of the city's current leader."), "Mayor"),
    "cities.networks": _t(
        "list", _("Slugs of the city networks the city belongs to."), "solidarity-cities"
    ),
    # forums
    "forums.edition": _t("integer", _("Edition number of the forum (1 for the first)."), 1),
    "forums.theme": _t("string", _("Theme of the forum."), "Mobility, migration and development"),
    "forums.year": _t("integer", _("Year the forum took place."), 2014),
    "forums.start_date": _t(
        "partial-date", _("First day of the forum, at the precision known."), "2014-06-18"
    ),
    "forums.end_date": _t(
        "partial-date", _("Last day of the forum, at the precision known."), "2014-06-19"
    ),
    "forums.host_city": _t("string", _("Slug of the host city."), "barcelona"),
    "forums.host_city_name": _t("string", _("Name of the host city."), "Barcelona"),
    "forums.host_country": _t("string", _("Country of the host city (ISO 3166-1 alpha-2)."), "ES"),
    # outcome documents
    "outcomes.kind": _t(
        "string",
        _("Kind of document."),
        "call",
    ),
    "outcomes.forum": _t(
        "string", _("Slug of the forum that adopted the document, if any."), "barcelona-2014"
    ),
    "outcomes.language": _t("string", _("Language of the document's text (code)."), "en"),
    "outcomes.endorsed_by": _t(
        "list", _("Slugs of the cities that endorsed the document."), "barcelona; quito"
    ),
    "outcomes.pdf_url": _t(
        "url",
        _("Address of the document's PDF, if any."),
        "https://mayoralforum.example.org/media/call.pdf",
    ),
    # commitments
    "commitments.status": _t(
        "string",
        _("Status of the commitment; not_reported when the source gives none."),
        "in_progress",
    ),
    "commitments.progress": _field(Commitment, "progress", "integer", 40),
    "commitments.partner_cities": _t(
        "list",
        _("Slugs of the other cities that made the commitment with the lead city."),
        "zurich",
    ),
    "commitments.initiative": _t(
        "string",
        _("Where it was pledged or reported."),
        "call_to_local_action",
    ),
    "commitments.reported_state": _field(Commitment, "reported_state", "string", "grant awarded"),
    "commitments.answers": _t(
        "integer", _("Id of the commitment this one matches or answers, if any."), 12
    ),
    "commitments.overdue": _t("boolean", meanings.OVERDUE_MEANING, False),
    "commitments.stale": _t("boolean", meanings.STALE_MEANING, False),
    "commitments.last_update_on": _t("date", meanings.LAST_UPDATE_MEANING, "2016-09-28"),
    "commitments.start_date": _t("partial-date", _("Start date, at the precision known."), "2015"),
    "commitments.target_date": _t(
        "partial-date", _("Target date, at the precision known."), "2018-12"
    ),
    "commitments.outcome": _t(
        "string",
        _("Slug of the outcome document the commitment answers, if any."),
        "quito-local-agenda",
    ),
    "commitments.forum": _t(
        "string", _("Slug of the forum of that outcome document, if any."), "quito-2015"
    ),
    "commitments.resources_needed": _t(
        "number", _("Amount of resources needed, in the currency given."), "250000.00"
    ),
    "commitments.resources_secured": _t(
        "number", _("Amount of resources secured so far, in the currency given."), "100000.00"
    ),
    "commitments.currency": _field(Commitment, "currency", "string", "USD"),
    "commitments.resources_note": _t(
        "string",
        _("What the resources are and where they come from."),
        "EU funds and the city budget",
    ),
    "commitments.published_at": _t(
        "datetime", _("When the commitment was published."), "2016-09-28T10:00:00+00:00"
    ),
    # relocation agreements
    "relocations.origin": _t("string", _("Slug of the city people are relocated from."), "athens"),
    "relocations.origin_name": _t("string", _("Name of the origin city."), "Athens"),
    "relocations.origin_country": _t(
        "string", _("Country of the origin city (ISO 3166-1 alpha-2)."), "GR"
    ),
    "relocations.destination": _t(
        "string", _("Slug of the city people are relocated to."), "barcelona"
    ),
    "relocations.destination_name": _t("string", _("Name of the destination city."), "Barcelona"),
    "relocations.destination_country": _t(
        "string", _("Country of the destination city (ISO 3166-1 alpha-2)."), "ES"
    ),
    "relocations.population_group": _t(
        "string",
        _(
            "Who is relocated: refugees, asylum_seekers, unaccompanied_minors, "
            "migrant_workers or other."
        ),
        "refugees",
    ),
    "relocations.people_pledged": _t(
        "integer", _("Number of people the cities agreed to relocate."), 100
    ),
    "relocations.people_relocated": _t("integer", meanings.RELOCATED_MEANING, 20),
    "relocations.people_remaining": _t("integer", meanings.REMAINING_MEANING, 80),
    "relocations.people_awaiting_confirmation": _t("integer", meanings.AWAITING_MEANING, 5),
    "relocations.status": _t(
        "string",
        _(
            "Status of the agreement; pending_approval when the cities agreed and a "
            "government's approval is awaited."
        ),
        "signed",
    ),
    "relocations.reported_state": _field(
        RelocationAgreement,
        "reported_state",
        "string",
        "agreed, pending the Spanish state's approval",
    ),
    "relocations.network": _t(
        "string",
        _("Slug of the city network the agreement belongs to, if any."),
        "solidarity-cities",
    ),
    "relocations.framework_item": _t(
        "string", _("Code of the framework item the agreement belongs to, if any."), "GCR"
    ),
    "relocations.signed_on": _t(
        "partial-date", _("Date the agreement was signed, at the precision known."), "2016-03"
    ),
    "relocations.period_start": _t(
        "date", _("First day of the agreement's period, if any."), "2016-04-01"
    ),
    "relocations.period_end": _t(
        "date", _("Last day of the agreement's period, if any."), "2017-03-31"
    ),
    "relocations.notes": _t(
        "string", _("Notes on the agreement."), "Inside the Solidarity Cities initiative."
    ),
    # good practices
    "practices.city": _t(
        "string", _("Slug of the city that presented the practice."), "quezon-city"
    ),
    "practices.forum": _t(
        "string", _("Slug of the forum where it was presented, if any."), "quezon-city-2016"
    ),
    "practices.replicated_by": _t(
        "list", _("Slugs of the cities that replicated the practice."), "quito; barcelona"
    ),
    "practices.replications": _t(
        "integer", _("Number of cities that replicated the practice."), 2
    ),
    # frameworks
    "frameworks.code": _t("string", _("Code of the framework, used in its address."), "GCM"),
    "frameworks.adopted_at": _t("string", _("Where the framework was adopted."), "Marrakech"),
    "frameworks.items": _t(
        "integer", _("Number of items (objectives, targets) of the framework."), 23
    ),
    "frameworks.answered_items": _t(
        "integer", _("Number of its items that at least one published commitment answers."), 9
    ),
    # framework items
    "framework-items.framework": _t(
        "string", _("Code of the framework the item belongs to."), "SDG"
    ),
    "framework-items.code": _t(
        "string", _("Code of the item, used in its address and in filters."), "SDG-10.7"
    ),
    "framework-items.parent": _t(
        "string",
        _("Code of the item this one belongs to (a goal for a target), if any."),
        "SDG-10",
    ),
    "framework-items.commitments": _t(
        "list", _("Ids of the published commitments that answer the item."), "12; 40"
    ),
}
for _region in REGIONS:
    SPECIFIC[f"framework-items.region_{_region}"] = _t(
        "integer", _("Published commitments answering the item by cities of this UN region."), 3
    )
for _status in STATUSES:
    SPECIFIC[f"framework-items.status_{_status}"] = _t(
        "integer", _("Published commitments answering the item with this status."), 1
    )


def term(listing, column):
    """The entry for one column, or None when it has none (which a test forbids)."""
    found = SPECIFIC.get(f"{listing.name}.{column.name}") or GENERIC.get(column.name)
    if column.description:
        return Term(
            column.type or (found.type if found else "string"),
            column.description,
            column.example if column.example is not None else (found and found.example),
        )
    return found


@dataclass
class Entry:
    name: str
    type: str
    type_label: Any
    description: Any
    example: Any
    # [(value, label)]: what a column read from a field with choices holds, from the
    # field's choices (the labels in the reader's language).
    values: list


def entries(listing):
    rows = []
    for column in listing.columns:
        found = term(listing, column)
        type_ = found.type if found else "string"
        rows.append(
            Entry(
                name=column.name,
                type=type_,
                type_label=TYPES[type_][0],
                description=found.description if found else "",
                example=_example_text(found.example) if found else "",
                values=choices_of(listing, column),
            )
        )
    return rows


def choices_of(listing, column):
    """[(value, label)] of the field a column reads as it is, when it has choices."""
    if column.many or column.convert or column.url or len(column.paths) != 1:
        return []
    field_ = field_at(listing.base_queryset().model, column.paths[0])
    return [] if field_ is None else [(str(v), label) for v, label in field_.flatchoices]


def _example_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def table_schema(listing):
    """The Frictionless Table Schema of a list's CSV."""
    fields = []
    for entry in entries(listing):
        _label, type_, format_ = TYPES[entry.type]
        field = {"name": entry.name, "type": type_, "description": str(entry.description)}
        if format_ != "default":
            field["format"] = format_
        if entry.type == "partial-date":
            field["constraints"] = {"pattern": PARTIAL_DATE_PATTERN}
        if entry.values:
            field["constraints"] = {"enum": [value for value, _label in entry.values]}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}
