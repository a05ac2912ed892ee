"""Drafts, submitted and returned commitments never appear: not listed, not at their
address, not counted or listed inside another record."""

import pytest

pytestmark = pytest.mark.django_db


def test_list_holds_only_published_commitments(api, network):
    body = api.get("/api/commitments/?page_size=200").json()

    assert body["count"] == 3
    assert {c["id"] for c in body["results"]} == {c.pk for c in network["published"]}
    assert "Secret draft" not in str(body)


@pytest.mark.parametrize("which", [0, 1, 2], ids=["draft", "submitted", "returned"])
def test_unpublished_commitment_is_not_found(api, network, which):
    hidden = network["hidden"][which]

    response = api.get(f"/api/commitments/{hidden.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Commitment matches the given query."}


def test_nested_counts_and_lists_only_count_published(api, network, barcelona):
    outcome = network["outcomes"][0]
    theme = network["theme"]
    framework = network["framework"]

    city = api.get("/api/cities/barcelona/").json()
    document = api.get(f"/api/outcomes/{outcome.slug}/").json()
    listed = api.get(f"/api/outcomes/?forum={outcome.forum.slug}").json()["results"][0]
    theme_body = api.get(f"/api/themes/{theme.slug}/").json()
    items = api.get(f"/api/frameworks/{framework.code}/").json()["items"]

    # Barcelona has 3 published and 3 hidden commitments.
    assert city["commitments_count"] == 3
    assert document["commitments_count"] == 1
    assert listed["commitments_count"] == 1
    assert [c["id"] for c in document["commitments"]] == [network["published"][0].pk]
    assert document["clauses"][0]["commitments_count"] == 1
    assert theme_body["commitments_count"] == 3
    assert max(item["commitments_count"] for item in items) == 3


def test_filter_on_a_hidden_commitments_values_finds_nothing(api, barcelona, quito):
    """A draft's city, theme or text cannot be discovered through the filters."""
    from tests.api.conftest import make_commitment

    make_commitment(quito, state="draft", title="Unannounced shelter plan")

    by_city = api.get("/api/commitments/?city=quito").json()
    by_text = api.get("/api/commitments/?q=Unannounced").json()

    assert by_city["count"] == 0
    assert by_text["count"] == 0
