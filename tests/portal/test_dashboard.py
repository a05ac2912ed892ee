"""The portal's front page: each of the user's cities with its commitments by
publication state and status, flags, agreements and transfers to confirm; the
curators' queues; a bounded number of queries whatever the data size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer

States = Commitment.PublicationState


def test_commitments_are_grouped_by_publication_state_with_status_counts(
    client, barcelona_staff, barcelona, make_commitment
):
    make_commitment(barcelona, "Draft one")
    make_commitment(barcelona, "Returned one", States.RETURNED, review_comment="Add a date.")
    make_commitment(barcelona, "Submitted one", States.SUBMITTED, status="in_progress")
    make_commitment(barcelona, "Published one", States.PUBLISHED, status="in_progress")
    client.force_login(barcelona_staff)
    response = client.get(reverse("portal:dashboard"))
    (city,) = response.context["cities"]
    groups = {g["state"]: [c.title for c in g["items"]] for g in city.commitment_groups}
    assert groups == {
        "returned": ["Returned one"],
        "draft": ["Draft one"],
        "submitted": ["Submitted one"],
        "published": ["Published one"],
    }
    assert dict(city.status_counts)["planned"] == 2
    assert dict(city.status_counts)["in progress"] == 2
    body = response.content.decode()
    assert "Curator's comment:" in body and "Add a date." in body
    for title in ("Draft one", "Returned one", "Submitted one", "Published one"):
        assert title in body


def test_overdue_and_stale_commitments_are_flagged(
    client, barcelona_staff, barcelona, make_commitment
):
    today = timezone.localdate()
    make_commitment(
        barcelona, "Late one", States.PUBLISHED, target_date=today - datetime.timedelta(days=1)
    )
    stale = make_commitment(barcelona, "Quiet one", States.PUBLISHED)
    ProgressUpdate.objects.create(
        commitment=stale, date=today - datetime.timedelta(days=800), text="old", percent=5
    )
    make_commitment(
        barcelona,
        "Done one",
        States.PUBLISHED,
        status="achieved",
        progress=100,
        target_date=today - datetime.timedelta(days=1),
    )
    client.force_login(barcelona_staff)
    response = client.get(reverse("portal:dashboard"))
    (city,) = response.context["cities"]
    flags = {
        c.title: (bool(c.is_overdue), bool(c.is_stale))
        for g in city.commitment_groups
        for c in g["items"]
    }
    assert flags == {
        "Late one": (True, False),
        "Quiet one": (False, True),
        "Done one": (False, False),
    }
    body = response.content.decode()
    assert body.count('class="badge badge-overdue"') == 1
    assert body.count('class="badge badge-stale"') == 1


def test_agreements_show_pledged_against_relocated(
    client, barcelona_staff, athens_to_barcelona, transfer_reported_by_athens
):
    client.force_login(barcelona_staff)
    response = client.get(reverse("portal:dashboard"))
    body = response.content.decode()
    assert "Athens → Barcelona" in body
    # Athens reported it; it counts as relocated once Barcelona confirms (issue 10).
    assert "0 relocated of 100 pledged (90 remaining)" in body
    assert "10 reported by Athens, awaiting Barcelona’s confirmation" in body
    assert reverse("portal:transfer-create", args=[athens_to_barcelona.pk]) in body


def test_a_user_attached_to_no_city_is_told_what_to_do(client, django_user_model):
    user = django_user_model.objects.create_user("newcomer", password="x")
    client.force_login(user)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "not attached to a city yet" in body


def _fill(city, other, n):
    """n commitments in each publication state, n agreements each with n transfers."""
    today = timezone.localdate()
    for state in States.values:
        for i in range(n):
            commitment = baker.make(
                Commitment,
                city=city,
                title=f"{city.name} {state} {i}",
                publication_state=state,
                pending_changes={"title": "proposed"} if state == States.PUBLISHED else {},
                target_date=today - datetime.timedelta(days=i),
            )
            if state == States.PUBLISHED:
                ProgressUpdate.objects.create(
                    commitment=commitment, date=today, text="u", percent=10
                )
    for i in range(n):
        agreement = baker.make(
            RelocationAgreement,
            origin=other,
            destination=city,
            people_pledged=1000,
            signed_on=datetime.date(2016, 1, 1),
        )
        for j in range(n):
            Transfer.objects.create(
                agreement=agreement,
                date=datetime.date(2016, 2, 1) + datetime.timedelta(days=j),
                people=1,
                reported_by_city=other if (i + j) % 2 else city,
            )


# Staff: session, user, curator check (groups) x2, cities, commitments, agreements,
# their unconfirmed transfers.
STAFF_QUERIES = 8
# Curator: session, user, curator check (groups) x2, cities, review queue, unverified
# updates.
CURATOR_QUERIES = 7


@pytest.mark.parametrize("size", [1, 15])
def test_staff_dashboard_queries_do_not_grow_with_the_data(
    client, barcelona_staff, barcelona, athens, django_assert_max_num_queries, size
):
    _fill(barcelona, athens, size)
    client.force_login(barcelona_staff)
    with django_assert_max_num_queries(STAFF_QUERIES):
        response = client.get(reverse("portal:dashboard"))
    (city,) = response.context["cities"]
    assert city.commitment_count == size * len(States.values)
    assert len(city.agreements) == size


@pytest.mark.parametrize("size", [1, 15])
def test_curator_dashboard_queries_do_not_grow_with_the_data(
    client, curator, barcelona, athens, django_assert_max_num_queries, size
):
    _fill(barcelona, athens, size)
    client.force_login(curator)
    with django_assert_max_num_queries(CURATOR_QUERIES):
        response = client.get(reverse("portal:dashboard"))
    assert len(response.context["review_queue"]) == 2 * size
    assert len(response.context["unverified_updates"]) == size
