"""Sources travel with the facts: downloads and the API carry source_url and
source_citation; staff give a commitment's source and attach evidence to an update."""

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, ProgressUpdate
from tests import builders

URL = "https://example.org/report"
CITATION = "City of Barcelona, Annual report on reception, 2016"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _download(client, path, fmt):
    response = client.get(f"{path}?format={fmt}")
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body))) if fmt == "csv" else json.loads(body)


@pytest.fixture
def sourced(barcelona, athens):
    barcelona.source_url, barcelona.source_citation = URL, CITATION
    barcelona.save()
    builders.forum(barcelona, 1, 2014, source_url=URL, source_citation=CITATION)
    builders.outcome("call-of-barcelona", source_url=URL, source_citation=CITATION)
    builders.commitment(barcelona, source_url=URL, source_citation=CITATION)
    builders.agreement(athens, barcelona, source_url=URL, source_citation=CITATION)


@pytest.mark.parametrize(
    "path", ["/cities/", "/forums/", "/outcomes/", "/commitments/", "/relocations/"]
)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_download_carries_the_source_link_and_citation(client, sourced, path, fmt):
    rows = [row for row in _download(client, path, fmt) if row["source_url"]]
    assert rows, path
    assert (rows[0]["source_url"], rows[0]["source_citation"]) == (URL, CITATION)
    assert list(rows[0])[-1] == "source_citation" or path == "/cities/"


@pytest.mark.parametrize(
    "path", ["/api/cities/", "/api/forums/", "/api/outcomes/", "/api/commitments/",
             "/api/relocations/"],
)  # fmt: skip
def test_every_api_record_carries_the_source(client, sourced, path):
    rows = [row for row in client.get(path).json()["results"] if row["source_url"]]
    assert (rows[0]["source_url"], rows[0]["source_citation"]) == (URL, CITATION)


def test_staff_give_a_source_for_a_commitment_and_it_is_shown_publicly(
    client, barcelona_staff, barcelona, curator
):
    client.force_login(barcelona_staff)
    response = client.post(
        reverse("portal:commitment-create"),
        {
            "city": barcelona.pk,
            "title": "Reception centre",
            "status": "planned",
            "progress": 0,
            "source_url": URL,
            "source_citation": CITATION,
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.source_url, commitment.source_citation) == (URL, CITATION)
    services.publish(commitment=commitment, user=curator)
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert CITATION in html and f'href="{URL}"' in html


def test_a_changed_source_of_a_published_commitment_waits_for_review(
    client, barcelona_staff, barcelona
):
    commitment = builders.commitment(barcelona, title="Housing", source_citation="Old")
    client.force_login(barcelona_staff)
    client.post(
        reverse("portal:commitment-edit", args=[commitment.pk]),
        {
            "title": "Housing",
            "status": "planned",
            "progress": 0,
            "source_citation": "New",
            "loaded_version": commitment.version,
        },
    )
    commitment.refresh_from_db()
    assert commitment.source_citation == "Old"
    assert commitment.pending_changes == {"source_citation": "New"}


def _report(client, commitment, **extra):
    return client.post(
        reverse("portal:update-create", args=[commitment.pk]),
        {"date": timezone.localdate().isoformat(), "text": "Opened", "percent": 30, **extra},
    )


def test_staff_attach_a_checked_pdf_as_evidence_shown_publicly(
    client, barcelona_staff, barcelona, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    commitment = builders.commitment(barcelona, title="Housing")
    client.force_login(barcelona_staff)
    response = _report(
        client,
        commitment,
        evidence_url=URL,
        evidence_file=SimpleUploadedFile("report.pdf", PDF, "application/pdf"),
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence_file.name.startswith("evidence/") and update.evidence_url == URL
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert f'href="{update.evidence_file.url}"' in html and f'href="{URL}"' in html
    api = client.get(f"/api/commitments/{commitment.pk}/").json()
    assert api["updates"][0]["evidence_file"].endswith(update.evidence_file.url)


def test_a_link_typed_without_its_scheme_is_kept_as_https(client, barcelona_staff, barcelona):
    commitment = builders.commitment(barcelona, title="Housing")
    client.force_login(barcelona_staff)
    assert _report(client, commitment, evidence_url="example.org/report").status_code == 302
    assert ProgressUpdate.objects.get().evidence_url == "https://example.org/report"


@pytest.mark.parametrize(
    ("name", "content"), [("report.pdf", b"<html>not a pdf</html>"), ("report.exe", PDF)]
)
def test_evidence_that_is_not_a_pdf_is_refused_by_the_field(
    client, barcelona_staff, barcelona, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    commitment = builders.commitment(barcelona, title="Housing")
    client.force_login(barcelona_staff)
    response = _report(client, commitment, evidence_file=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["form"].errors["evidence_file"]
    assert not ProgressUpdate.objects.exists()


def test_a_verified_update_whose_evidence_changes_is_no_longer_verified(
    barcelona, curator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    commitment = builders.commitment(barcelona, title="Housing")
    update = ProgressUpdate.objects.create(
        commitment=commitment, date=datetime.date(2016, 1, 1), text="x", percent=5,
        verified=True, verified_by=curator, verified_at=timezone.now(),
    )  # fmt: skip
    update.evidence_file = SimpleUploadedFile("r.pdf", PDF)
    update.save()
    update.refresh_from_db()
    assert not update.verified
