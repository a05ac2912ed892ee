"""Every list's download, cell for cell: a few awkward records (text that a spreadsheet
would run, empty values, partial dates, lists, a PDF, a framework code with a dot) and
the exact bytes of each list's CSV and JSON (download_cells.json), in English and with
a language prefix.

The downloads are a public contract (docs/data.md, "Downloads"): scripts parse them. These
bytes were written by the downloads as they stood before they read rows as plain
values (one query of values, URLs from a template); any change to them is a change of
the contract, not of the code.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from cities.models import Network
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from forums.models import Endorsement, Framework, FrameworkItem, GoodPractice, Replication
from tests import builders

UTC = datetime.UTC
# {url: [the lines of the download]}
EXPECTED = json.loads((Path(__file__).parent / "download_cells.json").read_text())


@pytest.fixture
def awkward(db):
    """Records whose every text column holds something a spreadsheet would run."""
    today = timezone.localdate()
    net_b = Network.objects.create(slug="net-b", name="B")
    net_a = Network.objects.create(slug="net-a", name="A")
    awk = builders.city(
        "awk",
        "GR",
        name="=cmd|' /C calc'!A0",
        population=None,
        latitude=Decimal("41.38879"),
        longitude=Decimal("-2.10000"),
        website="https://awk.example/?a=1,=b",
        leader_name="+leader",
        leader_title="@title",
        source_url="-",
        source_citation="a;=b",
    )
    awk.networks.set([net_b, net_a])
    quito = builders.city(
        "quito", "EC", name="Quito", population=2800000, leader_name="Pabel Muñoz"
    )
    forum = builders.forum(
        awk,
        edition=7,
        year=2020,
        title='"=quoted',
        theme="\tx",
        date_precision="month",
        summary="line1\nline2,=x",
        source_citation="Forum, ‘source’",
    )
    themes = [builders.theme("zeta"), builders.theme("alpha")]
    framework = Framework.objects.create(code="AWK.1", slug="awk", name="=name", adopted_at="+at")
    parent = FrameworkItem.objects.create(framework=framework, code="AWK.1-1", title="-t")
    child = FrameworkItem.objects.create(
        framework=framework, parent=parent, code="AWK.1-1.a", title="Child", description="d;-d"
    )
    document = builders.outcome(
        "awk-doc",
        forum=forum,
        title="@doc",
        adopted_on=datetime.date(2019, 1, 1),
        adopted_precision="year",
        language="es",
        pdf="outcomes/a b.pdf",
    )
    document.themes.set(themes)
    document.framework_items.set([child, parent])
    for city in (quito, awk):
        Endorsement.objects.create(document=document, city=city)
    first = builders.commitment(
        awk,
        pk=9001,
        title='=HYPERLINK("http://evil.example","click")',
        description="a\r\n=b",
        status=Commitment.Status.IN_PROGRESS,
        progress=40,
        start_date=datetime.date(2019, 3, 1),
        start_precision="month",
        target_date=datetime.date(2021, 12, 31),
        resources_needed=Decimal("1500.50"),
        currency="EUR",
        resources_note="x; 'y",
        published_at=datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
        outcome_document=document,
        source_url="",
        source_citation="",
    )
    first.themes.set(themes)
    first.framework_items.set([child])
    ProgressUpdate.objects.create(commitment=first, date=today, text="x", percent=40)
    ProgressUpdate.objects.create(
        commitment=first, date=datetime.date(2020, 1, 1), text="x", percent=10
    )
    second = builders.commitment(
        quito,
        pk=9002,
        title="Plain",
        status=Commitment.Status.ACHIEVED,
        target_date=None,
        published_at=datetime.datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC),
        resources_secured=Decimal("0.00"),
    )
    second.framework_items.set([child, parent])
    builders.commitment(quito, state=Commitment.PublicationState.DRAFT, title="Draft")
    agreement = builders.agreement(
        awk,
        quito,
        pk=8001,
        pledged=100,
        network=net_a,
        framework_item=child,
        signed_on=datetime.date(2020, 2, 3),
        period_start=datetime.date(2020, 3, 1),
        notes="=notes",
        source_citation="@c",
    )
    builders.transfer(agreement, 20, date=datetime.date(2021, 1, 1), confirmed=True)
    builders.transfer(agreement, 5, date=datetime.date(2021, 1, 1), reported_by_city=quito)
    Transfer.objects.create(agreement=agreement, people=3, date=datetime.date(2021, 1, 1))
    builders.agreement(quito, awk, pk=8002, pledged=7, status=RelocationAgreement.Status.PROPOSED)
    practice = GoodPractice.objects.create(
        title="+p", slug="awk-practice", city=awk, forum=forum, description="@d"
    )
    practice.themes.set(themes[:1])
    Replication.objects.create(practice=practice, city=quito)
    GoodPractice.objects.create(title="Other", slug="other", city=quito)


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content).decode()


URLS = [
    "/cities/?format=csv",
    "/cities/?format=json",
    "/es/cities/?format=csv",
    "/forums/?format=csv",
    "/forums/?format=json",
    "/outcomes/?format=csv",
    "/outcomes/?format=json",
    "/commitments/?format=csv",
    "/commitments/?format=json",
    "/fr/commitments/?format=csv",
    "/relocations/?format=csv",
    "/relocations/?format=json",
    "/practices/?format=csv",
    "/practices/?format=json",
    "/frameworks/?format=csv",
    "/frameworks/?format=json",
    "/frameworks/AWK.1/?format=csv",
    "/frameworks/AWK.1/?format=json",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_every_download_keeps_its_bytes(client, awkward, url):
    # The one value that moves: the date of the last progress update, today.
    today = timezone.localdate().isoformat()
    expected = "".join(EXPECTED[url]).replace("{today}", today)

    assert _download(client, url) == expected
