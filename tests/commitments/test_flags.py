"""Stale and overdue: one definition each, and public filters on both."""

import datetime

import pytest
from django.utils import timezone
from model_bakery import baker

from commitments.models import Commitment, ProgressUpdate
from tests import builders

TODAY = timezone.localdate()
LONG_AGO = timezone.now() - datetime.timedelta(days=800)
RECENTLY = timezone.now() - datetime.timedelta(days=10)


def _update(commitment, days_ago):
    baker.make(
        ProgressUpdate,
        commitment=commitment,
        date=TODAY - datetime.timedelta(days=days_ago),
        text="news",
        percent=10,
    )


@pytest.fixture
def commitments(barcelona, settings):
    settings.STALE_AFTER_DAYS = 365
    made = {
        # Published long ago and never updated: stale (it used to count from creation).
        "never-updated": builders.commitment(barcelona, title="never", published_at=LONG_AGO),
        "published-recently": builders.commitment(
            barcelona, title="recent", published_at=RECENTLY
        ),
        "old-update": builders.commitment(barcelona, title="old", published_at=LONG_AGO),
        "fresh-update": builders.commitment(barcelona, title="fresh", published_at=LONG_AGO),
        "achieved": builders.commitment(
            barcelona, title="done", status="achieved", published_at=LONG_AGO
        ),
        "overdue": builders.commitment(
            barcelona,
            title="late",
            published_at=RECENTLY,
            target_date=TODAY - datetime.timedelta(days=1),
        ),
    }
    _update(made["old-update"], 400)
    _update(made["fresh-update"], 400)
    _update(made["fresh-update"], 3)
    # Loaded or created today, as a data load does: the publication date is what counts.
    Commitment.objects.update(created_at=timezone.now())
    return made


def _titles(queryset):
    return sorted(c.title for c in queryset)


def test_stale_counts_from_the_last_update_or_else_from_publication(commitments):
    flags = {c.title: c.is_stale for c in Commitment.objects.with_flags()}
    assert flags == {
        "never": True, "recent": False, "old": True, "fresh": False, "done": False,
        "late": False,
    }  # fmt: skip
    assert _titles(Commitment.objects.stale()) == ["never", "old"]
    assert _titles(Commitment.objects.stale(False)) == ["done", "fresh", "late", "recent"]
    assert _titles(Commitment.objects.overdue()) == ["late"]
    assert len(Commitment.objects.overdue(False)) == 5


def _list_titles(client, query):
    response = client.get(f"/commitments/?{query}")
    assert response.status_code == 200
    return sorted(row.title for row in response.context["rows"])


def test_the_list_filters_on_stale_and_overdue(client, commitments):
    assert _list_titles(client, "stale=true") == ["never", "old"]
    assert _list_titles(client, "stale=false") == ["done", "fresh", "late", "recent"]
    assert _list_titles(client, "overdue=true") == ["late"]
    assert _list_titles(client, "overdue=true&stale=true") == []
    html = client.get("/commitments/?stale=true").content.decode()
    assert 'name="stale"' in html and 'name="overdue"' in html
    assert "Stale" in html


def test_downloads_and_the_api_filter_the_same_way(client, commitments):
    body = client.get("/api/commitments/?stale=true").json()
    assert sorted(row["title"] for row in body["results"]) == ["never", "old"]
    assert all(row["stale"] for row in body["results"])
    assert sorted(
        row["title"] for row in client.get("/api/commitments/?overdue=false").json()["results"]
    ) == ["done", "fresh", "never", "old", "recent"]
    download = b"".join(client.get("/commitments/?stale=true&format=csv").streaming_content)
    assert download.decode().count("\n") == 3  # the header and two rows


@pytest.mark.parametrize("query", ["stale=maybe", "overdue=1", "stale=true&stale=yes"])
def test_a_bad_flag_value_is_a_400(client, commitments, query):
    assert client.get(f"/commitments/?{query}").status_code == 400
    response = client.get(f"/api/commitments/?{query}")
    assert response.status_code == 400
    assert response.json()
