"""Loads the network's real records, as stated in the source article.

Only what the article (shared/source-article.txt) states is loaded: the three forums
with their host cities, months and outcome documents, the ASEAN MICIC blueprint,
World Bank KNOMAD as co-founder, Athens and Barcelona's agreement to relocate 100
refugees in the inter-EU city solidarity network, and the frameworks it names.
Countries and coordinates of the four cities are geographic reference data, so the
map can place them. Nothing else (no invented days, leaders' names or populations).

Idempotent: a record is written only when it is missing or differs from the values
below, so a second run changes nothing and adds no history.
"""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from cities.models import City, Network, Organization
from commitments.models import RelocationAgreement
from core.dates import DatePrecision
from forums.models import (
    Forum,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    OutcomeDocument,
    Theme,
)

SOURCE_CITATION = (
    'Colleen Thouez, "Local leaders cooperating internationally on migration", '
    "People Move blog, World Bank"
)
GEO_CITATION = "Country and coordinates: geographic reference data, not from the article."

CITIES = [
    # slug, name, country, latitude, longitude
    ("barcelona", "Barcelona", "ES", "41.38879", "2.15899"),
    ("quito", "Quito", "EC", "-0.22985", "-78.52495"),
    ("quezon-city", "Quezon City", "PH", "14.67600", "121.04370"),
    ("athens", "Athens", "GR", "37.98376", "23.72784"),
]

THEMES = [
    ("governance-of-migration", "Governance of migration"),
    ("rights-protection", "Rights protection"),
    ("inclusive-urban-growth", "Inclusive urban growth"),
    ("labour-mobility", "Labour mobility"),
    ("housing", "Housing"),
    ("health", "Health"),
    ("education", "Education"),
    ("crisis-response", "Crisis response"),
    ("relocation-and-reception", "Relocation and reception"),
]

FRAMEWORKS = [
    # code, slug, name, adopted_on, precision, adopted_at, description
    (
        "SDG",
        "sustainable-development-goals",
        "Sustainable Development Goals",
        None,
        DatePrecision.DAY,
        "",
        "The goals that the Quito Local Agenda shows cities meeting, and whose attainment "
        "the Quezon City Commitment to Action ties to good migration governance.",
    ),
    (
        "NYD",
        "new-york-declaration",
        "New York Declaration for Refugees and Migrants",
        datetime.date(2016, 9, 19),
        DatePrecision.DAY,
        "UN Leaders Summit on addressing large movements of refugees and migrants, New York",
        "Concluded the UN summit of 19 September 2016; refers explicitly to local actors and "
        "to the particular needs of local authorities as the first receivers of migrants.",
    ),
    (
        "NUA",
        "new-urban-agenda",
        "New Urban Agenda",
        datetime.date(2016, 10, 20),
        DatePrecision.DAY,
        "Quito",
        "Adopted in Quito on 20 October 2016, reasserting the central place of cities and "
        "regional governments in answering trans-national challenges.",
    ),
    (
        "GCM",
        "global-compact-for-migration",
        "Global Compact for Safe, Orderly and Regular Migration",
        None,
        DatePrecision.DAY,
        "",
        "A compact on safe, orderly and regular migration to be developed by 2018.",
    ),
    (
        "MICIC",
        "micic-guidelines",
        "Migrants in Countries in Crisis (MICIC) Guidelines",
        None,
        DatePrecision.DAY,
        "",
        "Guidelines for which ASEAN cities drew up a blueprint for local implementation.",
    ),
]

FORUMS = [
    # edition, slug, title, host slug, month start, outcome
    (
        1,
        "barcelona-2014",
        "First Mayoral Forum on Mobility, Migration and Development",
        "barcelona",
        datetime.date(2014, 6, 1),
        {
            "slug": "call-of-barcelona",
            "title": "Call of Barcelona",
            "kind": OutcomeDocument.Kind.CALL,
            "summary": "Stresses that the voice of cities must be heard more loudly in "
            "global discussions.",
            "themes": ["governance-of-migration"],
            "frameworks": [],
        },
    ),
    (
        2,
        "quito-2015",
        "Second Mayoral Forum on Mobility, Migration and Development",
        "quito",
        datetime.date(2015, 11, 1),
        {
            "slug": "quito-local-agenda",
            "title": "Quito Local Agenda on Migration and Development",
            "kind": OutcomeDocument.Kind.AGENDA,
            "summary": "Sets out how cities are meeting the Sustainable Development Goals and "
            "where more resources are needed.",
            "themes": [],
            "frameworks": ["SDG"],
        },
    ),
    (
        3,
        "quezon-city-2016",
        "Third Mayoral Forum on Mobility, Migration and Development",
        "quezon-city",
        datetime.date(2016, 9, 1),
        {
            "slug": "quezon-city-commitment-to-action",
            "title": "Quezon City Commitment to Action",
            "kind": OutcomeDocument.Kind.COMMITMENT_TO_ACTION,
            "summary": "Restates the links between good governance of migration, respect for "
            "human rights and reaching the Sustainable Development Goals.",
            "themes": ["governance-of-migration", "rights-protection"],
            "frameworks": ["SDG"],
        },
    ),
]

BLUEPRINT = {
    "slug": "asean-micic-blueprint",
    "title": "Blueprint for local implementation by ASEAN cities of the MICIC Guidelines",
    "kind": OutcomeDocument.Kind.BLUEPRINT,
    "summary": "How cities of ASEAN countries can put the Migrants in Countries in Crisis "
    "Guidelines into practice locally.",
    "themes": ["crisis-response"],
    "frameworks": ["MICIC"],
}


class Command(BaseCommand):
    help = "Load the Mayoral Forum's real records from the source article (idempotent)."

    def handle(self, *args, **options):
        self.written = 0
        with transaction.atomic():
            self.load()
        if self.written:
            self.stdout.write(self.style.SUCCESS(f"Forum records loaded: {self.written} written."))
        else:
            self.stdout.write("Forum records already up to date: nothing changed.")

    def upsert(self, model, lookup, values):
        """Create, or update only the fields that differ, so reruns write nothing."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.written += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            self.written += 1
        return obj

    def set_m2m(self, manager, objects):
        if set(manager.all()) != set(objects):
            manager.set(objects)
            self.written += 1

    def load(self):
        sourced = {"source_citation": SOURCE_CITATION}
        themes = {
            slug: self.upsert(Theme, {"slug": slug}, {"name": name}) for slug, name in THEMES
        }
        cities = {}
        for slug, name, country, lat, lon in CITIES:
            cities[slug] = self.upsert(
                City,
                {"slug": slug},
                {
                    "name": name,
                    "kind": City.Kind.CITY,
                    "country": country,
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lon),
                    "source_citation": f"{SOURCE_CITATION}. {GEO_CITATION}",
                },
            )
        for slug in ("athens", "barcelona"):
            self.upsert(City, {"slug": slug}, {"leader_title": "Mayor"})

        network = self.upsert(
            Network,
            {"slug": "inter-eu-city-solidarity-network-refugees-greece"},
            {
                "name": "Inter-EU city solidarity network for refugees in Greece",
                "description": "A recently launched network of EU cities acting in solidarity "
                "with refugees in Greece.",
                **sourced,
            },
        )
        for slug in ("athens", "barcelona"):
            if not cities[slug].networks.filter(pk=network.pk).exists():
                cities[slug].networks.add(network)
                self.written += 1

        knomad = self.upsert(
            Organization,
            {"slug": "world-bank-knomad"},
            {
                "name": "World Bank KNOMAD",
                "kind": Organization.Kind.MULTILATERAL,
                "description": "The World Bank's Global Knowledge Partnership on Migration and "
                "Development; co-founder of the Mayoral Forum.",
                **sourced,
            },
        )

        frameworks = {}
        for code, slug, name, adopted_on, precision, adopted_at, description in FRAMEWORKS:
            framework = self.upsert(
                Framework,
                {"code": code},
                {
                    "slug": slug,
                    "name": name,
                    "adopted_on": adopted_on,
                    "adopted_precision": precision,
                    "adopted_at": adopted_at,
                    "description": description,
                    **sourced,
                },
            )
            frameworks[code] = self.upsert(
                FrameworkItem,
                {"code": code},
                {"framework": framework, "title": name, "parent": None, **sourced},
            )

        for edition, slug, title, host, start, outcome in FORUMS:
            forum = self.upsert(
                Forum,
                {"edition": edition},
                {
                    "slug": slug,
                    "title": title,
                    "host_city": cities[host],
                    "start_date": start,
                    "end_date": None,
                    "date_precision": DatePrecision.MONTH,
                    **sourced,
                },
            )
            self.upsert(
                ForumParticipation,
                {"forum": forum, "city": cities[host]},
                {"role": ForumParticipation.Role.HOST},
            )
            self.upsert(
                ForumPartner,
                {"forum": forum, "organization": knomad, "role": ForumPartner.Role.CO_FOUNDER},
                {},
            )
            self.load_outcome(outcome, forum, start, DatePrecision.MONTH, themes, frameworks)
        self.load_outcome(BLUEPRINT, None, None, DatePrecision.DAY, themes, frameworks)

        self.upsert(
            RelocationAgreement,
            {"origin": cities["athens"], "destination": cities["barcelona"]},
            {
                "population_group": RelocationAgreement.PopulationGroup.REFUGEES,
                "people_pledged": 100,
                "network": network,
                "status": RelocationAgreement.Status.SIGNED,
                "notes": "The mayors of Athens and Barcelona agreed to relocate 100 refugees "
                "between their cities, within the inter-EU city solidarity network for "
                "refugees in Greece.",
                **sourced,
            },
        )

    def load_outcome(self, data, forum, adopted_on, precision, themes, frameworks):
        document = self.upsert(
            OutcomeDocument,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "kind": data["kind"],
                "forum": forum,
                "adopted_on": adopted_on,
                "adopted_precision": precision,
                "summary": data["summary"],
                "language": "en",
                "source_citation": SOURCE_CITATION,
            },
        )
        self.set_m2m(document.themes, [themes[slug] for slug in data["themes"]])
        self.set_m2m(document.framework_items, [frameworks[code] for code in data["frameworks"]])
        return document
