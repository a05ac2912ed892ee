"""The home page: the network at a glance, counting only what is public."""

import datetime
import re

import pytest
from django.utils import timezone
from model_bakery import baker

from cities.models import City
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from forums.models import Forum, OutcomeDocument

PUBLISHED = Commitment.PublicationState.PUBLISHED


def _total(html, label):
    match = re.search(rf">{re.escape(label)}(?:</a>)?</dt><dd>([\d,]+)</dd>", html)
    assert match, f"no total for {label}"
    return int(match.group(1).replace(",", ""))


def _status_count(html, status, label):
    """A row of the "Commitments by status" chart: the status, linked to its list."""
    link = f'<a href="/commitments/?status={status}">{label}</a>'
    match = re.search(rf"{re.escape(link)}</th>\s*<td class=\"num\">([\d,]+)</td>", html)
    assert match, f"no count for {status}"
    return int(match.group(1).replace(",", ""))


@pytest.mark.django_db
def test_home_shows_the_totals(client, barcelona, quito, athens):
    baker.make(Forum, host_city=barcelona, _quantity=2)
    baker.make(OutcomeDocument, _quantity=3)
    baker.make(
        Commitment, city=quito, status="in_progress", publication_state=PUBLISHED, _quantity=2
    )
    baker.make(Commitment, city=quito, status="planned", publication_state=PUBLISHED)
    agreement = baker.make(
        RelocationAgreement,
        origin=athens,
        destination=barcelona,
        people_pledged=100,
        signed_on=datetime.date(2016, 3, 1),
    )
    baker.make(RelocationAgreement, origin=athens, destination=quito, people_pledged=20)
    confirmed = datetime.datetime(2016, 7, 1, tzinfo=datetime.UTC)
    Transfer.objects.create(
        agreement=agreement,
        date=datetime.date(2016, 5, 1),
        people=30,
        reported_by_city=athens,
        confirmed_at=confirmed,
    )
    Transfer.objects.create(
        agreement=agreement,
        date=datetime.date(2016, 6, 1),
        people=12,
        reported_by_city=athens,
        confirmed_at=confirmed,
    )

    html = client.get("/").content.decode()

    assert _total(html, "Cities") == 3
    assert _total(html, "Forums") == 2
    assert _total(html, "Outcome documents") == 3
    assert _total(html, "Published commitments") == 3
    assert _total(html, "People pledged for relocation") == 120
    assert _total(html, "People relocated") == 42
    assert _status_count(html, "in_progress", "In progress") == 2
    assert _status_count(html, "planned", "Planned") == 1
    assert _status_count(html, "achieved", "Achieved") == 0
    # One count by status on the page (the chart), not a list beside it (issue 16).
    assert html.count("Commitments by status") == 1
    assert "2 agreements between cities: 42 of the 120 people pledged have been relocated." in html


@pytest.mark.django_db
def test_home_counts_never_include_unpublished_commitments(client, barcelona):
    baker.make(Commitment, city=barcelona, status="planned", publication_state=PUBLISHED)
    for state in ("draft", "submitted", "returned"):
        baker.make(Commitment, city=barcelona, status="planned", publication_state=state)

    html = client.get("/").content.decode()

    assert _total(html, "Published commitments") == 1
    assert _status_count(html, "planned", "Planned") == 1


@pytest.mark.django_db
def test_home_shows_the_latest_forum(client, barcelona, quito):
    baker.make(
        Forum, title="First forum", host_city=barcelona, start_date=datetime.date(2014, 6, 1)
    )
    baker.make(Forum, title="Second forum", host_city=quito, start_date=datetime.date(2015, 11, 1))

    html = client.get("/").content.decode()

    latest = html.split('id="home-latest-forum"')[1].split("</section>")[0]
    assert "Second forum" in latest
    assert "Quito" in latest
    assert "First forum" not in latest


@pytest.mark.django_db
def test_home_lists_recent_progress_updates_of_published_commitments_only(client, barcelona):
    public = baker.make(
        Commitment, city=barcelona, title="Public housing plan", publication_state=PUBLISHED
    )
    draft = baker.make(
        Commitment, city=barcelona, title="Secret draft plan", publication_state="draft"
    )
    today = timezone.localdate()
    baker.make(ProgressUpdate, commitment=public, date=today, text="Opened a shelter", percent=40)
    baker.make(ProgressUpdate, commitment=draft, date=today, text="Hidden progress", percent=10)

    html = client.get("/").content.decode()

    assert "Opened a shelter" in html
    assert "Public housing plan" in html
    assert "Hidden progress" not in html
    assert "Secret draft plan" not in html


@pytest.mark.django_db
def test_home_escapes_text_typed_by_staff(client, barcelona):
    public = baker.make(Commitment, city=barcelona, publication_state=PUBLISHED)
    baker.make(
        ProgressUpdate,
        commitment=public,
        date=timezone.localdate(),
        text="<script>alert(1)</script>",
        percent=5,
    )
    html = client.get("/").content.decode()
    # Sanitized Markdown, as on every surface (issue 10): the script is stripped.
    assert "<script>alert(1)" not in html
    assert "alert(1)" not in html


@pytest.mark.django_db
def test_home_works_on_an_empty_database_and_links_the_feed(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No forum has been recorded yet." in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/updates/"' in html


def _network(size):
    cities = baker.make(City, _quantity=size)
    for n, city in enumerate(cities):
        forum = baker.make(Forum, host_city=city)
        baker.make(OutcomeDocument, forum=forum)
        for state in ("draft", PUBLISHED):
            commitment = baker.make(
                Commitment, city=city, publication_state=state, published_at=timezone.now()
            )
            baker.make(
                ProgressUpdate,
                commitment=commitment,
                date=timezone.localdate(),
                percent=50,
                _quantity=2,
            )
        agreement = baker.make(
            RelocationAgreement, origin=city, destination=cities[n - 1], people_pledged=10
        )
        Transfer.objects.create(agreement=agreement, date=timezone.localdate(), people=1)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_home_query_budget(client, django_assert_max_num_queries, size):
    _network(size)
    # Four counts (published commitments among them), the agreements' people totals, the latest
    # forum, recent updates, recently published commitments: 9; the visuals
    # include (map and charts) adds its own few on top, and what the record holds two
    # (commitments by initiative, practices).
    with django_assert_max_num_queries(18):
        response = client.get("/")
    assert response.status_code == 200
