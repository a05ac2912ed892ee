"""Records the portal tests act on: one of each kind per city, titled so that a leak
of one city's record into another city's page is easy to spot."""

import datetime

import pytest
from model_bakery import baker

from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from tests.conftest import staff_user_of

PUBLISHED = Commitment.PublicationState.PUBLISHED


@pytest.fixture
def make_commitment():
    def make(city, title, state=Commitment.PublicationState.DRAFT, **kwargs):
        return baker.make(Commitment, city=city, title=title, publication_state=state, **kwargs)

    return make


@pytest.fixture
def barcelona_draft(make_commitment, barcelona):
    return make_commitment(barcelona, "Barcelona secret draft on reception")


@pytest.fixture
def barcelona_published(make_commitment, barcelona):
    return make_commitment(barcelona, "Barcelona published housing plan", PUBLISHED)


@pytest.fixture
def quito_draft(make_commitment, quito):
    return make_commitment(quito, "Quito secret draft on labour mobility")


@pytest.fixture
def athens_to_barcelona(athens, barcelona):
    return baker.make(
        RelocationAgreement,
        origin=athens,
        destination=barcelona,
        people_pledged=100,
        signed_on=datetime.date(2016, 3, 1),
        notes="",
    )


@pytest.fixture
def transfer_reported_by_athens(athens_to_barcelona, athens):
    return Transfer.objects.create(
        agreement=athens_to_barcelona,
        date=datetime.date(2016, 6, 1),
        people=10,
        reported_by_city=athens,
    )


@pytest.fixture
def barcelona_update(barcelona_published, barcelona_staff):
    return ProgressUpdate.objects.create(
        commitment=barcelona_published,
        date=datetime.date(2024, 1, 10),
        text="Barcelona secret progress note",
        percent=20,
        reported_by=barcelona_staff,
    )


@pytest.fixture
def login(client):
    def log_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return log_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The personas are created with a password for every test; the production hasher
    # is deliberately slow and would make the permission matrix take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def athens_staff(django_user_model, athens):
    return staff_user_of(django_user_model, "athens-staff", athens)


@pytest.fixture
def second_barcelona_staff(django_user_model, barcelona):
    return staff_user_of(django_user_model, "barcelona-staff-2", barcelona)
