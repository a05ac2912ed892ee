"""The cities' local actions (commitments/records/local_actions.toml) as loadforumdata
loads them: every row sourced, nothing the record does not give, commitments of several
cities under each city, and unknown kept apart from zero."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils.html import escape

from cities.models import City
from commitments.management.commands.loadforumdata import (
    FORUMS,
    partial_date,
    read_local_actions,
    read_record,
)
from commitments.models import Commitment, CommitmentPartner, ProgressUpdate, RelocationAgreement
from core.listing import selection_counts
from forums.models import GoodPractice
from tests import builders

pytestmark = pytest.mark.django_db

RECORD = read_local_actions()
ITEMS = {item["id"]: item for item in RECORD["item"]}


@pytest.fixture
def loaded(db):
    call_command("loadforumdata", stdout=io.StringIO())


def _urls_the_records_name():
    # The forums' record cites one source by its citation alone (the article).
    urls = {source["url"] for source in read_record(FORUMS)["source"].values()}
    for item in RECORD["item"]:
        urls.add(item["source_url"])
        urls.update(other["source_url"] for other in item.get("also", []))
        urls.update(update["source_url"] for update in item.get("update", []))
    urls.update(place["source_url"] for place in RECORD["city"])
    return urls


def _json(response):
    return json.loads(b"".join(response.streaming_content))


def _loaded_commitment(item):
    return Commitment.objects.get(title=item["title"], city__slug=item["city"])


def test_a_fresh_record_holds_sixty_commitments_of_25_cities_on_four_continents(loaded):
    published = Commitment.objects.published()
    assert published.count() >= 60
    cities = City.objects.filter(
        pk__in=list(published.values_list("city", flat=True))
        + list(CommitmentPartner.objects.values_list("city", flat=True))
    )
    assert cities.count() >= 25
    assert len(set(cities.values_list("region", flat=True)) - {""}) >= 4
    assert not published.filter(source_url="").exists()
    # The map can show every one of them.
    assert not cities.filter(latitude=None).exists()


def test_every_loaded_row_has_a_source_url_the_records_name(loaded):
    named = _urls_the_records_name()
    rows = [
        *Commitment.objects.all(),
        *GoodPractice.objects.all(),
        *RelocationAgreement.objects.all(),
        *CommitmentPartner.objects.all(),
        *City.objects.all(),
    ]
    for row in rows:
        assert row.source_url in named, (row, row.source_url)
        assert row.source_citation, row
    for update in ProgressUpdate.objects.all():
        assert update.evidence_url in named, update
        assert not update.reported_by_city


def test_nothing_loaded_has_a_progress_date_status_or_amount_its_record_does_not_give(loaded):
    for item in RECORD["item"]:
        if item["kind"] != "commitment":
            continue
        commitment = _loaded_commitment(item)
        assert commitment.progress == item.get("progress"), item["id"]
        assert commitment.status == item.get("status", Commitment.Status.NOT_REPORTED)
        start, start_precision = partial_date(item.get("start"))
        target, target_precision = partial_date(item.get("end"))
        assert (commitment.start_date, commitment.target_date) == (start, target), item["id"]
        if start:
            assert commitment.start_precision == start_precision
        if target:
            assert commitment.target_precision == target_precision
        if "amount" in item:
            assert commitment.resources_secured == float(item["amount"])
        else:
            assert commitment.resources_secured is None, item["id"]
        assert commitment.resources_needed is None
        # Each figure the page gives is shown as the page gives it.
        for figure in item.get("figures", []):
            assert figure in commitment.description, (item["id"], figure)
        dates = sorted(partial_date(update["date"])[0] for update in item.get("update", []))
        updates = commitment.updates.order_by("date")
        assert [update.date for update in updates] == dates, item["id"]
        assert all(update.percent is None for update in updates)


def test_a_commitment_of_two_cities_is_on_each_citys_page_and_under_each_filter(client, loaded):
    joint = [item for item in RECORD["item"] if item.get("partners")]
    assert joint, "the record holds commitments of several cities"
    for item in joint:
        commitment = _loaded_commitment(item)
        for slug in [item["city"], *item["partners"]]:
            city = City.objects.get(slug=slug)
            assert commitment.title in client.get(f"/cities/{slug}/").content.decode()
            listed = client.get(f"/commitments/?city={slug}").content.decode()
            assert commitment.get_absolute_url() in listed, slug
            by_country = client.get(f"/commitments/?country={city.country}").content.decode()
            assert commitment.get_absolute_url() in by_country, city.country
            rows = _json(client.get(f"/commitments/?city={slug}&format=json"))
            row = next(row for row in rows if row["id"] == commitment.pk)
            assert row["partner_cities"] == item["partners"]
        page = client.get(commitment.get_absolute_url()).content.decode()
        for slug in item["partners"]:
            assert City.objects.get(slug=slug).get_absolute_url() in page


def test_the_city_facet_counts_a_joint_commitment_for_each_city(client):
    lead, partner = builders.city("lead", "LB"), builders.city("partner", "CH")
    builders.commitment(lead, title="Joint pledge").partner_cities.add(partner)
    builders.commitment(lead, title="Lead alone")
    listing = client.get("/commitments/").context["listing"]
    facet = next(facet for facet in listing.facets if facet.name == "city")
    counts = {option.value: option.count for option in facet.options}
    assert counts == {"lead": 2, "partner": 1}


def test_the_country_facet_counts_a_commitment_once_however_many_of_its_cities_it_has(client):
    lead, near, far = (
        builders.city("lead", "ES"),
        builders.city("near", "ES"),
        builders.city("far", "FR"),
    )
    builders.commitment(lead, title="Three cities, two countries").partner_cities.add(near, far)
    builders.commitment(near, title="Near alone")
    listing = client.get("/commitments/").context["listing"]
    facets = {facet.name: facet for facet in listing.facets}
    assert {o.value: o.count for o in facets["country"].options} == {"ES": 2, "FR": 1}
    assert {o.value: o.count for o in facets["city"].options} == {"lead": 1, "near": 2, "far": 1}
    assert {o.value: o.count for o in facets["region"].options} == {"europe": 2}
    listed = client.get("/commitments/?country=ES&country=FR").context["listing"]
    assert listed.page.paginator.count == 2  # the joint commitment once


def test_a_region_filter_keeps_the_other_regions_of_its_joint_commitments_in_the_chart(client):
    lead, partner = builders.city("madrid", "ES"), builders.city("dakar", "SN")
    builders.commitment(lead, title="Madrid with Dakar").partner_cities.add(partner)
    builders.commitment(partner, title="Dakar alone")
    listing = client.get("/commitments/?region=europe").context["listing"]
    assert listing.page.paginator.count == 1
    # The region options count the rows of the other filters (none here); the chart of
    # the selection counts the one joint commitment under each of its cities' regions.
    region = next(facet for facet in listing.facets if facet.name == "region")
    assert {o.value: o.count for o in region.options} == {"europe": 1, "africa": 2}
    assert selection_counts(listing, "region")[0] == {"europe": 1, "africa": 1}


def test_unknown_progress_is_shown_as_not_reported_and_left_out_of_averages(client):
    city = builders.city("avg", "ES")
    builders.commitment(city, title="Half done", status="in_progress", progress=50)
    unknown = builders.commitment(city, title="Unknown", status="in_progress", progress=50)
    Commitment.objects.filter(pk=unknown.pk).update(progress=None)

    card = client.get("/embed/cities/avg/").content.decode()
    assert "50%" in card  # the average of the one progress reported, not 25 %
    assert "25%" not in card
    page = client.get(unknown.get_absolute_url()).content.decode()
    assert "not reported" in page
    assert 'value="0"' not in page
    rows = _json(client.get("/commitments/?format=json"))
    assert {row["title"]: row["progress"] for row in rows} == {"Half done": 50, "Unknown": None}


def test_a_state_the_source_does_not_give_is_not_reported_and_never_flagged(client):
    city = builders.city("flags", "ES")
    commitment = builders.commitment(city, title="Silent source")
    Commitment.objects.filter(pk=commitment.pk).update(
        status=Commitment.Status.NOT_REPORTED,
        progress=None,
        target_date=datetime.date(2000, 1, 1),
        published_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
    )
    flagged = Commitment.objects.with_flags().get(pk=commitment.pk)
    # Past its target and long without news, but its source says nothing of its state.
    assert not flagged.is_overdue
    assert not flagged.is_stale


def test_the_agreement_reads_as_its_source_puts_it_and_records_no_transfer(client, loaded):
    agreement = RelocationAgreement.objects.get(origin__slug="athens")
    assert agreement.status == RelocationAgreement.Status.PENDING_APPROVAL
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "agreed, pending the Spanish state&#x27;s approval" in page
    assert "no transfer recorded" in page
    assert "Signed" not in page
    home = client.get("/").content.decode()
    assert "no transfer has been recorded yet" in home
    assert "What this record holds" in home
    assert "/portal/" in home


def test_the_record_note_counts_commitments_by_initiative(client, loaded):
    page = client.get("/commitments/").content.decode()
    for initiative, count, _newest in Commitment.objects.published_by_initiative():
        label = Commitment.Initiative(initiative).label
        assert escape(f"{label} ({count})") in page


@pytest.mark.parametrize(
    "prefix, shown",
    [("", "19–20 June 2014"), ("/es", "19–20 de junio de 2014"), ("/fr", "19–20 juin 2014")],
)
def test_forum_dates_read_as_a_person_writes_them(client, loaded, prefix, shown):
    assert shown in client.get(f"{prefix}/forums/").content.decode()
