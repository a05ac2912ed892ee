"""Each endpoint answers in a fixed number of queries, whatever the amount of data."""

import pytest

from tests.api.conftest import make_network

pytestmark = pytest.mark.django_db

# (path, what it needs from the data made, query budget, queries expected)
ENDPOINTS = [
    ("/api/", None, 0, "none"),
    # count, cities, their networks, their forums
    ("/api/cities/", None, 4, ""),
    ("/api/cities/barcelona/", None, 3, "the city, its networks, its forums"),
    # count, forums (with host), participants, partners, outcome documents
    ("/api/forums/", None, 5, ""),
    ("/api/forums/{forum}/", "forum", 4, "the forum, participants, partners, outcomes"),
    # count, documents (with forum and counts), themes, items, clauses, endorsements
    ("/api/outcomes/", None, 6, ""),
    ("/api/outcomes/{outcome}/", "outcome", 6, "the same, less the count, plus commitments"),
    # the table's size (an exact count, or one over a sample), count, commitments (with
    # city, document, flags), clauses, themes, items, updates
    ("/api/commitments/", None, 7, ""),
    ("/api/commitments/{commitment}/", "commitment", 5, "the same, less the count"),
    # With filters: each record-naming filter checks its values exist (one query each).
    ("/api/commitments/?city=barcelona&theme={theme}&status=in_progress", "theme", 9, ""),
    # count, agreements (with cities, totals), transfers
    ("/api/relocations/", None, 3, ""),
    ("/api/relocations/{agreement}/", "agreement", 2, "the agreement, its transfers"),
    ("/api/relocations/?city=barcelona&origin=athens", None, 5, ""),
    # count, frameworks, their items (with counts)
    ("/api/frameworks/", None, 3, ""),
    # the framework, its items, their counts per region and status, the totals
    ("/api/frameworks/{framework}/", "framework", 4, ""),
    # count, practices (with city, forum, replication counts), themes, replications
    ("/api/practices/", None, 4, ""),
    ("/api/practices/?theme={theme}&city=barcelona&replicated=yes", "theme", 6, ""),
    ("/api/practices/{practice}/", "practice", 3, "the practice, its themes, replications"),
    # count, themes (with counts)
    ("/api/themes/", None, 2, ""),
    ("/api/themes/{theme}/", "theme", 1, "the theme (with counts)"),
    # generated from the code, not the data
    ("/api/schema/?format=json", None, 0, "none"),
]


def _path(template, made):
    return template.format(
        forum=made["forums"][-1].slug,
        outcome=made["outcomes"][-1].slug,
        commitment=made["published"][-1].pk,
        agreement=made["agreements"][-1].pk,
        framework=made["framework"].code,
        theme=made["theme"].slug,
        practice=made["practices"][-1].slug,
    )


@pytest.mark.parametrize("size", [2, 10])
def test_every_endpoint_within_its_query_budget(
    api, django_assert_max_num_queries, barcelona, quito, athens, size
):
    # One data set per size for all endpoints: building it is the slow part.
    made = make_network(size, barcelona, quito, athens)

    for template, _needs, budget, _what in ENDPOINTS:
        path = _path(template, made)
        separator = "&" if "?" in path else "?"

        with django_assert_max_num_queries(budget):
            response = api.get(f"{path}{separator}page_size=200")

        assert response.status_code == 200, path
        body = response.json()
        if "results" in body and not template.startswith(("/api/cities/", "/api/frameworks/",
                                                          "/api/themes/")):  # fmt: skip
            # The rows grew with the size: the budget held over more of them.
            assert body["count"] >= size, path


@pytest.mark.parametrize("size", [2, 10])
def test_the_api_docs_page_makes_no_query(
    client, django_assert_max_num_queries, barcelona, quito, athens, size
):
    make_network(size, barcelona, quito, athens)

    with django_assert_max_num_queries(0):
        response = client.get("/api/docs/")

    assert response.status_code == 200
    assert '<main id="swagger-ui"></main>' in response.content.decode()
