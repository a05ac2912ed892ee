"""The global frameworks: /frameworks/ and /frameworks/<code>/, with the published
commitments that answer each item, the coverage by UN region and status, and the
items no city has answered yet."""

import csv
import io
import json
import re

import pytest
from django.utils import translation
from model_bakery import baker

from commitments.models import Commitment
from forums.models import Framework, FrameworkItem
from tests import builders

pytestmark = pytest.mark.django_db

DRAFT = Commitment.PublicationState.DRAFT


def gcm_objective(gcm, number, **fields):
    fields.setdefault("title", f"Objective {number}")
    return baker.make(FrameworkItem, framework=gcm, code=f"GCM-{number}", **fields)


@pytest.fixture
def gcm(barcelona, quito, athens):
    gcm = baker.make(
        Framework, code="GCM", slug="gcm", name="Global Compact for Migration",
        source_url="https://example.org/gcm",
    )  # fmt: skip
    objectives = {n: gcm_objective(gcm, n) for n in (1, 2, 10, 15, 23)}
    objectives[15].title = "Provide access to basic services for migrants"
    objectives[15].save()
    # Barcelona (Europe) and Quito (Americas) answer objective 15, Athens (Europe)
    # objectives 15 and 2; a draft answers objective 23, which stays unanswered.
    services = builders.commitment(barcelona, title="One-stop shop", status="in_progress")
    services.framework_items.set([objectives[15]])
    clinic = builders.commitment(quito, title="Health clinic", status="achieved")
    clinic.framework_items.set([objectives[15]])
    data = builders.commitment(athens, title="Migration data office")
    data.framework_items.set([objectives[15], objectives[2]])
    draft = builders.commitment(barcelona, title="Secret plan", state=DRAFT)
    draft.framework_items.set([objectives[23]])
    return gcm


@pytest.fixture
def sdg(barcelona):
    target = builders.framework_item("SDG-10.7")
    goal = baker.make(FrameworkItem, framework=target.framework, code="SDG-10", title="Goal 10")
    target.parent = goal
    target.save()
    builders.commitment(barcelona, title="Safe migration plan").framework_items.set([target])
    return target.framework


def test_the_framework_list_counts_items_answered_items_and_published_commitments(
    client, gcm, sdg
):
    response = client.get("/frameworks/")

    assert response.status_code == 200
    rows = {row.code: row for row in response.context["rows"]}
    assert (rows["GCM"].item_count, rows["GCM"].answered_item_count) == (5, 2)
    assert rows["GCM"].commitment_count == 3
    assert (rows["SDG"].item_count, rows["SDG"].answered_item_count) == (2, 1)
    assert rows["SDG"].commitment_count == 1
    assert '<a href="/frameworks/GCM/">Global Compact for Migration</a>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", ["GCM", "SDG"]), ("q=compact", ["GCM"]), ("q=SDG", ["SDG"]), ("q=atlantis", [])],
)
def test_the_framework_list_filter_narrows_it(client, gcm, sdg, query, expected):
    response = client.get(f"/frameworks/?{query}")

    assert sorted(row.code for row in response.context["rows"]) == expected


def test_the_framework_list_downloads(client, gcm, sdg):
    response = client.get("/frameworks/?format=csv")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    gcm_row = next(row for row in rows if row["code"] == "GCM")
    assert (gcm_row["items"], gcm_row["answered_items"]) == ("5", "2")
    assert gcm_row["published_commitments"] == "3"
    assert gcm_row["url"] == "http://testserver/frameworks/GCM/"


def test_a_framework_page_shows_each_item_with_the_published_commitments_answering_it(client, gcm):
    response = client.get("/frameworks/GCM/")

    assert response.status_code == 200
    entries = {entry["item"].code: entry for entry in response.context["item_rows"]}
    # Natural order: objective 2 before objective 10.
    assert list(entries) == ["GCM-1", "GCM-2", "GCM-10", "GCM-15", "GCM-23"]
    assert sorted(c.title for c in entries["GCM-15"]["commitments"]) == [
        "Health clinic", "Migration data office", "One-stop shop",
    ]  # fmt: skip
    assert entries["GCM-23"]["commitments"] == []
    html = response.content.decode()
    assert "Secret plan" not in html
    assert 'id="item-GCM-15"' in html
    assert "https://example.org/gcm" in html


def test_an_item_lists_its_latest_commitments_and_links_to_all_of_them(client, gcm, barcelona):
    import datetime

    from django.utils import timezone

    from forums.framework_views import COMMITMENTS_PER_ITEM

    objective = FrameworkItem.objects.get(code="GCM-1")
    start = timezone.now() - datetime.timedelta(days=30)
    for n in range(COMMITMENTS_PER_ITEM + 2):
        commitment = builders.commitment(
            barcelona, title=f"Plan {n:02d}", published_at=start + datetime.timedelta(days=n)
        )
        commitment.framework_items.set([objective])

    response = client.get("/frameworks/GCM/")

    entry = next(e for e in response.context["item_rows"] if e["item"].code == "GCM-1")
    newest_first = [f"Plan {n:02d}" for n in range(COMMITMENTS_PER_ITEM + 1, 1, -1)]
    assert [c.title for c in entry["commitments"]] == newest_first
    html = response.content.decode()
    assert f"The {COMMITMENTS_PER_ITEM} most recently published:" in html
    assert "Filter and download these 12 commitments" in html
    assert "Plan 00" not in html


def test_a_framework_page_counts_by_region_and_status_and_lists_unanswered_items(client, gcm):
    coverage = client.get("/frameworks/GCM/").context["coverage"]

    assert coverage.total == 3
    assert coverage.by_region == {"europe": 2, "americas": 1}
    assert coverage.by_status == {"in_progress": 1, "achieved": 1, "planned": 1}
    rows = {row.item.code: row for row in coverage.items}
    assert rows["GCM-15"].by_region == {"europe": 2, "americas": 1}
    assert rows["GCM-15"].by_status == {"in_progress": 1, "achieved": 1, "planned": 1}
    assert rows["GCM-2"].total == 1
    # The draft's objective is not answered by anything the public may see.
    assert [row.item.code for row in coverage.unanswered] == ["GCM-1", "GCM-10", "GCM-23"]


def test_the_coverage_table_is_an_accessible_objective_by_region_table(client, gcm):
    html = client.get("/frameworks/GCM/").content.decode()

    table = re.search(r'<table class="coverage" id="coverage-table">.*?</table>', html, re.S)[0]
    assert "<caption>" in table
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headers == ["Item", "Africa", "Americas", "Asia", "Europe", "Oceania", "All regions"]
    row = re.search(r'<tr>\s*<th scope="row"><a href="#item-GCM-15">.*?</tr>', table, re.S)[0]
    cells = re.findall(r'<td class="num">(.*?)</td>', row)
    assert [re.sub(r"<[^>]+>", "", cell) for cell in cells] == ["0", "1", "0", "2", "0", "3"]
    assert '/commitments/?framework=GCM-15&amp;region=europe">2</a>' in row
    assert '<tr class="unanswered">' in table


def test_a_framework_page_shows_the_hierarchy(client, sdg):
    goal = baker.make(FrameworkItem, framework=sdg, code="SDG-8", title="Goal 8")
    baker.make(FrameworkItem, framework=sdg, code="SDG-8.7", title="Target 8.7", parent=goal)

    response = client.get("/frameworks/SDG/")

    # Each goal followed by its targets, numbers compared as numbers.
    tree = ["SDG-8", "SDG-8.7", "SDG-10", "SDG-10.7"]
    assert [row.item.code for row in response.context["coverage"].items] == tree
    assert [row.depth for row in response.context["coverage"].items] == [0, 1, 0, 1]
    assert [entry["item"].code for entry in response.context["item_rows"]] == tree
    html = response.content.decode()
    assert "Part of SDG-10" in html
    assert 'id="item-SDG-10.7" class="framework-item depth-1"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["GCM-1", "GCM-2", "GCM-10", "GCM-15", "GCM-23"]),
        ("q=basic+services", ["GCM-15"]),
        ("answered=yes", ["GCM-2", "GCM-15"]),
        ("answered=no", ["GCM-1", "GCM-10", "GCM-23"]),
        ("answered=no&q=objective+1", ["GCM-1", "GCM-10"]),
        ("sort=commitments", ["GCM-15", "GCM-2", "GCM-1", "GCM-10", "GCM-23"]),
    ],
)
def test_every_framework_page_filter_narrows_its_items(client, gcm, query, expected):
    response = client.get(f"/frameworks/GCM/?{query}")

    assert response.status_code == 200
    assert [entry["item"].code for entry in response.context["item_rows"]] == expected


@pytest.mark.parametrize("query", ["answered=maybe", "sort=size", "format=xls", "page=x"])
def test_a_bad_value_on_a_framework_page_is_refused(client, gcm, query):
    response = client.get(f"/frameworks/GCM/?{query}")

    assert response.status_code == (404 if query == "page=x" else 400)


def test_an_unknown_framework_is_404(client, gcm):
    assert client.get("/frameworks/XYZ/").status_code == 404


def test_a_framework_page_downloads_its_items_with_counts(client, gcm):
    response = client.get("/frameworks/GCM/?format=csv")

    assert response["Content-Disposition"].startswith('attachment; filename="framework-items-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_code = {row["code"]: row for row in rows}
    assert list(by_code) == ["GCM-1", "GCM-2", "GCM-10", "GCM-15", "GCM-23"]
    row = by_code["GCM-15"]
    assert row["framework"] == "GCM"
    assert row["published_commitments"] == "3"
    assert (row["region_europe"], row["region_americas"], row["region_asia"]) == ("2", "1", "0")
    assert (row["status_planned"], row["status_achieved"]) == ("1", "1")
    assert row["url"] == "http://testserver/frameworks/GCM/#item-GCM-15"
    assert by_code["GCM-23"]["published_commitments"] == "0"
    assert by_code["GCM-23"]["commitments"] == ""

    [answered] = json.loads(
        b"".join(client.get("/frameworks/GCM/?answered=yes&q=basic&format=json").streaming_content)
    )
    assert len(answered["commitments"]) == 3


@pytest.mark.parametrize("size", [2, 25])
def test_pages_stay_within_a_query_budget(client, django_assert_max_num_queries, size):
    builders.populate(size)
    gcm = baker.make(Framework, code="GCM", slug="gcm", name="GCM")
    objectives = [gcm_objective(gcm, n) for n in range(1, 24)]
    for commitment in Commitment.objects.published():
        commitment.framework_items.add(*objectives[: size % 23 + 1])
    pages = [
        # count, rows with their counts (no facet)
        ("/frameworks/", 2),
        ("/frameworks/?q=GCM&sort=name", 2),
        # the framework; the answered facet, count, rows; their published commitments;
        # the coverage: items, counts per item, region and status, the totals
        ("/frameworks/GCM/", 8),
        ("/frameworks/GCM/?answered=yes&q=objective&sort=commitments", 8),
        ("/frameworks/SDG/", 8),
    ]
    for url, budget in pages:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
    with django_assert_max_num_queries(5):
        response = client.get("/frameworks/GCM/?format=csv")
        assert len(b"".join(response.streaming_content).splitlines()) == 24


def test_a_framework_page_speaks_spanish_and_french(client, gcm):
    # The test client leaves the language of the last page requested active.
    with translation.override("en"):
        spanish = client.get("/es/frameworks/GCM/").content.decode()
        french = client.get("/fr/frameworks/").content.decode()

    assert "Cobertura por región de la ONU" in spanish
    assert "Elementos a los que ninguna ciudad ha respondido aún" in spanish
    assert "Cadres mondiaux" in french


def test_commitment_and_outcome_pages_link_their_items_to_the_framework_page(
    client, gcm, barcelona
):
    commitment = gcm.items.get(code="GCM-15").commitments.get(title="One-stop shop")
    document = builders.outcome("call")
    document.framework_items.set([gcm.items.get(code="GCM-2")])

    commitment_html = client.get(commitment.get_absolute_url()).content.decode()
    outcome_html = client.get("/outcomes/call/").content.decode()

    assert 'href="/frameworks/GCM/#item-GCM-15"' in commitment_html
    assert 'href="/frameworks/GCM/#item-GCM-2"' in outcome_html
