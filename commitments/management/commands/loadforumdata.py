"""Loads the network's real records (records/forums.toml, records/local_actions.toml),
each fact with its source.

It lives in the commitments app because the record spans every domain app, the
relocation agreements (commitments) included.

Safe to run on every start (``bin/run`` does): it creates each shipped record that is
missing, found by its natural key, and never changes an existing row, so a curator's
correction stays (see ``core.loading``). ``--reset`` lists every difference between the
database and the shipped records, then overwrites them once confirmed. A correction to a
shipped record reaches existing sites as a data migration, not through this command.
"""

import datetime
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cities.models import City, Network, Organization, SteeringPartner
from commitments.models import (
    Commitment,
    CommitmentPartner,
    ProgressUpdate,
    RelocationAgreement,
)
from core.dates import parse_iso_partial_date as partial_date
from core.loading import RecordLoader, label
from forums.models import (
    FigureClaim,
    Forum,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    GoodPractice,
    OutcomeDocument,
    Theme,
)

CENTS = Decimal("0.01")
#: The record as data files, written and reviewed as the record (see their headers):
#: the network's forums, outcomes, figures and frameworks, 2014–2020, and the cities'
#: commitments, practices and relocation pledges, each with its page.
RECORDS = Path(__file__).resolve().parents[2] / "records"
FORUMS = RECORDS / "forums.toml"
LOCAL_ACTIONS = RECORDS / "local_actions.toml"
THEMES_CITATION = (
    "The site's controlled vocabulary of themes (its design), not a fact taken from a source."
)


class _Declined(Exception):
    """The person did not confirm the overwrites: roll everything back."""


class Command(BaseCommand):
    help = (
        "Load the Mayoral Forum's shipped records: create what is missing, never change "
        "an existing row. --reset lists the differences, then overwrites them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="List every difference from the shipped records, then overwrite them.",
        )
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="With --reset, overwrite without asking for confirmation.",
        )

    def handle(self, *args, reset=False, interactive=True, verbosity=1, **options):
        self.loader = RecordLoader("loadforumdata", compare=reset)
        try:
            with transaction.atomic():
                self.load()
                if reset:
                    self.reset(interactive)
        except _Declined:
            raise CommandError("Nothing was written: the overwrites were not confirmed.") from None
        if not reset and verbosity:
            self.report(verbosity)

    def reset(self, interactive):
        created, differences = self.loader.created, self.loader.differences
        if not created and not differences:
            self.stdout.write("No differences: the database holds the shipped records.")
            return
        for obj in created:
            self.stdout.write(f"Missing: {label(obj)}")
        for difference in differences:
            self.stdout.write(f"Differs: {label(difference.obj)}")
            for name, now, shipped in difference.fields:
                self.stdout.write(f"  {name}: database {now}, shipped {shipped}")
        if interactive:
            answer = input("Type 'yes' to write the shipped records over these: ")
            if answer.strip().lower() != "yes":
                raise _Declined
        self.loader.overwrite()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(created)} and overwrote {len(differences)} record(s)."
            )
        )

    def report(self, verbosity):
        created = self.loader.created
        if verbosity >= 2:
            for obj in created:
                self.stdout.write(f"Created: {label(obj)}")
        counts = Counter(str(obj._meta.verbose_name_plural) for obj in created)
        if counts:
            made = ", ".join(f"{name}: {n}" for name, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Created {len(created)} record(s) ({made})."))
        self.stdout.write(
            f"{self.loader.existing} shipped record(s) already existed and were left as they "
            "are (loadforumdata --reset lists how they differ)."
        )

    # The records -------------------------------------------------------------------

    def sourced(self, keys):
        """source_url and source_citation for one source key or a list of them: the
        first gives the link, every one is cited."""
        first, *others = [self.sources[key] for key in ([keys] if isinstance(keys, str) else keys)]
        citations = [first["citation"]]
        citations += [f"{other['citation']} {other['url']}".strip() for other in others]
        return {"source_url": first["url"], "source_citation": "; ".join(citations)}

    def load(self):
        shipped, local = read_record(FORUMS), read_local_actions()
        self.sources = shipped["source"]
        record = self.loader.record
        themes = {
            theme["slug"]: record(
                Theme,
                {"slug": theme["slug"]},
                {
                    "name": theme["name"],
                    "name_es": theme["name_es"],
                    "name_fr": theme["name_fr"],
                    "source_citation": THEMES_CITATION,
                },
            )
            for theme in shipped["theme"]
        }

        network = shipped["network"]
        network_obj = record(
            Network,
            {"slug": network["slug"]},
            {"name": network["name"], "description": network["description"]}
            | self.sourced(network["source"]),
        )

        cities = {}
        for place in shipped["city"] + local["city"]:
            slug = place["slug"]
            # Membership of the network is part of the member cities' records.
            member = slug in network["members"]
            cities[slug] = record(
                City,
                {"slug": slug},
                {
                    "name": place["name"],
                    # Optional: only where the name differs in that language.
                    "name_es": place.get("name_es", ""),
                    "name_fr": place.get("name_fr", ""),
                    "kind": place.get("kind", City.Kind.CITY),
                    "country": place["country"],
                    "latitude": Decimal(place["latitude"]),
                    "longitude": Decimal(place["longitude"]),
                    "source_url": place["source_url"],
                    "source_citation": place["source_citation"],
                },
                m2m={"networks": [network_obj]} if member else None,
            )

        organizations = {}
        for data in shipped["organization"]:
            organizations[data["slug"]] = record(
                Organization,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "kind": data["kind"],
                    "website": data.get("website", ""),
                    "description": data["description"],
                    **self.sourced(data["source"]),
                },
            )
        for data in shipped["steering"]:
            record(
                SteeringPartner,
                {
                    "organization": organizations[data["organization"]],
                    "partner": organizations[data["partner"]],
                },
                self.sourced(data["source"]),
            )

        items = self.load_frameworks(shipped)

        forums = {}
        for data in shipped["forum"]:
            # The end, if any, is as precise as the start (Forum.date_precision).
            start, precision = partial_date(data["start"])
            end, _ = partial_date(data.get("end"))
            forum = forums[data["slug"]] = record(
                Forum,
                {"edition": data["edition"]},
                {
                    "slug": data["slug"],
                    "title": data["title"],
                    "theme": data.get("theme", ""),
                    "summary": data["summary"],
                    "host_city": cities[data["host"]],
                    "start_date": start,
                    "end_date": end,
                    "date_precision": precision,
                    **self.sourced(data["source"]),
                },
            )
            record(
                ForumParticipation,
                {"forum": forum, "city": cities[data["host"]]},
                {"role": ForumParticipation.Role.HOST, **self.sourced(data["source"])},
            )
            for partner in data.get("partners", []):
                record(
                    ForumPartner,
                    {
                        "forum": forum,
                        "organization": organizations[partner["organization"]],
                        "role": partner["role"],
                    },
                    self.sourced(partner["source"]),
                )

        documents = {}
        for data in shipped["outcome"]:
            adopted, precision = partial_date(data.get("adopted"))
            documents[data["slug"]] = record(
                OutcomeDocument,
                {"slug": data["slug"]},
                {
                    "title": data["title"],
                    "kind": data["kind"],
                    "forum": forums[data["forum"]] if "forum" in data else None,
                    "adopted_on": adopted,
                    "adopted_precision": precision,
                    "summary": data["summary"],
                    "language": "en",
                    **self.sourced(data["source"]),
                },
                m2m={
                    "themes": [themes[slug] for slug in data["themes"]],
                    "framework_items": [items[code] for code in data.get("frameworks", [])],
                },
            )

        for data in shipped["figure"]:
            about = (
                {"forum": forums[data["forum"]]}
                if "forum" in data
                else {"outcome_document": documents[data["outcome"]]}
            )
            source = self.sourced(data["source"])
            as_of, precision = partial_date(data.get("as_of"))
            record(
                FigureClaim,
                {**about, "counted": data["counted"], "source_url": source["source_url"]},
                {
                    "value": data["value"],
                    "qualifier": data["qualifier"],
                    "to_date": data.get("to_date", False),
                    "wording": data["wording"],
                    "as_of": as_of,
                    "as_of_precision": precision,
                    **source,
                },
            )

        self.load_local_actions(local, cities, themes, items, documents)

        agreement = shipped["agreement"]
        signed, precision = partial_date(agreement["signed"])
        record(
            RelocationAgreement,
            {
                "origin": cities[agreement["origin"]],
                "destination": cities[agreement["destination"]],
            },
            {
                "population_group": RelocationAgreement.PopulationGroup.REFUGEES,
                "people_pledged": agreement["people_pledged"],
                "network": network_obj,
                "status": RelocationAgreement.Status.PENDING_APPROVAL,
                "reported_state": agreement["state"],
                "signed_on": signed,
                "signed_precision": precision,
                "notes": agreement["notes"],
                **self.sourced(agreement["source"]),
            },
        )

    def load_frameworks(self, shipped):
        record = self.loader.record
        items = {}
        for data in shipped["framework"]:
            adopted, precision = partial_date(data["adopted"])
            framework = record(
                Framework,
                {"code": data["code"]},
                {
                    "slug": data["slug"],
                    "name": data["name"],
                    "name_es": data["name_es"],
                    "name_fr": data["name_fr"],
                    "adopted_on": adopted,
                    "adopted_precision": precision,
                    "adopted_at": data.get("adopted_at", ""),
                    "description": data["description"],
                    **self.sourced(data["source"]),
                },
            )
            # The whole framework is an item too, so a commitment can answer it as a
            # whole; its goals and objectives hang under it.
            items[data["code"]] = record(
                FrameworkItem,
                {"code": data["code"]},
                {
                    "framework": framework,
                    "parent": None,
                    "title": data["name"],
                    "title_es": data["name_es"],
                    "title_fr": data["name_fr"],
                    **self.sourced(data["source"]),
                },
            )
        for data in shipped["framework_item"]:
            parent = items[data["parent"]]
            items[data["code"]] = record(
                FrameworkItem,
                {"code": data["code"]},
                {
                    "framework": parent.framework,
                    "parent": parent,
                    "title": data["title"],
                    "title_es": data["title_es"],
                    "title_fr": data["title_fr"],
                    "description": data.get("description", ""),
                    **self.sourced(data["source"]),
                },
            )
        return items

    # Cities' local actions (records/local_actions.toml) ----------------------------

    def load_local_actions(self, data, cities, themes, items, documents):
        self.published = data["published"]
        loaded = {}
        for entry in data["item"]:
            city = cities[entry["city"]]
            if entry["kind"] == "practice":
                self.load_practice(entry, city, themes)
            elif entry["kind"] == "agreement":
                self.load_pledge(entry, city, cities)
            else:
                loaded[entry["id"]] = self.load_commitment(
                    entry, city, cities, themes, items, documents, loaded
                )

    def load_commitment(self, entry, city, cities, themes, items, documents, loaded):
        start, start_precision = partial_date(entry.get("start"))
        target, target_precision = partial_date(entry.get("end"))
        amount = entry.get("amount")
        initiative = INITIATIVES.get(entry.get("initiative"), Commitment.Initiative.OTHER)
        codes = [f"GCM-{n}" for n in entry.get("gcm", [])]
        codes += [f"SDG-{t}" for t in entry.get("sdg", [])]
        commitment = self.loader.record(
            Commitment,
            {"title": entry["title"], "city": city},
            {
                "description": described(entry),
                "status": entry.get("status", Commitment.Status.NOT_REPORTED),
                "reported_state": entry.get("status_words", ""),
                "progress": entry.get("progress"),
                "start_date": start,
                "start_precision": start_precision,
                "target_date": target,
                "target_precision": target_precision,
                "resources_secured": Decimal(amount).quantize(CENTS) if amount else None,
                "currency": entry.get("currency", "") if amount else "",
                "initiative": initiative,
                "outcome_document": documents["call-to-local-action"]
                if initiative == Commitment.Initiative.CALL_TO_LOCAL_ACTION
                else None,
                # An earlier item of the file that this one matches.
                "answers": loaded[entry["answers"]] if "answers" in entry else None,
                "publication_state": Commitment.PublicationState.PUBLISHED,
                "published_at": self.published,
                **entry_source(entry),
            },
            m2m={
                "themes": [themes[slug] for slug in entry.get("themes", [])],
                # The site keeps only some frameworks' items: the others are left out.
                "framework_items": [items[code] for code in codes if code in items],
            },
        )
        for slug in entry.get("partners", []):
            self.loader.record(
                CommitmentPartner,
                {"commitment": commitment, "city": cities[slug]},
                {
                    "role": entry.get("partner_roles", ""),
                    **entry_source(entry),
                },
            )
        for update in entry.get("update", []):
            date, precision = partial_date(update["date"])
            self.loader.record(
                ProgressUpdate,
                {"commitment": commitment, "evidence_url": update["source_url"]},
                {
                    "date": date,
                    "date_precision": precision,
                    "text": f"{update['text']}\n\nSource: {citation_of(update)}",
                    "percent": None,
                    "reported_by_city": False,
                    "verified": True,
                },
            )
        return commitment

    def load_practice(self, entry, city, themes):
        self.loader.record(
            GoodPractice,
            {"slug": entry["id"].lower()},
            {
                "title": entry["title"],
                "city": city,
                "description": described(entry),
                **entry_source(entry),
            },
            m2m={"themes": [themes[slug] for slug in entry.get("themes", [])]},
        )

    def load_pledge(self, entry, city, cities):
        signed, precision = partial_date(entry.get("start"))
        self.loader.record(
            RelocationAgreement,
            {"origin": cities[entry["from"]], "destination": city},
            {
                "people_pledged": entry["people"],
                "status": entry.get("agreement_status", RelocationAgreement.Status.PROPOSED),
                "reported_state": entry.get("status_words", ""),
                "signed_on": signed,
                "signed_precision": precision,
                "notes": described(entry),
                **entry_source(entry),
            },
        )


INITIATIVES = {
    "call-to-local-action": Commitment.Initiative.CALL_TO_LOCAL_ACTION,
    "un-network-pledge": Commitment.Initiative.UN_NETWORK_PLEDGE,
    "gfmd-pfp": Commitment.Initiative.GFMD_PLATFORM,
    "global-cities-fund": Commitment.Initiative.GLOBAL_CITIES_FUND,
    "local-coalition": Commitment.Initiative.LOCAL_COALITION,
    "city": Commitment.Initiative.CITY,
}  # any other publisher: Commitment.Initiative.OTHER


def read_record(path):
    with open(path, "rb") as file:
        return tomllib.load(file)


def read_local_actions(path=LOCAL_ACTIONS):
    data = read_record(path)
    # The day the secretariat published the file's records on the site.
    data["published"] = datetime.datetime.combine(
        data["published"], datetime.time(0), tzinfo=datetime.UTC
    )
    data.setdefault("city", [])
    data.setdefault("item", [])
    return data


def citation_of(source):
    """A reader's citation: publisher, “title”, date, from an item or an update."""
    parts = [source.get("source_publisher", ""), source.get("source_title", "")]
    if parts[1]:
        parts[1] = f"“{parts[1]}”"
    parts.append(source.get("source_date", ""))
    return ", ".join(part for part in parts if part)


def entry_source(entry):
    """source_url and source_citation: the item's page first, then any other page
    that shows the same item."""
    citations = [citation_of(entry)]
    citations += [f"{citation_of(other)} {other['source_url']}" for other in entry.get("also", [])]
    return {"source_url": entry["source_url"], "source_citation": "; ".join(citations)}


def described(entry):
    """The description, then the figures and dates as the page gives them."""
    lines = [entry["description"]]
    if entry.get("figures"):
        lines.append("Figures as reported: " + "; ".join(entry["figures"]) + ".")
    if entry.get("dates_words"):
        lines.append(f"Dates as reported: {entry['dates_words']}.")
    if entry.get("organisations"):
        lines.append("With: " + ", ".join(entry["organisations"]) + ".")
    return "\n\n".join(lines)
