"""Atom feeds of progress updates: the network's and one city's, public records only."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from model_bakery import baker

from cities.models import City
from commitments.models import Commitment, ProgressUpdate

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED = Commitment.PublicationState.PUBLISHED


def _entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def _update(commitment, text, percent=50, **kwargs):
    return baker.make(
        ProgressUpdate,
        commitment=commitment,
        date=kwargs.pop("date", timezone.localdate()),
        text=text,
        percent=percent,
        **kwargs,
    )


@pytest.mark.django_db
def test_network_feed_lists_new_updates_of_published_commitments(client, barcelona, quito):
    housing = baker.make(Commitment, city=barcelona, title="Housing", publication_state=PUBLISHED)
    schools = baker.make(Commitment, city=quito, title="Schools", publication_state=PUBLISHED)
    first = _update(housing, "Site chosen", percent=10)
    second = _update(schools, "Teachers hired", percent=30)

    entries = _entries(client.get("/feeds/updates/"))

    assert [entry["title"] for entry in entries] == [
        "Quito: Schools at 30%",
        "Barcelona: Housing at 10%",
    ]
    assert entries[0]["link"] == f"http://testserver/commitments/{schools.pk}/#update-{second.pk}"
    assert entries[1]["id"] == f"http://testserver/commitments/{housing.pk}/#update-{first.pk}"
    assert "Teachers hired" in entries[0]["summary"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
@pytest.mark.parametrize("path", ["/feeds/updates/", "/cities/barcelona/feed/"])
def test_feeds_never_carry_updates_of_unpublished_commitments(client, barcelona, path, state):
    hidden = baker.make(Commitment, city=barcelona, title="Secret plan", publication_state=state)
    _update(hidden, "Hidden progress")

    response = client.get(path)

    assert _entries(response) == []
    assert b"Secret plan" not in response.content
    assert b"Hidden progress" not in response.content


@pytest.mark.django_db
def test_city_feed_follows_one_city(client, barcelona, quito):
    ours = baker.make(Commitment, city=barcelona, title="Housing", publication_state=PUBLISHED)
    theirs = baker.make(Commitment, city=quito, title="Schools", publication_state=PUBLISHED)
    _update(ours, "Ours")
    _update(theirs, "Theirs")

    response = client.get("/cities/barcelona/feed/")

    assert [entry["title"] for entry in _entries(response)] == ["Barcelona: Housing at 50%"]
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert "Barcelona" in feed.findtext(f"{ATOM}title")
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://testserver/cities/barcelona/"
    )
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == (
        "http://testserver/cities/barcelona/feed/"
    )


@pytest.mark.django_db
def test_feed_of_an_unknown_city_is_404(client):
    assert client.get("/cities/atlantis/feed/").status_code == 404


@pytest.mark.django_db
def test_feed_escapes_text_typed_by_staff(client, barcelona):
    housing = baker.make(Commitment, city=barcelona, publication_state=PUBLISHED)
    _update(housing, "<script>alert(1)</script>\n\nSecond paragraph")

    response = client.get("/feeds/updates/")

    summary = _entries(response)[0]["summary"]
    # The summary is the staff's Markdown rendered and sanitized as on the page (issue
    # 10): a script is stripped, not shown.
    assert "<script>" not in summary
    assert "alert(1)" not in summary
    assert "<p>Second paragraph</p>" in summary


@pytest.mark.django_db
def test_feed_says_who_reported_and_whether_verified(client, barcelona, curator):
    housing = baker.make(Commitment, city=barcelona, publication_state=PUBLISHED)
    _update(housing, "Checked", verified=True, verified_by=curator)
    summary = _entries(client.get("/feeds/updates/"))[0]["summary"]
    assert "Reported by the city, verified by a curator" in summary


@pytest.mark.django_db
def test_newest_entry_first_even_for_an_earlier_date(client, barcelona):
    housing = baker.make(Commitment, city=barcelona, title="Housing", publication_state=PUBLISHED)
    _update(housing, "Reported first", percent=20)
    _update(housing, "Late report", percent=10, date=datetime.date(2016, 1, 1))
    summaries = [entry["summary"] for entry in _entries(client.get("/feeds/updates/"))]
    assert "Late report" in summaries[0]


def _updates(size):
    for city in baker.make(City, _quantity=size):
        for state in ("draft", PUBLISHED):
            commitment = baker.make(Commitment, city=city, publication_state=state)
            _update(commitment, "Progress")
            _update(commitment, "More progress")
    return city


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_network_feed_query_budget(client, django_assert_max_num_queries, size):
    _updates(size)
    # The updates with their commitments and cities, in one query.
    with django_assert_max_num_queries(1):
        response = client.get("/feeds/updates/")
    assert len(_entries(response)) == 2 * size


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_city_feed_query_budget(client, django_assert_max_num_queries, size):
    city = _updates(size)
    baker.make(ProgressUpdate, commitment__city=city, percent=5, _quantity=size)
    # The city, then its updates with their commitments.
    with django_assert_max_num_queries(2):
        response = client.get(f"/cities/{city.slug}/feed/")
    assert len(_entries(response)) == 2


@pytest.mark.django_db
def test_city_page_links_its_feed(client, barcelona):
    html = client.get("/cities/barcelona/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Progress updates of '
        'Barcelona (Atom)" href="/cities/barcelona/feed/">'
    ) in html
