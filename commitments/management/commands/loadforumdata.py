"""Loads the network's real records (forums/records.py), each fact with its source.

It lives in the commitments app because the record spans every domain app, the
relocation agreements (commitments) included.

Safe to run on every start (``bin/run`` does): it creates what is missing, keeps the
loaded records up to date with the sources, and never undoes a person's edit. A record
changed since it was loaded (a curator's correction in the admin, say) is left alone
and named in the output; ``--reset`` overwrites such records after naming each one.
The rules are in ``core.loading``. A second run writes nothing, not even history.
"""

import datetime
import tomllib
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
from core.loading import RecordLoader
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

LOADER = "loadforumdata"
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
        "Load the Mayoral Forum's real records from their sources. Idempotent; never "
        "overwrites a record changed since it was loaded unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite records changed since they were loaded (each is named first).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be written or left alone, and write nothing.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="With --reset, overwrite without asking for confirmation.",
        )

    def handle(self, *args, reset=False, dry_run=False, interactive=True, **options):
        verbosity = options.get("verbosity", 1)
        say = self.stdout.write if verbosity >= 1 else None
        try:
            with transaction.atomic():
                self.loader = RecordLoader(LOADER, reset=reset, say=say)
                self.load()
                outcome = self.loader.outcome
                if outcome.overwritten and reset and interactive and not dry_run:
                    self.confirm(outcome.overwritten)
                if dry_run:
                    raise _Declined
        except _Declined:
            if not dry_run:
                raise CommandError(
                    "Nothing was written: the overwrites were not confirmed."
                ) from None
        self.report(self.loader.outcome, dry_run)

    def confirm(self, overwritten):
        self.stdout.write(f"--reset will overwrite {len(overwritten)} record(s):")
        for label in overwritten:
            self.stdout.write(f"  - {label}")
        if input("Type 'yes' to overwrite them: ").strip().lower() != "yes":
            raise _Declined

    def report(self, outcome, dry_run):
        if outcome.kept:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(outcome.kept)} record(s) changed since they were loaded were left "
                    "alone (named above); loadforumdata --reset overwrites them."
                )
            )
        prefix = "Dry run, nothing written: would have" if dry_run else "Forum records:"
        if outcome.written:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{prefix} {len(outcome.created)} created, {len(outcome.updated)} "
                    f"updated, {len(outcome.overwritten)} overwritten."
                )
            )
        else:
            self.stdout.write("Forum records already up to date: nothing changed.")

    # The records -------------------------------------------------------------------

    def load(self):
        record = self.loader.record
        themes = {}
        for slug, name, name_es, name_fr in records.THEMES:
            themes[slug] = record(
                Theme,
                f"theme:{slug}",
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
            f"network:{network['slug']}",
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
            member = slug in network["members"] and network_obj is not None
            m2m = {"networks": [network_obj]} if member else None
            cities[slug] = record(City, f"city:{slug}", {"slug": slug}, values, m2m=m2m)

        organizations = {}
        for slug, name, kind, website, description, source in records.ORGANIZATIONS:
            organizations[slug] = record(
                Organization,
                f"organization:{slug}",
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
            if organizations.get(steered) and organizations.get(partner):
                record(
                    SteeringPartner,
                    f"steering:{steered}:{partner}",
                    {"organization": organizations[steered], "partner": organizations[partner]},
                    {
                        "organization": organizations[steered],
                        "partner": organizations[partner],
                        **sourced(source),
                    },
                )

        items = self.load_frameworks()

        documents = {}
        forums = {}
        for data in records.FORUMS:
            forum = record(
                Forum,
                f"forum:{data['edition']}",
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
            if forum is None:
                continue  # deleted by a curator since it was loaded: so are its parts
            forums[data["slug"]] = forum
            if cities.get(data["host"]):
                record(
                    ForumParticipation,
                    f"participation:{data['edition']}:{data['host']}",
                    {"forum": forum, "city": cities[data["host"]]},
                    {"role": ForumParticipation.Role.HOST, **sourced(data["source"])},
                )
            for slug, role, source in data["partners"]:
                if organizations.get(slug) is None:
                    continue
                record(
                    ForumPartner,
                    f"partner:{data['edition']}:{slug}:{role}",
                    {"forum": forum, "organization": organizations[slug], "role": role},
                    sourced(source),
                )
            if data["outcome"]:
                document = self.load_outcome(data["outcome"], forum, themes, items)
                documents[data["outcome"]["slug"]] = document
        for data in (records.BLUEPRINT, records.CALL_TO_LOCAL_ACTION):
            documents[data["slug"]] = self.load_outcome(data, None, themes, items)

        self.load_figures(forums, documents)
        self.load_local_actions(cities, network_obj, themes, items, documents)

        agreement = records.AGREEMENT
        origin, destination = cities.get(agreement["origin"]), cities.get(agreement["destination"])
        if origin and destination:
            record(
                RelocationAgreement,
                f"agreement:{agreement['origin']}:{agreement['destination']}",
                {"origin": origin, "destination": destination},
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
                f"framework:{code}",
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
            if framework is None:
                continue
            # The whole framework is an item too, so a commitment can answer it as a
            # whole; its goals and objectives hang under it.
            items[code] = record(
                FrameworkItem,
                f"item:{code}",
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
            if items.get(framework_code) is None or parent is None:
                return None
            items[code] = record(
                FrameworkItem,
                f"item:{code}",
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
            return items[code]

        for number, title, title_es, title_fr, official in records.GCM_OBJECTIVES:
            item(
                "GCM",
                f"GCM-{number}",
                items.get("GCM"),
                title,
                title_es,
                title_fr,
                ("gcm", "gcm-short-titles"),
                description=f"Objective {number}: {official}.",
            )
        for number, title, title_es, title_fr in records.GCR_OBJECTIVES:
            item("GCR", f"GCR-{number}", items.get("GCR"), title, title_es, title_fr, "gcr")
        for goal, title, title_es, title_fr in records.SDG_GOALS:
            item("SDG", f"SDG-{goal}", items.get("SDG"), title, title_es, title_fr, "sdg")
        for goal, target, title, title_es, title_fr in records.SDG_TARGETS:
            parent = items.get(f"SDG-{goal}")
            item("SDG", f"SDG-{target}", parent, title, title_es, title_fr, "sdg")
        return items

    def load_outcome(self, data, forum, themes, items):
        return self.loader.record(
            OutcomeDocument,
            f"outcome:{data['slug']}",
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
                "themes": [themes[slug] for slug in data["themes"] if themes.get(slug)],
                "framework_items": [items[code] for code in data["frameworks"] if items.get(code)],
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
            target = (forums if kind == "forum" else documents).get(slug)
            if target is None:
                continue
            about = {"forum": target} if kind == "forum" else {"outcome_document": target}
            url = sourced(source)["source_url"]
            self.loader.record(
                FigureClaim,
                f"figure:{subject}:{counted}:{source}",
                {**about, "counted": counted, "source_url": url},
                {
                    **about,
                    "counted": counted,
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

    def load_local_actions(self, cities, network, themes, items, documents):
        data = read_local_actions()
        self.published = data["published"]
        record = self.loader.record
        for place in data["city"]:
            slug = place["slug"]
            if slug in cities:
                continue
            cities[slug] = record(
                City,
                f"city:{slug}",
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
            city = cities.get(entry["city"])
            if city is None:
                continue
            if entry["kind"] == "practice":
                self.load_practice(entry, city, themes)
            elif entry["kind"] == "agreement":
                self.load_pledge(entry, city, cities, network)
            else:
                loaded[entry["id"]] = self.load_commitment(
                    entry, city, cities, themes, items, documents
                )
        for entry in data["item"]:
            answers = loaded.get(entry.get("answers"))
            commitment = loaded.get(entry["id"])
            # Set once both are loaded; a second run finds it set and writes nothing.
            if commitment and answers and commitment.answers_id is None:
                commitment.answers = answers
                commitment.save(update_fields=["answers"])

    def load_commitment(self, entry, city, cities, themes, items, documents):
        start, start_precision = partial_date(entry.get("start"))
        target, target_precision = partial_date(entry.get("end"))
        amount = entry.get("amount")
        initiative = INITIATIVES.get(entry.get("initiative"), Commitment.Initiative.OTHER)
        codes = [f"GCM-{n}" for n in entry.get("gcm", [])]
        codes += [f"SDG-{t}" for t in entry.get("sdg", [])]
        commitment = self.loader.record(
            Commitment,
            f"local-action:{entry['id']}",
            {"title": entry["title"], "city": city},
            {
                "city": city,
                "title": entry["title"],
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
                "outcome_document": documents.get("call-to-local-action")
                if initiative == Commitment.Initiative.CALL_TO_LOCAL_ACTION
                else None,
                "publication_state": Commitment.PublicationState.PUBLISHED,
                "published_at": self.published,
                **entry_source(entry),
            },
            m2m={
                "themes": [themes[slug] for slug in entry.get("themes", []) if themes.get(slug)],
                "framework_items": [items[code] for code in codes if items.get(code)],
            },
        )
        if commitment is None:
            return None
        for slug in entry.get("partners", []):
            if cities.get(slug) is None:
                continue
            self.loader.record(
                CommitmentPartner,
                f"local-action:{entry['id']}:partner:{slug}",
                {"commitment": commitment, "city": cities[slug]},
                {
                    "commitment": commitment,
                    "city": cities[slug],
                    "role": entry.get("partner_roles", ""),
                    **entry_source(entry),
                },
            )
        for n, update in enumerate(entry.get("update", []), start=1):
            date, precision = partial_date(update["date"])
            self.loader.record(
                ProgressUpdate,
                f"local-action:{entry['id']}:update:{n}",
                {"commitment": commitment, "evidence_url": update["source_url"]},
                {
                    "commitment": commitment,
                    "date": date,
                    "date_precision": precision,
                    "text": f"{update['text']}\n\nSource: {citation_of(update)}",
                    "percent": None,
                    "evidence_url": update["source_url"],
                    "reported_by_city": False,
                    "verified": True,
                },
            )
        return commitment

    def load_practice(self, entry, city, themes):
        self.loader.record(
            GoodPractice,
            f"local-action:{entry['id']}",
            {"slug": entry["id"].lower()},
            {
                "title": entry["title"],
                "city": city,
                "description": described(entry),
                **entry_source(entry),
            },
            m2m={"themes": [themes[slug] for slug in entry.get("themes", []) if themes.get(slug)]},
        )

    def load_pledge(self, entry, city, cities, network):
        origin = cities.get(entry["from"])
        if origin is None:
            return
        signed, precision = partial_date(entry.get("start"))
        self.loader.record(
            RelocationAgreement,
            f"local-action:{entry['id']}",
            {"origin": origin, "destination": city},
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
