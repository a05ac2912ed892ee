"""Records for the API tests: a small network of every kind, with drafts beside the
published commitments so that a leak shows."""

import datetime
import itertools

import pytest
from django.core.cache import cache
from model_bakery import baker
from rest_framework.test import APIClient

from cities.models import City, CityStaffMembership, Network, Organization
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from core.dates import DatePrecision
from forums.models import (
    Clause,
    Endorsement,
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

_serial = itertools.count(1)

HIDDEN_STATES = [
    Commitment.PublicationState.DRAFT,
    Commitment.PublicationState.SUBMITTED,
    Commitment.PublicationState.RETURNED,
]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The throttle counts requests in the cache: each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def make_city(**kwargs):
    n = next(_serial)
    kwargs.setdefault("name", f"Testville {n}")
    kwargs.setdefault("slug", f"testville-{n}")
    kwargs.setdefault("country", "ES")
    return baker.make(City, **kwargs)


def make_commitment(city, state=Commitment.PublicationState.PUBLISHED, **kwargs):
    n = next(_serial)
    kwargs.setdefault("title", f"Commitment {n}")
    kwargs.setdefault("status", Commitment.Status.IN_PROGRESS)
    kwargs.setdefault("progress", 40)
    return baker.make(Commitment, city=city, publication_state=state, **kwargs)


def make_network(size, barcelona, quito, athens, staff_user=None):
    """``size`` of each kind of record around the personas' cities.

    Returns a dict of what it made, for the tests to look at.
    """
    theme = baker.make(Theme, name=f"Housing {next(_serial)}", slug=f"housing-{next(_serial)}")
    framework = baker.make(
        Framework,
        code=f"SDG{next(_serial)}",
        slug=f"sdg-{next(_serial)}",
        name="Sustainable Development Goals",
        adopted_on=datetime.date(2015, 9, 1),
        adopted_precision=DatePrecision.MONTH,
    )
    goal = baker.make(
        FrameworkItem, framework=framework, code=f"{framework.code}-10", title="Goal 10"
    )
    target = baker.make(
        FrameworkItem,
        framework=framework,
        parent=goal,
        code=f"{framework.code}-10.7",
        title="Target 10.7",
    )
    network = baker.make(Network, name=f"Solidarity {next(_serial)}", slug=f"sol-{next(_serial)}")
    organization = baker.make(
        Organization, slug=f"knomad-{next(_serial)}", kind=Organization.Kind.MULTILATERAL
    )
    made = {
        "theme": theme,
        "framework": framework,
        "target": target,
        "network": network,
        "forums": [],
        "outcomes": [],
        "published": [],
        "hidden": [],
        "agreements": [],
        "practices": [],
    }
    for city in (barcelona, quito, athens):
        city.networks.add(network)
    for i in range(size):
        n = next(_serial)
        forum = baker.make(
            Forum,
            edition=n,
            slug=f"forum-{n}",
            title=f"Forum {n}",
            host_city=barcelona,
            start_date=datetime.date(2014, 6, 1),
            date_precision=DatePrecision.MONTH,
        )
        ForumParticipation.objects.create(forum=forum, city=barcelona, role="host")
        ForumParticipation.objects.create(forum=forum, city=quito, role="participant")
        ForumPartner.objects.create(forum=forum, organization=organization, role="co_founder")
        outcome = baker.make(
            OutcomeDocument,
            slug=f"outcome-{n}",
            title=f"Outcome {n}",
            kind=OutcomeDocument.Kind.CALL,
            forum=forum,
            adopted_on=datetime.date(2014, 6, 1),
            adopted_precision=DatePrecision.MONTH,
            full_text="# Call\n\nCities commit.",
        )
        outcome.themes.add(theme)
        outcome.framework_items.add(target)
        clause = Clause.objects.create(document=outcome, number="1", text="Cities act.")
        Endorsement.objects.create(
            document=outcome,
            city=quito,
            endorsed_on=datetime.date(2015, 11, 1),
            endorsed_precision=DatePrecision.MONTH,
        )
        published = make_commitment(
            barcelona,
            outcome_document=outcome,
            start_date=datetime.date(2015, 1, 1),
            created_by=staff_user,
            review_comment="internal curator note",
        )
        published.themes.add(theme)
        published.framework_items.add(target)
        published.clauses.add(clause)
        ProgressUpdate.objects.create(
            commitment=published,
            date=datetime.date(2016, 1, 1),
            text="Half way.",
            percent=50,
            reported_by=staff_user,
            verified_by=staff_user,
        )
        state = HIDDEN_STATES[i % len(HIDDEN_STATES)]
        hidden = make_commitment(
            barcelona,
            state=state,
            outcome_document=outcome,
            start_date=datetime.date(2015, 1, 1),
            title=f"Secret draft {n}",
        )
        hidden.themes.add(theme)
        hidden.framework_items.add(target)
        hidden.clauses.add(clause)
        agreement = baker.make(
            RelocationAgreement,
            origin=athens,
            destination=barcelona,
            people_pledged=100,
            network=network,
            framework_item=target,
            signed_on=datetime.date(2016, 3, 1),
            signed_precision=DatePrecision.MONTH,
            status=RelocationAgreement.Status.IN_PROGRESS,
        )
        Transfer.objects.create(
            agreement=agreement,
            date=datetime.date(2016, 5, 1),
            people=30,
            reported_by_city=barcelona,
            reported_by=staff_user,
        )
        made["forums"].append(forum)
        made["outcomes"].append(outcome)
        made["published"].append(published)
        made["hidden"].append(hidden)
        practice = baker.make(
            GoodPractice,
            slug=f"practice-{n}",
            title=f"Practice {n}",
            city=barcelona,
            forum=forum,
            description="A **welcome** desk.",
        )
        practice.themes.add(theme)
        Replication.objects.create(practice=practice, city=quito, note="Adapted.")
        Replication.objects.create(practice=practice, city=athens)
        made["agreements"].append(agreement)
        made["practices"].append(practice)
    return made


@pytest.fixture
def staff_reporter(django_user_model, barcelona):
    """A staff user who reports progress and transfers (no password: hashing is slow)."""
    user = baker.make(django_user_model, username="ana-staffer", email="ana@city.example")
    CityStaffMembership.objects.create(user=user, city=barcelona)
    return user


@pytest.fixture
def network(barcelona, quito, athens, staff_reporter):
    made = make_network(3, barcelona, quito, athens, staff_user=staff_reporter)
    made["staff"] = staff_reporter
    return made
