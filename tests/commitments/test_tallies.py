"""The published counts' tallies (commitments.tallies) stay equal to counting the
commitments, after every kind of write, and under simultaneous writes; the home page
shows them."""

import threading

import pytest
from django.db import connection, transaction

from commitments import services, tallies
from commitments.models import Commitment, StatusRegionTally, ThemeTally
from forums.models import Theme
from tests import builders

pytestmark = pytest.mark.django_db
PLANNED, IN_PROGRESS = Commitment.Status.PLANNED, Commitment.Status.IN_PROGRESS


def _live():
    """Both tallies as counting every commitment gives them."""
    by_key = sorted(Commitment.objects.published_counts_by_status_and_region())
    published = Commitment.objects.published()
    by_theme = {
        theme.pk: published.filter(themes=theme).count()
        for theme in Theme.objects.all()
        if published.filter(themes=theme).exists()
    }
    return by_key, by_theme


def _kept():
    by_key = sorted(StatusRegionTally.counts())
    by_theme = dict(ThemeTally.objects.filter(count__gt=0).values_list("theme_id", "count"))
    return by_key, by_theme


def assert_kept():
    assert _kept() == _live()


@pytest.fixture
def themes():
    return builders.theme("housing"), builders.theme("jobs")


def test_every_kind_of_write_keeps_the_tallies(barcelona, quito, themes, curator):
    housing, jobs = themes
    draft = builders.commitment(barcelona, state=Commitment.PublicationState.DRAFT)
    draft.themes.add(housing)
    assert_kept()
    assert _kept() == ([], {})  # a draft is counted nowhere

    services.publish(commitment=draft, user=curator)  # publish
    assert_kept()
    assert _kept()[1] == {housing.pk: 1}

    other = builders.commitment(quito, status=IN_PROGRESS)  # created published
    other.themes.set([housing, jobs])  # themes added, from the commitment's side
    assert_kept()

    jobs.commitments.remove(other)  # removed, from the theme's side
    assert_kept()
    housing.commitments.add(draft)  # already there: nothing changes
    housing.commitments.clear()  # cleared, from the theme's side
    assert_kept()
    other.themes.add(jobs)
    other.themes.clear()  # cleared, from the commitment's side
    assert_kept()

    other.status = PLANNED  # a status change
    other.save()
    assert_kept()

    barcelona.country = "EC"  # a city's region follows its country
    barcelona.save()
    assert_kept()

    other.city = barcelona  # moved to another city
    other.save()
    assert_kept()

    other.themes.add(jobs)
    other.publication_state = Commitment.PublicationState.RETURNED  # no longer public
    other.save()
    assert_kept()

    draft.themes.add(jobs)
    draft.delete()  # deleted
    assert_kept()
    jobs.delete()  # a theme deleted with its links
    assert_kept()


def test_recount_repairs_a_bulk_write(barcelona, themes):
    builders.commitment(barcelona)
    Commitment.objects.update(status=IN_PROGRESS)  # sends no signal
    assert _kept() != _live()
    tallies.recount()
    assert_kept()


def test_the_home_page_shows_the_tallies(client, barcelona, quito):
    for city in (barcelona, barcelona, quito):
        builders.commitment(city, status=IN_PROGRESS)
    builders.commitment(quito, state=Commitment.PublicationState.DRAFT)
    response = client.get("/")
    html = response.content.decode()
    assert "Published commitments</a></dt><dd>3</dd>" in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_publishes_lose_no_count(barcelona, quito, curator):
    """Eight curators publish eight drafts of one status and region at the same time:
    each increments the same tally row, and none of the increments is lost."""
    drafts = [
        builders.commitment(barcelona, state=Commitment.PublicationState.DRAFT) for _ in range(8)
    ]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def publish(commitment):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.publish(commitment=commitment, user=curator)
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert StatusRegionTally.counts() == [(PLANNED, barcelona.region, 8)]
    assert_kept()
