"""Small builders for the public pages' tests: records with the relations the pages show.

model-bakery fills what a test does not care about; these set what the database's
rules need (progress 0-100, achieved at 100, a pledge of at least one person).
"""

import datetime
import itertools

from django.utils import timezone
from model_bakery import baker

from cities.models import City, Network, Organization, SteeringPartner
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from forums.models import (
    Clause,
    Endorsement,
    FigureClaim,
    Forum,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    GoodPractice,
    OutcomeDocument,
    Replication,
    Theme,
)

PUBLISHED = Commitment.PublicationState.PUBLISHED
NOT_PUBLIC_STATES = [
    Commitment.PublicationState.DRAFT,
    Commitment.PublicationState.SUBMITTED,
    Commitment.PublicationState.RETURNED,
]

_numbers = itertools.count(1)


def city(slug, country="ES", **fields):
    fields.setdefault("name", slug.replace("-", " ").title())
    return baker.make(City, slug=slug, country=country, **fields)


def theme(slug):
    return baker.make(Theme, slug=slug, name=slug.replace("-", " ").capitalize())


def framework_item(code):
    framework, _ = Framework.objects.get_or_create(
        code=code.split("-")[0], defaults={"slug": code.split("-")[0].lower(), "name": "SDGs"}
    )
    return baker.make(FrameworkItem, framework=framework, code=code, title=f"Target {code}")


def forum(host, edition, year, **fields):
    fields.setdefault("title", f"Mayoral Forum {edition}")
    return baker.make(
        Forum,
        host_city=host,
        edition=edition,
        slug=f"forum-{edition}",
        start_date=datetime.date(year, 6, 1),
        **fields,
    )


def outcome(slug, forum=None, kind=OutcomeDocument.Kind.CALL, adopted_on=None, **fields):
    fields.setdefault("title", slug.replace("-", " ").title())
    return baker.make(
        OutcomeDocument, slug=slug, forum=forum, kind=kind, adopted_on=adopted_on, **fields
    )


def commitment(city, *, state=PUBLISHED, status=Commitment.Status.PLANNED, progress=None,
               **fields):  # fmt: skip
    if progress is None:
        progress = 100 if status == Commitment.Status.ACHIEVED else 0
    fields.setdefault("title", f"Commitment {next(_numbers)}")
    if state == PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    return baker.make(
        Commitment,
        city=city,
        publication_state=state,
        status=status,
        progress=progress,
        **fields,
    )


def agreement(origin, destination, pledged=100, **fields):
    fields.setdefault("status", RelocationAgreement.Status.SIGNED)
    return baker.make(
        RelocationAgreement,
        origin=origin,
        destination=destination,
        people_pledged=pledged,
        population_group=fields.pop("population_group", "refugees"),
        **fields,
    )


def transfer(agreement, people, *, date=None, reported_by_city=None, confirmed=False):
    if confirmed and reported_by_city is None:
        # One city reports, the other confirms (a transfer the secretariat entered is
        # confirmed only by both cities, through the workflow).
        reported_by_city = agreement.origin
    return Transfer.objects.create(
        agreement=agreement,
        people=people,
        date=date or timezone.localdate(),
        reported_by_city=reported_by_city,
        confirmed_at=timezone.now() if confirmed else None,
    )


def figure(*, value, **subject):
    return FigureClaim.objects.create(
        **subject,
        counted=FigureClaim.Counted.SIGNATORIES,
        value=value,
        source_url=f"https://example.org/source-{value}",
    )


def populate(size):
    """``size`` records of every kind, each with the related rows its pages show, so
    that a page which queried once per row would show it in its query count."""
    themes = [theme(f"theme-{n}") for n in range(3)]
    items = [framework_item(f"SDG-{n}.7") for n in range(2)]
    network = baker.make(Network, slug="network", name="Network")
    organization = baker.make(Organization, slug="org", name="Org", kind="multilateral")
    for n in range(2):
        partner = baker.make(
            Organization, slug=f"steer-{n}", name=f"Steer {n}", kind="city_network"
        )
        SteeringPartner.objects.create(organization=organization, partner=partner)
    cities = [
        city(f"city-{n}", country=["ES", "EC", "GR", "PH"][n % 4], population=1000 * n)
        for n in range(max(size, 2))
    ]
    for each in cities:
        each.networks.add(network)
    forums = [forum(cities[n % len(cities)], edition=n + 1, year=2014 + n) for n in range(size)]
    documents = []
    for n, each in enumerate(forums):
        ForumPartner.objects.create(forum=each, organization=organization, role="supporter")
        for other in cities[:3]:
            ForumParticipation.objects.get_or_create(forum=each, city=other)
        document = outcome(
            f"outcome-{n}", forum=each, adopted_on=each.start_date, full_text="**Text**"
        )
        document.themes.set(themes[:2])
        document.framework_items.set(items)
        for other in cities[:3]:
            Endorsement.objects.create(document=document, city=other)
        for number in range(3):
            Clause.objects.create(document=document, number=str(number + 1), text="Clause")
        for value in (64, 76):
            figure(forum=each, value=value)
            figure(outcome_document=document, value=value)
        documents.append(document)
    for n in range(size):
        owner = cities[n % len(cities)]
        document = documents[n % len(documents)]
        made = commitment(
            owner,
            status=Commitment.Status.values[n % 4],
            outcome_document=document,
            start_date=datetime.date(2015 + n % 3, 1, 1),
            target_date=datetime.date(2020, 1, 1),
        )
        made.themes.set(themes)
        made.framework_items.set(items)
        made.clauses.set(document.clauses.all()[:2])
        for day in range(2):
            ProgressUpdate.objects.create(
                commitment=made, date=datetime.date(2020, 1, 1 + day), text="Done", percent=10
            )
        made.title = f"{made.title} (edited)"
        made.save()
        commitment(owner, state=Commitment.PublicationState.DRAFT, outcome_document=document)
    for n in range(size):
        origin, destination = cities[n % len(cities)], cities[(n + 1) % len(cities)]
        made = agreement(origin, destination, pledged=50, network=network)
        transfer(made, 5, reported_by_city=origin, confirmed=True)
        transfer(made, 5, reported_by_city=destination)
    for n in range(size):
        practice = baker.make(GoodPractice, city=cities[0], slug=f"practice-{n}", title="P")
        for other in cities[1:3]:
            Replication.objects.create(practice=practice, city=other)
    return cities
