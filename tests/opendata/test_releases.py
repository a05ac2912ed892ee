"""Dated releases: files written once, a valid Data Package, the changes since the last."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from frictionless import Package

from commitments.models import Commitment
from opendata import dictionary
from opendata.models import Release
from opendata.releases import ReleaseExists, publish_release, release_dir
from tests import builders

DAY = datetime.date(2026, 11, 1)
NEXT_DAY = datetime.date(2026, 11, 2)


@pytest.fixture
def record(db):
    barcelona = builders.city("barcelona", region="Europe")
    athens = builders.city("athens", country="GR", region="Europe")
    housing = builders.theme("housing")
    first = builders.commitment(barcelona, status=Commitment.Status.IN_PROGRESS, progress=40)
    first.themes.add(housing)
    builders.commitment(athens, status=Commitment.Status.ACHIEVED)
    builders.commitment(athens, state=Commitment.PublicationState.DRAFT, title="A draft")
    agreement = builders.agreement(athens, barcelona, pledged=100)
    builders.transfer(agreement, 20, confirmed=True)
    builders.transfer(agreement, 5)
    return {"first": first, "agreement": agreement}


def _files(date):
    folder = release_dir(date)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_publishrelease_writes_every_list_json_descriptor_and_checksums(releases_root, record):
    call_command("publishrelease", "--date", DAY.isoformat())
    files = _files(DAY)
    expected = {f"{listing.name}.csv" for listing in dictionary.LISTINGS}
    assert expected | {"data.json", "datapackage.json", "SHA256SUMS"} == set(files)
    sums = dict(reversed(line.split("  ")) for line in files["SHA256SUMS"].decode().splitlines())
    for name, content in files.items():
        if name != "SHA256SUMS":
            assert sums[name] == hashlib.sha256(content).hexdigest()
    release = Release.objects.get(date=DAY)
    assert release.checksums["cities.csv"] == sums["cities.csv"]
    # Drafts are not public, so not in a release.
    data = json.loads(files["data.json"])
    assert [c["title"] for c in data["commitments"]].count("A draft") == 0
    assert len(data["commitments"]) == 2


def test_release_csv_has_the_live_download_columns_and_cells(
    client, settings, releases_root, record
):
    settings.SITE_URL = "http://testserver"
    publish_release(date=DAY)
    released = release_dir(DAY) / "commitments.csv"
    live = b"".join(client.get("/commitments/?format=csv&sort=title").streaming_content)
    released_rows = sorted(csv.reader(io.StringIO(released.read_text())))
    live_rows = sorted(csv.reader(io.StringIO(live.decode())))
    # The header and every row, whatever the order the page sorts by.
    assert released_rows == live_rows


def test_descriptor_validates_and_every_csv_matches_its_schema(releases_root, record):
    publish_release(date=DAY)
    package = Package(str(release_dir(DAY) / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = [resource.name for resource in package.resources]
    assert names == [listing.name for listing in dictionary.LISTINGS]
    fields = package.get_resource("relocations").schema.field_names
    assert fields == [column.name for column in dictionary.LISTINGS[4].columns]


def test_a_release_is_never_overwritten(releases_root, record):
    publish_release(date=DAY)
    before = _files(DAY)
    record["first"].title = "Changed after the release"
    record["first"].save()
    with pytest.raises(ReleaseExists):
        publish_release(date=DAY)
    with pytest.raises(CommandError, match="already a release"):
        call_command("publishrelease", "--date", DAY.isoformat())
    assert _files(DAY) == before
    assert Release.objects.count() == 1


def test_release_files_are_served_byte_identical_and_cacheable(client, releases_root, record):
    publish_release(date=DAY)
    for name, content in _files(DAY).items():
        response = client.get(f"/data/releases/{DAY.isoformat()}/{name}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert "immutable" in response["Cache-Control"]
        assert "max-age=31536000" in response["Cache-Control"]
    assert client.get(f"/data/releases/{DAY.isoformat()}/secrets.txt").status_code == 404
    assert client.get("/data/releases/2026-13-45/").status_code == 404
    assert client.get("/data/releases/2020-01-01/").status_code == 404


def test_release_page_shows_changes_and_figures_side_by_side(
    client, releases_root, record, django_assert_max_num_queries
):
    publish_release(date=DAY)
    first = record["first"]
    first.progress = 60
    first.save()
    builders.commitment(first.city, title="A new one")
    Commitment.objects.filter(status=Commitment.Status.ACHIEVED).update(
        publication_state=Commitment.PublicationState.DRAFT
    )
    publish_release(date=NEXT_DAY)
    release = Release.objects.get(date=NEXT_DAY)
    changes = release.changes["commitments"]
    assert [label for _key, label in changes["added"]] == ["A new one"]
    assert changes["changed"] == [[str(first.pk), first.title, ["progress"]]]
    assert len(changes["withdrawn"]) == 1
    assert release.figures["people_pledged"] == 100
    assert release.figures["people_relocated"] == 20  # the confirmed transfer only

    with django_assert_max_num_queries(2):  # the release, the previous one
        response = client.get(f"/data/releases/{NEXT_DAY.isoformat()}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "A new one" in html
    assert "progress" in html
    assert "1 added, 1 changed, 1 withdrawn." in html


def test_data_page_links_the_latest_release_as_the_full_download(client, releases_root, record):
    publish_release(date=DAY)
    publish_release(date=NEXT_DAY)
    html = client.get("/data/").content.decode()
    assert "The full download" in html
    assert f'href="/data/releases/{NEXT_DAY.isoformat()}/data.json"' in html
    assert f'href="/data/releases/{DAY.isoformat()}/"' in html


def test_curator_publishes_a_release_from_the_admin(client, releases_root, record, curator):
    client.force_login(curator)
    page = client.get("/admin/opendata/release/")
    assert "Publish a release of today" in page.content.decode()
    response = client.post("/admin/opendata/release/publish/")
    assert response.status_code == 302
    assert Release.objects.count() == 1
    again = client.post("/admin/opendata/release/publish/", follow=True)
    assert "There is already a release" in again.content.decode()
    assert Release.objects.count() == 1


def test_city_staff_cannot_publish_a_release(client, releases_root, record, quito_staff):
    client.force_login(quito_staff)
    client.post("/admin/opendata/release/publish/")
    assert Release.objects.count() == 0
