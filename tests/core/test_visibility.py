"""A commitment that is not published (draft, submitted for review, returned to the
city) appears on no public path: not in lists, pages, counts, facets or downloads."""

import csv
import io

import pytest

from commitments.models import Commitment
from forums.models import Clause
from tests import builders

pytestmark = pytest.mark.django_db

SECRET = "Secret reception plan"


@pytest.fixture(params=builders.NOT_PUBLIC_STATES)
def hidden(request, barcelona, quito):
    """Barcelona has one published commitment; Quito only an unpublished one, with its
    own status, theme and clause, so that any leak shows in a count."""
    document = builders.outcome("quito-agenda", title="Quito Local Agenda")
    first = Clause.objects.create(document=document, number="1", text="Protect rights.")
    second = Clause.objects.create(document=document, number="2", text="Plan reception.")
    shown = builders.commitment(
        barcelona, title="Published housing plan", outcome_document=document
    )
    shown.clauses.set([first])
    shown.themes.set([builders.theme("housing")])
    secret = builders.commitment(
        quito,
        state=request.param,
        title=SECRET,
        status=Commitment.Status.STALLED,
        outcome_document=document,
    )
    secret.clauses.set([second])
    secret.themes.set([builders.theme("secret-theme")])
    builders.commitment(barcelona, state=request.param, title=SECRET + " of Barcelona")
    return secret


def test_not_in_the_commitments_list(client, hidden):
    response = client.get("/commitments/")

    assert [c.title for c in response.context["rows"]] == ["Published housing plan"]
    assert SECRET not in response.content.decode()


def test_not_found_by_a_search_on_the_list(client, hidden):
    response = client.get("/commitments/?q=secret")

    assert response.context["listing"].total == 0


def test_its_page_is_not_found(client, hidden):
    assert client.get(f"/commitments/{hidden.pk}/").status_code == 404


def test_not_on_its_city_page(client, hidden):
    quito = client.get("/cities/quito/").content.decode()
    barcelona = client.get("/cities/barcelona/").content.decode()

    assert SECRET not in quito
    assert "No published commitment yet." in quito
    assert SECRET not in barcelona
    assert "Published housing plan" in barcelona


def test_not_on_the_outcome_page_nor_in_its_counts(client, hidden):
    response = client.get("/outcomes/quito-agenda/")

    html = response.content.decode()
    assert SECRET not in html
    assert response.context["commitment_count"] == 1
    # The clause only the unpublished commitment answers is still unanswered.
    assert [c.number for c in response.context["unanswered"]] == ["2"]


def test_not_in_the_outcome_list_counts(client, hidden):
    response = client.get("/outcomes/")

    assert response.context["rows"][0].published_commitment_count == 1


def test_not_in_the_facet_counts(client, hidden):
    response = client.get("/commitments/")

    facets = {
        f.name: {o.value: o.count for o in f.options} for f in response.context["listing"].facets
    }
    assert facets["status"] == {"planned": 1}
    assert facets["city"] == {"barcelona": 1}
    assert facets["theme"] == {"housing": 1}
    assert facets["region"] == {"europe": 1}
    assert sum(facets["outcome"].values()) == 1


def test_filtering_on_its_city_shows_nothing(client, hidden):
    response = client.get("/commitments/?city=quito&status=stalled")

    assert response.status_code == 200
    assert response.context["listing"].total == 0


def test_not_in_the_csv_download(client, hidden):
    response = client.get("/commitments/?format=csv")

    text = b"".join(response.streaming_content).decode()
    assert "Published housing plan" in text
    assert SECRET not in text


def test_not_in_the_json_download(client, hidden):
    response = client.get("/commitments/?format=json")

    text = b"".join(response.streaming_content).decode()
    assert "Published housing plan" in text
    assert SECRET not in text


def test_not_in_the_outcome_download_counts(client, hidden):
    response = client.get("/outcomes/?format=csv")

    text = b"".join(response.streaming_content).decode()
    [row] = csv.DictReader(io.StringIO(text))
    assert row["published_commitments"] == "1"
