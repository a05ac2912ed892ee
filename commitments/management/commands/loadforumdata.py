"""Loads the network's real records (forums/records.py, records/local_actions.toml),
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
from core.dates import DatePrecision
from core.loading import RecordLoader, label
from forums import records
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
#: Cities' commitments, practices and relocation pledges, each with its page: a data
#: file, written and reviewed as the record (see its header).
LOCAL_ACTIONS = Path(__file__).resolve().parents[2] / "records" / "local_actions.toml"


class _Declined(Exception):
    """The person did not confirm the overwrites: roll everything back."""


def sourced(keys):
    """source_url and source_citation for one source key or a tuple of them."""
    keys = (keys,) if isinstance(keys, str) else keys
    url = records.SOURCES[keys[0]][0]
    citations = [records.SOURCES[keys[0]][1]]
    for key in keys[1:]:
        other_url, other_citation = records.SOURCES[key]
        citations.append(f"{other_citation} {other_url}".strip())
    return {"source_url": url, "source_citation": "; ".join(citations)}


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

    def load(self):
        record = self.loader.record
        themes = {}
        for slug, name, name_es, name_fr in records.THEMES:
            themes[slug] = record(
                Theme,
                {"slug": slug},
                {
                    "name": name,
                    "name_es": name_es,
                    "name_fr": name_fr,
                    "source_citation": records.THEMES_CITATION,
                },
            )

        network = records.NETWORK
        network_obj = record(
            Network,
            {"slug": network["slug"]},
            {"name": network["name"], "description": network["description"]}
            | sourced(network["source"]),
        )

        cities = {}
        for slug, name, country, lat, lon, source in records.CITIES:
            name_es, name_fr = records.CITY_NAMES.get(slug, ("", ""))
            values = {
                "name": name,
                "name_es": name_es,
                "name_fr": name_fr,
                "kind": City.Kind.CITY,
                "country": country,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                **sourced(source),
            }
            values["source_citation"] += f". {records.GEO_CITATION}"
            # Membership of the network is part of the member cities' records.
            member = slug in network["members"]
            m2m = {"networks": [network_obj]} if member else None
            cities[slug] = record(City, {"slug": slug}, values, m2m=m2m)

        organizations = {}
        for slug, name, kind, website, description, source in records.ORGANIZATIONS:
            organizations[slug] = record(
                Organization,
                {"slug": slug},
                {
                    "name": name,
                    "kind": kind,
                    "website": website,
                    "description": description,
                    **sourced(source),
                },
            )
        for steered, partner, source in records.STEERING:
            record(
                SteeringPartner,
                {"organization": organizations[steered], "partner": organizations[partner]},
                sourced(source),
            )

        items = self.load_frameworks()

        documents = {}
        forums = {}
        for data in records.FORUMS:
            forum = record(
                Forum,
                {"edition": data["edition"]},
                {
                    "slug": data["slug"],
                    "title": data["title"],
                    "theme": data["theme"],
                    "summary": data["summary"],
                    "host_city": cities[data["host"]],
                    "start_date": data["start"],
                    "end_date": data["end"],
                    "date_precision": DatePrecision.DAY,
                    **sourced(data["source"]),
                },
            )
            forums[data["slug"]] = forum
            record(
                ForumParticipation,
                {"forum": forum, "city": cities[data["host"]]},
                {"role": ForumParticipation.Role.HOST, **sourced(data["source"])},
            )
            for slug, role, source in data["partners"]:
                record(
                    ForumPartner,
                    {"forum": forum, "organization": organizations[slug], "role": role},
                    sourced(source),
                )
            if data["outcome"]:
                document = self.load_outcome(data["outcome"], forum, themes, items)
                documents[data["outcome"]["slug"]] = document
        for data in (records.BLUEPRINT, records.CALL_TO_LOCAL_ACTION):
            documents[data["slug"]] = self.load_outcome(data, None, themes, items)

        self.load_figures(forums, documents)
        self.load_local_actions(cities, themes, items, documents)

        agreement = records.AGREEMENT
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
                "signed_on": agreement["signed_on"],
                "signed_precision": DatePrecision.DAY,
                "notes": agreement["notes"],
                **sourced((agreement["source"], "article")),
            },
        )

    def load_frameworks(self):
        record = self.loader.record
        items = {}
        for (
            code,
            slug,
            name,
            name_es,
            name_fr,
            adopted_on,
            precision,
            adopted_at,
            description,
            source,
        ) in records.FRAMEWORKS:
            framework = record(
                Framework,
                {"code": code},
                {
                    "slug": slug,
                    "name": name,
                    "name_es": name_es,
                    "name_fr": name_fr,
                    "adopted_on": adopted_on,
                    "adopted_precision": precision,
                    "adopted_at": adopted_at,
                    "description": description,
                    **sourced(source),
                },
            )
            # The whole framework is an item too, so a commitment can answer it as a
            # whole; its goals and objectives hang under it.
            items[code] = record(
                FrameworkItem,
                {"code": code},
                {
                    "framework": framework,
                    "parent": None,
                    "title": name,
                    "title_es": name_es,
                    "title_fr": name_fr,
                    **sourced(source),
                },
            )

        def item(framework_code, code, parent, title, title_es, title_fr, source, description=""):
            items[code] = record(
                FrameworkItem,
                {"code": code},
                {
                    "framework": items[framework_code].framework,
                    "parent": parent,
                    "title": title,
                    "title_es": title_es,
                    "title_fr": title_fr,
                    "description": description,
                    **sourced(source),
                },
            )

        for number, title, title_es, title_fr, official in records.GCM_OBJECTIVES:
            item(
                "GCM",
                f"GCM-{number}",
                items["GCM"],
                title,
                title_es,
                title_fr,
                ("gcm", "gcm-short-titles"),
                description=f"Objective {number}: {official}.",
            )
        for number, title, title_es, title_fr in records.GCR_OBJECTIVES:
            item("GCR", f"GCR-{number}", items["GCR"], title, title_es, title_fr, "gcr")
        for goal, title, title_es, title_fr in records.SDG_GOALS:
            item("SDG", f"SDG-{goal}", items["SDG"], title, title_es, title_fr, "sdg")
        for goal, target, title, title_es, title_fr in records.SDG_TARGETS:
            item("SDG", f"SDG-{target}", items[f"SDG-{goal}"], title, title_es, title_fr, "sdg")
        return items

    def load_outcome(self, data, forum, themes, items):
        return self.loader.record(
            OutcomeDocument,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "kind": data["kind"],
                "forum": forum,
                "adopted_on": data["adopted_on"],
                "adopted_precision": data["precision"],
                "summary": data["summary"],
                "language": "en",
                **sourced(data["source"]),
            },
            m2m={
                "themes": [themes[slug] for slug in data["themes"]],
                "framework_items": [items[code] for code in data["frameworks"]],
            },
        )

    def load_figures(self, forums, documents):
        for (
            subject,
            counted,
            value,
            qualifier,
            to_date,
            wording,
            as_of,
            precision,
            source,
        ) in records.FIGURES:
            kind, slug = subject.split(":")
            target = (forums if kind == "forum" else documents)[slug]
            about = {"forum": target} if kind == "forum" else {"outcome_document": target}
            self.loader.record(
                FigureClaim,
                {**about, "counted": counted, "source_url": sourced(source)["source_url"]},
                {
                    "value": value,
                    "qualifier": qualifier,
                    "to_date": to_date,
                    "wording": wording,
                    "as_of": as_of,
                    "as_of_precision": precision,
                    **sourced(source),
                },
            )

    # Cities' local actions (records/local_actions.toml) ----------------------------

    def load_local_actions(self, cities, themes, items, documents):
        data = read_local_actions()
        self.published = data["published"]
        record = self.loader.record
        for place in data["city"]:
            slug = place["slug"]
            if slug in cities:
                continue
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
            )
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


def read_local_actions(path=LOCAL_ACTIONS):
    with open(path, "rb") as file:
        data = tomllib.load(file)
    # The day the secretariat published the file's records on the site.
    data["published"] = datetime.datetime.combine(
        data["published"], datetime.time(0), tzinfo=datetime.UTC
    )
    data.setdefault("city", [])
    data.setdefault("item", [])
    return data


def partial_date(text):
    """A date the page gives as "2016", "2016-03" or "2016-03-16", with its precision."""
    if not text:
        return None, DatePrecision.DAY
    parts = [int(part) for part in str(text).split("-")]
    precision = (DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY)[len(parts) - 1]
    return datetime.date(*(parts + [1] * (3 - len(parts)))), precision


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
