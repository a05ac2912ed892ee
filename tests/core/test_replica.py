"""With a read replica (DATABASE_REPLICA_URL), anonymous public pages and the API read
from it; writes, logged-in pages, the admin, the portal and the accounts pages use the
primary. Both aliases point at the one test database (a test mirror, tests/conftest.py),
so each test counts which connection ran the queries."""

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from model_bakery import baker

from commitments.models import Commitment
from core.replica import ReadReplicaRouter, reading_from_replica

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("with_replica"),
]


@pytest.fixture
def with_replica():
    with override_settings(DATABASE_ROUTERS=["core.replica.ReadReplicaRouter"]):
        yield


def _queries(client, method, path, **kwargs):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(path, **kwargs)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response, len(primary), len(replica)


@pytest.fixture
def published(barcelona):
    return baker.make(
        Commitment,
        city=barcelona,
        title="Open a reception centre",
        publication_state=Commitment.PublicationState.PUBLISHED,
    )


@pytest.mark.parametrize(
    "path",
    [
        "/commitments/",
        "/es/commitments/",
        "/cities/",
        "/api/commitments/",
        "/commitments/?format=csv",
    ],  # fmt: skip
)
def test_anonymous_public_pages_and_the_api_read_from_the_replica(client, published, path):
    response, primary, replica = _queries(client, "get", path)
    assert response.status_code == 200
    assert replica > 0 and primary == 0


def test_a_public_record_page_reads_from_the_replica(client, published):
    response, primary, replica = _queries(client, "get", f"/commitments/{published.pk}/")
    assert response.status_code == 200
    assert replica > 0 and primary == 0


def test_a_logged_in_person_reads_from_the_primary_even_on_public_pages(
    client, published, barcelona_staff
):
    client.force_login(barcelona_staff)
    for path in ("/commitments/", reverse("portal:dashboard")):
        response, primary, replica = _queries(client, "get", path)
        assert response.status_code == 200
        assert primary > 0 and replica == 0, path


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_account_and_admin_pages_read_from_the_primary(client, path):
    response, primary, replica = _queries(client, "get", path)
    assert response.status_code == 200
    assert replica == 0


def test_a_post_writes_and_reads_on_the_primary(client, curator):
    response, primary, replica = _queries(
        client, "post", "/accounts/login/", data={"username": "curator", "password": "wrong"}
    )
    assert response.status_code == 200
    assert primary > 0 and replica == 0


def test_writes_always_go_to_the_primary_and_the_flag_ends_with_the_request():
    router = ReadReplicaRouter()
    token = reading_from_replica.set(True)
    try:
        assert router.db_for_read(Commitment) == "replica"
        assert router.db_for_write(Commitment) == "default"
        assert not router.allow_migrate("replica", "commitments")
    finally:
        reading_from_replica.reset(token)
    assert router.db_for_read(Commitment) == "default"


def test_a_download_reads_its_rows_from_the_replica(client, published):
    """The rows of a download are read in a thread of their own, where the router
    cannot see the request: they must still come from the replica's connection."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        body = b"".join(client.get("/commitments/?format=csv").streaming_content).decode()
    assert published.title in body
    reading_rows = [
        query for query in replica if '"commitments_commitment"."title"' in query["sql"]
    ]
    assert reading_rows and not list(primary)
