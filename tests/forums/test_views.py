"""The public forum and outcome document pages: /forums/, /forums/<slug>/,
/outcomes/, /outcomes/<slug>/."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from model_bakery import baker

from cities.models import Organization
from commitments.models import Commitment
from forums.models import (
    Clause,
    Endorsement,
    Forum,
    ForumParticipation,
    ForumPartner,
    OutcomeDocument,
)
from tests import builders

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200
    return sorted(row.slug for row in response.context["rows"])


@pytest.fixture
def forums(barcelona, quito):
    quezon = builders.city("quezon-city", "PH", name="Quezon City")
    return [
        builders.forum(barcelona, edition=1, year=2014, title="Mobility and cities"),
        builders.forum(quito, edition=2, year=2015, title="Local agenda"),
        builders.forum(quezon, edition=3, year=2016, title="Commitment to action"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["forum-1", "forum-2", "forum-3"]),
        ("q=agenda", ["forum-2"]),
        ("year=2014", ["forum-1"]),
        ("year=2014&year=2016", ["forum-1", "forum-3"]),
        ("country=EC", ["forum-2"]),
        ("country=PH&country=ES", ["forum-1", "forum-3"]),
        ("country=ES&year=2016", []),
    ],
)
def test_every_forum_filter_narrows_the_list(client, forums, query, expected):
    assert slugs(client.get(f"/forums/?{query}")) == expected


def test_the_forum_list_shows_the_latest_first_with_honest_dates(client, forums):
    Forum.objects.filter(pk=forums[0].pk).update(date_precision="month")

    response = client.get("/forums/")

    assert [f.edition for f in response.context["rows"]] == [3, 2, 1]
    assert "June 2014" in response.content.decode()


@pytest.fixture
def outcomes(forums, barcelona, quito):
    housing, health = builders.theme("housing"), builders.theme("health")
    call = builders.outcome(
        "call-of-barcelona", forum=forums[0], kind="call", adopted_on=datetime.date(2014, 6, 1)
    )
    agenda = builders.outcome(
        "quito-agenda", forum=forums[1], kind="agenda", adopted_on=datetime.date(2015, 11, 1),
        summary="Where additional resources are required",
    )  # fmt: skip
    blueprint = builders.outcome("micic-blueprint", kind="blueprint")
    call.themes.set([housing])
    agenda.themes.set([housing, health])
    Endorsement.objects.create(document=call, city=barcelona)
    Endorsement.objects.create(document=agenda, city=quito)
    Endorsement.objects.create(document=agenda, city=barcelona)
    return [call, agenda, blueprint]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["call-of-barcelona", "micic-blueprint", "quito-agenda"]),
        ("q=resources", ["quito-agenda"]),
        ("forum=forum-1", ["call-of-barcelona"]),
        ("forum=forum-1&forum=forum-2", ["call-of-barcelona", "quito-agenda"]),
        ("kind=blueprint", ["micic-blueprint"]),
        ("kind=call&kind=agenda", ["call-of-barcelona", "quito-agenda"]),
        ("year=2015", ["quito-agenda"]),
        ("theme=housing", ["call-of-barcelona", "quito-agenda"]),
        ("theme=health", ["quito-agenda"]),
        ("endorsed_by=barcelona", ["call-of-barcelona", "quito-agenda"]),
        ("endorsed_by=quito", ["quito-agenda"]),
        ("endorsed_by=barcelona&theme=housing&year=2014", ["call-of-barcelona"]),
    ],
)
def test_every_outcome_filter_narrows_the_list(client, outcomes, query, expected):
    assert slugs(client.get(f"/outcomes/?{query}")) == expected


def test_the_outcome_list_counts_endorsements_and_published_commitments(
    client, outcomes, barcelona
):
    agenda = outcomes[1]
    builders.commitment(barcelona, outcome_document=agenda)
    builders.commitment(barcelona, outcome_document=agenda)

    response = client.get("/outcomes/?year=2015")

    [row] = response.context["rows"]
    assert (row.endorsement_count, row.published_commitment_count) == (2, 2)


def test_a_forum_page_shows_host_dates_partners_cities_and_outcomes(client, barcelona, quito):
    forum = baker.make(
        Forum, edition=1, slug="first", title="First Mayoral Forum", host_city=barcelona,
        start_date=datetime.date(2014, 6, 1), date_precision="month",
        source_url="https://example.org/article",
    )  # fmt: skip
    knomad = baker.make(Organization, slug="knomad", name="World Bank KNOMAD", kind="multilateral")
    ForumPartner.objects.create(forum=forum, organization=knomad, role="co_founder")
    ForumParticipation.objects.create(forum=forum, city=barcelona, role="host")
    ForumParticipation.objects.create(forum=forum, city=quito, role="speaker")
    builders.outcome("call-of-barcelona", forum=forum, title="Call of Barcelona")

    html = client.get("/forums/first/").content.decode()

    for expected in [
        "First Mayoral Forum", ">Barcelona</a>, Spain", "June 2014", "World Bank KNOMAD",
        ">co-founder</span>", ">Quito</a> <span class=\"badge\">speaker</span>",
        "Call of Barcelona", "https://example.org/article",
    ]:  # fmt: skip
        assert expected in html, expected
    # A month-precise date is never shown with an invented day.
    assert "June 1, 2014" not in html


def test_an_outcome_page_shows_clauses_answered_and_not_yet_answered(
    client, barcelona, quito, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = builders.outcome(
        "quito-agenda",
        title="Quito Local Agenda",
        full_text="## Preamble\n\nCities **act**.<script>alert(1)</script>",
        source_url="https://example.org/agenda",
        adopted_on=datetime.date(2015, 11, 1),
        adopted_precision="month",
    )
    document.pdf.save("agenda.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    document.themes.set([builders.theme("labour-mobility")])
    document.framework_items.set([builders.framework_item("SDG-10.7")])
    first = Clause.objects.create(document=document, number="1", position=1, text="Include.")
    Clause.objects.create(document=document, number="2", position=2, text="Fund.")
    answer = builders.commitment(barcelona, title="Inclusion plan", outcome_document=document)
    answer.clauses.set([first])
    Endorsement.objects.create(
        document=document, city=quito, endorsed_on=datetime.date(2015, 11, 1),
        endorsed_precision="month",
    )  # fmt: skip

    response = client.get("/outcomes/quito-agenda/")

    html = response.content.decode()
    [answered, unanswered] = response.context["clauses"]
    assert [c.title for c in answered.published_commitments] == ["Inclusion plan"]
    assert [c.number for c in response.context["unanswered"]] == ["2"]
    for expected in [
        "<h2>Preamble</h2>", "<strong>act</strong>", "Inclusion plan", ">Quito</a>, November 2015",
        "SDG-10.7", "Labour mobility", "https://example.org/agenda", document.pdf.url,
        "No published commitment answers this clause yet.",
    ]:  # fmt: skip
        assert expected in html, expected
    assert "<script>alert(1)" not in html


def test_an_outcome_page_counts_only_published_commitments(client, barcelona):
    document = builders.outcome("call")
    builders.commitment(barcelona, outcome_document=document)
    builders.commitment(
        barcelona, outcome_document=document, state=Commitment.PublicationState.DRAFT
    )

    response = client.get("/outcomes/call/")

    assert response.context["commitment_count"] == 1
    assert "1 published commitment<" in response.content.decode()


@pytest.mark.parametrize("size", [2, 25])
def test_pages_stay_within_a_query_budget(client, django_assert_max_num_queries, size):
    builders.populate(size)
    assert OutcomeDocument.objects.count() == size
    pages = [
        # 2 facets (one grouped query each), count, rows with their host city
        ("/forums/", 4),
        ("/forums/?year=2014&country=ES&sort=edition", 4),
        # 5 facets, count, rows (with counts of endorsements and published commitments)
        ("/outcomes/", 7),
        # + validation of the theme and the city named
        ("/outcomes/?theme=theme-0&endorsed_by=city-0", 9),
        # the forum, partners, their steering partners, participating cities, outcome
        # documents, good practices, figures (its own and its documents')
        ("/forums/forum-1/", 7),
        # the document with its forum, themes, framework items with their framework,
        # clauses, their published commitments, endorsements, figures, the count of
        # commitments
        ("/outcomes/outcome-0/", 9),
    ]
    for url, budget in pages:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url


# The real record, as loadforumdata writes it --------------------------------------


@pytest.fixture
def network_record(db):
    call_command("loadforumdata", verbosity=0)


def test_a_forum_page_shows_figures_that_disagree_side_by_side(client, network_record):
    page = client.get("/forums/quezon-city-2016/").content.decode()

    section = page[page.index('id="figures-heading"') :]
    for shown in ("119", "58", "more than 170"):
        assert shown in section
    assert "http://www.migration4development.org/en/events/third-global-mayoral-forum" in section
    assert "http://www.unitar.org/3rd-mayoral-forum" in section


def test_an_outcome_page_shows_every_signatory_count_with_its_source(client, network_record):
    page = client.get("/outcomes/marrakech-mayors-declaration/").content.decode()

    section = page[page.index('id="figures-heading"') :]
    for value, source in (
        ("64", "https://www.delog.org/"),
        ("76", "https://migration4development.org/en/resources/marrakech"),
        ("104", "https://localaction.mayorsmechanism.org/"),
    ):
        assert f">{value}" in section and source in section
    assert "to date" in section
    assert "The sources name no endorsing city" in page


def test_a_forum_without_a_known_outcome_document_says_so(client, network_record):
    page = client.get("/forums/quito-2020/").content.decode()

    assert "No outcome document of this forum is known" in page
    assert "GFMD Mayors Mechanism" in page
    assert "Steered by" in page and "Mayors Migration Council (MMC)" in page


def test_theme_and_framework_names_follow_the_readers_language(client, network_record):
    english = client.get("/outcomes/marrakech-mayors-declaration/").content.decode()
    spanish = client.get("/es/outcomes/marrakech-mayors-declaration/").content.decode()
    french = client.get("/fr/outcomes/marrakech-mayors-declaration/").content.decode()

    assert "Governance of migration" in english
    assert "Gobernanza de la migración" in spanish
    assert "Gouvernance des migrations" in french
    assert "Pacto Mundial para la Migración Segura, Ordenada y Regular" in spanish
    assert "Pacte mondial sur les réfugiés" in french
    # The theme facet of the list too.
    assert "Gobernanza de la migración" in client.get("/es/outcomes/").content.decode()
