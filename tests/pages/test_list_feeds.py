"""Follow any list: an Atom feed of exactly its filters, valid for a feed reader."""

import feedparser  # type: ignore[import-untyped, unused-ignore]
import pytest

from commitments.models import Commitment
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def selection():
    barcelona = builders.city("barcelona", region="europe")
    athens = builders.city("athens", country="GR", region="europe")
    quito = builders.city("quito", country="EC", region="americas")
    housing = builders.theme("housing")
    wanted = builders.commitment(barcelona, status=Commitment.Status.IN_PROGRESS, progress=10,
                                 title="Homes for newcomers")  # fmt: skip
    wanted.themes.add(housing)
    wanted.updates.create(date=wanted.published_at.date(), percent=30, text="Halfway")
    other = builders.commitment(quito, status=Commitment.Status.IN_PROGRESS, title="Quito plan")
    other.themes.add(housing)
    builders.commitment(barcelona, title="Planned elsewhere")
    builders.commitment(
        barcelona,
        state=Commitment.PublicationState.DRAFT,
        title="Secret draft",
        status="in_progress",
    ).themes.add(housing)
    agreement = builders.agreement(athens, barcelona)
    builders.transfer(agreement, 20, confirmed=True)
    builders.transfer(agreement, 7)  # not confirmed: not news yet
    return {"wanted": wanted, "agreement": agreement}


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    for entry in feed.entries:
        assert entry.id and entry.updated
    return feed


def test_list_page_has_a_follow_link_with_its_filters(client, selection):
    url = "/commitments/?region=europe&theme=housing&status=in_progress&sort=title&page=1"
    html = client.get(url).content.decode()
    assert (
        'href="/feeds/commitments/?region=europe&amp;theme=housing&amp;status=in_progress"' in html
    )
    assert "Follow these results (Atom feed)" in html


@pytest.mark.parametrize(
    "path", ["/cities/", "/forums/", "/outcomes/", "/relocations/", "/practices/"]
)
def test_every_list_page_can_be_followed(client, selection, path):
    html = client.get(path).content.decode()
    name = path.strip("/")
    assert f'href="/feeds/{name}/"' in html
    _parse(client, f"/feeds/{name}/")


def test_filtered_feed_holds_exactly_the_matching_items(client, selection):
    feed = _parse(client, "/feeds/commitments/?region=europe&theme=housing&status=in_progress")
    titles = sorted(entry.title for entry in feed.entries)
    wanted = selection["wanted"]
    assert titles == [
        "Barcelona: Homes for newcomers at 30%",
        "Published: Barcelona: Homes for newcomers",
    ]
    links = {entry.link for entry in feed.entries}
    assert any(link.endswith(f"/commitments/{wanted.pk}/") for link in links)


def test_feed_entry_ids_and_times_are_stable(client, selection):
    url = "/feeds/commitments/?theme=housing"
    first = _parse(client, url)
    again = _parse(client, url)
    assert [(e.id, e.updated) for e in first.entries] == [(e.id, e.updated) for e in again.entries]
    assert len({e.id for e in first.entries}) == len(first.entries)


def test_relocation_feed_gives_confirmed_transfers_only(client, selection):
    feed = _parse(client, "/feeds/relocations/?city=barcelona")
    titles = [entry.title for entry in feed.entries]
    assert "20 people relocated: Athens → Barcelona" in titles
    assert not any(title.startswith("7 people") for title in titles)


def test_city_list_feed_gives_progress_and_transfers_of_those_cities(client, selection):
    titles = [e.title for e in _parse(client, "/feeds/cities/?country=GR").entries]
    assert titles == ["20 people relocated: Athens → Barcelona"]


def test_bad_filter_value_answers_400_and_unknown_list_404(client, selection):
    assert client.get("/feeds/commitments/?status=nonsense").status_code == 400
    assert client.get("/feeds/nothing/").status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_filtered_feed_query_budget(client, django_assert_max_num_queries, size):
    city = builders.city("barcelona", region="europe")
    for _ in range(size):
        c = builders.commitment(city, status=Commitment.Status.IN_PROGRESS)
        c.updates.create(date=c.published_at.date(), percent=5, text="x")
    # The filter's choices (none here), the commitments, their updates.
    with django_assert_max_num_queries(4):
        feed = _parse(client, "/feeds/commitments/?status=in_progress&region=europe")
    assert len(feed.entries) == 2 * size


def test_city_page_shows_its_feed_link(client, selection):
    html = client.get("/cities/barcelona/").content.decode()
    assert '<a href="/cities/barcelona/feed/" type="application/atom+xml">' in html


@pytest.mark.parametrize("url", ["/feeds/commitments/?region=europe", "/feeds/cities/"])
def test_an_update_reads_as_in_the_updates_feed(client, selection, url):
    """A progress update's text is the staff's Markdown, rendered and sanitized as on
    the page, with its date, percent and source: in a list's feed as in /feeds/updates/."""
    selection["wanted"].updates.create(
        date=selection["wanted"].published_at.date(),
        percent=40,
        text="**Sixty homes** ready\n\n<script>alert(1)</script>",
    )
    [summary] = [e.summary for e in _parse(client, url).entries if "at 40%" in e.title]
    assert "<strong>Sixty homes</strong>" in summary
    assert "**" not in summary and "<script>" not in summary
    assert "40% · Reported by the city" in summary
    network = _parse(client, "/feeds/updates/")
    assert [e.summary for e in network.entries if "at 40%" in e.title] == [summary]
