"""/embed/cities/<slug>/: a card another site may frame; every other page refuses."""

import pytest

from commitments.models import Commitment
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def barcelona_record():
    barcelona = builders.city("barcelona", region="europe", name="Barcelona")
    athens = builders.city("athens", country="GR", name="Athens")
    builders.commitment(barcelona, status=Commitment.Status.IN_PROGRESS, progress=40)
    builders.commitment(barcelona, status=Commitment.Status.IN_PROGRESS, progress=60)
    builders.commitment(barcelona, status=Commitment.Status.ACHIEVED)
    builders.commitment(barcelona, state=Commitment.PublicationState.DRAFT, status="stalled")
    agreement = builders.agreement(athens, barcelona, pledged=100)
    builders.transfer(agreement, 20, confirmed=True)
    builders.transfer(agreement, 5)
    return barcelona


def test_card_shows_commitments_by_status_and_relocation(client, barcelona_record):
    response = client.get("/embed/cities/barcelona/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 published commitments" in html
    assert '<progress max="100" value="50"' in html  # in progress: 40 and 60
    assert "<dd>100</dd>" in html  # pledged
    assert "<dd>20</dd>" in html  # relocated: the confirmed transfer only
    assert 'href="http://127.0.0.1:8000/cities/barcelona/"' in html or "/cities/barcelona/" in html
    assert "<script" not in html


def test_card_may_be_framed_by_any_site_and_sets_no_cookie(client, barcelona_record):
    response = client.get("/embed/cities/barcelona/")
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]
    assert not response.cookies
    assert "public" in response["Cache-Control"]


def test_every_other_page_refuses_to_be_framed(client, barcelona_record):
    for url in ("/cities/barcelona/", "/data/", "/commitments/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("prefix", "heading"),
    [
        ("", "Barcelona in the Mayoral Forum network"),
        ("/es", "Barcelona en la red del Foro de Alcaldes"),
        ("/fr", "Barcelona dans le réseau du Forum des maires"),
    ],
)
def test_card_in_three_languages(client, barcelona_record, prefix, heading):
    assert heading in client.get(f"{prefix}/embed/cities/barcelona/").content.decode()


def test_unknown_city_is_404(client, db):
    assert client.get("/embed/cities/nowhere/").status_code == 404


@pytest.mark.parametrize("size", [1, 10])
def test_card_query_budget(client, django_assert_max_num_queries, barcelona_record, size):
    for _ in range(size):
        builders.commitment(barcelona_record, status=Commitment.Status.PLANNED)
    # The city, commitments grouped by status, the agreements' totals.
    with django_assert_max_num_queries(3):
        assert client.get("/embed/cities/barcelona/").status_code == 200


def test_city_page_gives_the_snippet_to_copy(client, barcelona_record):
    html = client.get("/cities/barcelona/").content.decode()
    assert "Show this city&#x27;s card on your site" in html or "Show this city's card" in html
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/embed/cities/barcelona/&quot;" in html
