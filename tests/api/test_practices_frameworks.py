"""/api/practices/ and the coverage in /api/frameworks/{code}/: the same records,
filters and counts as the pages."""

import pytest

from tests import builders

pytestmark = pytest.mark.django_db


def test_practice_at_the_key_of_its_page(api, network):
    practice = network["practices"][0]

    body = api.get(f"/api/practices/{practice.slug}/").json()

    assert body["url"] == f"http://testserver/api/practices/{practice.slug}/"
    assert body["page_url"] == f"http://testserver/practices/{practice.slug}/"
    assert body["city"]["slug"] == "barcelona"
    assert body["forum"]["slug"] == practice.forum.slug
    assert body["themes"] == [
        {
            "slug": network["theme"].slug,
            "name": network["theme"].name,
            "url": f"http://testserver/api/themes/{network['theme'].slug}/",
        }
    ]
    assert body["replicated"] is True
    assert body["replications_count"] == 2
    assert [(r["city"]["slug"], r["note"]) for r in body["replications"]] == [
        ("athens", ""),
        ("quito", "Adapted."),
    ]
    assert body["description"] == "A **welcome** desk."


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 3),
        ("city=barcelona", 3),
        ("city=quito", 0),
        ("replicated=yes", 3),
        ("replicated=no", 0),
        ("region=europe", 3),
        ("region=americas", 0),
        ("q=welcome", 3),
    ],
)
def test_practice_filters_are_the_pages(api, network, query, count):
    body = api.get(f"/api/practices/?{query}").json()

    assert body["count"] == count


def test_a_bad_practice_filter_is_400_json(api, network):
    response = api.get("/api/practices/?replicated=maybe&theme=atlantis")

    assert response.status_code == 400
    assert set(response.json()) == {"replicated", "theme"}


def test_framework_detail_gives_coverage_by_region_and_status(api, network, athens):
    framework = network["framework"]
    builders.commitment(athens, status="achieved").framework_items.add(network["target"])

    body = api.get(f"/api/frameworks/{framework.code}/").json()

    assert body["page_url"] == f"http://testserver/frameworks/{framework.code}/"
    assert body["commitments_count"] == 4
    assert body["by_region"] == {
        "africa": 0, "americas": 0, "asia": 0, "europe": 4, "oceania": 0,
    }  # fmt: skip
    assert body["by_status"]["in_progress"] == 3
    assert body["by_status"]["achieved"] == 1
    assert body["unanswered"] == [f"{framework.code}-10"]
    goal, target = body["items"]
    assert (goal["code"], goal["depth"], goal["answered"]) == (f"{framework.code}-10", 0, False)
    assert (target["parent"], target["depth"], target["answered"]) == (goal["code"], 1, True)
    assert target["commitments_count"] == 4
    assert target["by_region"]["europe"] == 4
    assert target["commitments_url"] == (
        f"http://testserver/api/commitments/?framework={framework.code}-10.7"
    )
