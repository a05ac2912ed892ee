"""Bad input on the public lists and pages answers 400 or 404, never 500.

An unknown filter value, sort or format is the visitor's mistake to correct: 400 with
the form and the error by the field. A page or record that does not exist is a 404.
"""

import pytest
from model_bakery import baker

from forums.models import GoodPractice
from tests import builders

pytestmark = pytest.mark.django_db

LISTS = [
    "/cities/", "/forums/", "/outcomes/", "/commitments/", "/relocations/", "/practices/",
    "/frameworks/", "/frameworks/GCM/",
]  # fmt: skip

# (query, status) tried on every list
ON_EVERY_LIST = [
    ("sort=nonsense", 400),
    ("sort=-title", 400),
    ("format=xml", 400),
    ("format=CSV", 400),
    ("format=csv&sort=nonsense", 400),
    ("page=2", 404),
    ("page=999999", 404),
    ("page=abc", 404),
    ("page=0", 404),
    ("page=-1", 404),
    ("page=1.5", 404),
    ("q=" + "x" * 201, 400),
    ("q=%00", 400),
]

# (path and query, status) for one list's own filters
PER_LIST = [
    ("/cities/?region=atlantis", 400),
    ("/cities/?country=XX", 400),
    ("/cities/?country=es", 400),
    ("/cities/?kind=village", 400),
    ("/cities/?network=no-such-network", 400),
    ("/cities/?forum=no-such-forum", 400),
    ("/forums/?year=abc", 400),
    ("/forums/?year=1800", 400),
    ("/forums/?year=2014&year=twenty", 400),
    ("/forums/?country=ZZ", 400),
    ("/outcomes/?forum=unknown", 400),
    ("/outcomes/?kind=manifesto", 400),
    ("/outcomes/?year=99999999999999999999", 400),
    ("/outcomes/?theme=unknown", 400),
    ("/outcomes/?endorsed_by=atlantis", 400),
    ("/commitments/?city=atlantis", 400),
    ("/commitments/?status=finished", 400),
    ("/commitments/?status=planned&status=bogus", 400),
    ("/commitments/?region=mars", 400),
    ("/commitments/?theme=unknown", 400),
    ("/commitments/?framework=SDG-99.9", 400),
    ("/commitments/?outcome=unknown", 400),
    ("/commitments/?forum=unknown", 400),
    ("/commitments/?year=next", 400),
    ("/commitments/?city=atlantis&format=csv", 400),
    ("/relocations/?city=atlantis", 400),
    ("/relocations/?origin=atlantis", 400),
    ("/relocations/?destination=atlantis", 400),
    ("/relocations/?country=XX", 400),
    ("/relocations/?status=lost", 400),
    ("/relocations/?group=tourists", 400),
    ("/relocations/?year=-", 400),
    ("/relocations/?city=atlantis&format=json", 400),
    ("/practices/?theme=unknown", 400),
    ("/practices/?city=atlantis", 400),
    ("/practices/?region=mars", 400),
    ("/practices/?replicated=maybe", 400),
    ("/practices/?replicated=maybe&format=csv", 400),
    ("/practices/feed/?replicated=maybe", 400),
    ("/frameworks/GCM/?answered=maybe", 400),
    ("/frameworks/GCM/?answered=maybe&format=json", 400),
    # Unknown records
    ("/practices/no-such-practice/", 404),
    ("/frameworks/NOPE/", 404),
    ("/cities/atlantis/", 404),
    ("/forums/no-such-forum/", 404),
    ("/outcomes/no-such-document/", 404),
    ("/commitments/999999/", 404),
    ("/commitments/abc/", 404),
    ("/relocations/999999/", 404),
    ("/relocations/0/", 404),
]


@pytest.fixture
def one_of_each(db):
    """One record on every list (so that page 2 is past the end)."""
    barcelona, athens = builders.city("barcelona", "ES"), builders.city("athens", "GR")
    builders.city("quito", "EC")  # a third city, for a list of cities of one page
    host = builders.forum(barcelona, edition=1, year=2014)
    builders.outcome("call-of-barcelona", forum=host)
    builders.commitment(barcelona)
    builders.agreement(athens, barcelona)
    baker.make(GoodPractice, slug="welcome-desk", city=barcelona)
    builders.framework_item("GCM-1")


@pytest.mark.parametrize("query,status", ON_EVERY_LIST)
@pytest.mark.parametrize("path", LISTS)
def test_bad_list_input_gives_400_or_404(client, one_of_each, path, query, status):
    response = client.get(f"{path}?{query}")

    assert response.status_code == status


@pytest.mark.parametrize("url,status", PER_LIST)
def test_bad_filter_values_and_unknown_records(client, one_of_each, url, status):
    response = client.get(url)

    assert response.status_code == status


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/commitments/?status=finished", "filter-status", "finished is not one of"),
        ("/forums/?year=abc", "filter-year", "“abc” is not a year."),
        ("/cities/?forum=nowhere", "filter-forum", "nowhere is not one of"),
        ("/relocations/?sort=size", "list-sort", "size is not one of"),
        ("/outcomes/?q=" + "x" * 201, "filter-q", "at most 200 characters"),
    ],
)
def test_a_400_page_shows_the_form_and_the_error_by_the_field(
    client, one_of_each, url, field, message
):
    response = client.get(url)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}"' in html
    assert f'id="{field}-errors"' in html
    assert message in html
    assert '<form class="filters"' in html


def test_a_bad_format_is_explained_on_the_page(client, one_of_each):
    response = client.get("/commitments/?format=pdf")

    assert response.status_code == 400
    assert "Use csv or json." in response.content.decode()


def test_an_unpublished_or_unknown_id_in_a_valid_list_is_not_an_error(client, one_of_each):
    # A filter naming a record that exists is fine even when nothing matches.
    builders.city("lonely")

    response = client.get("/commitments/?city=lonely")

    assert response.status_code == 200
    assert response.context["listing"].total == 0
