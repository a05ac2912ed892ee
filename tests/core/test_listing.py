"""The machinery every public list shares (core/listing.py): facet counts, sorting,
pagination, active filters and the state kept in the URL."""

from urllib.parse import parse_qs, urlsplit

import pytest

from commitments.models import Commitment
from tests import builders

pytestmark = pytest.mark.django_db

PLANNED = Commitment.Status.PLANNED
IN_PROGRESS = Commitment.Status.IN_PROGRESS
ACHIEVED = Commitment.Status.ACHIEVED


def listing(response):
    return response.context["listing"]


def facet(response, name):
    return next(f for f in listing(response).facets if f.name == name)


def counts(response, name):
    return {option.value: option.count for option in facet(response, name).options}


def follow(client, path, query):
    """GET a link of the page: ``query`` is the "?..." the templates put in href."""
    return client.get(path + query)


@pytest.fixture
def network_data(db):
    builders.populate(4)
    madrid = builders.city("madrid", "ES")
    barcelona = builders.city("barcelona-es", "ES")
    builders.agreement(madrid, barcelona, pledged=10)  # both sides in Spain
    for n in range(3):
        builders.commitment(madrid, status=IN_PROGRESS, title=f"Madrid plan {n}")


LIST_URLS = [
    "/cities/",
    "/cities/?region=europe",
    "/forums/",
    "/outcomes/",
    "/outcomes/?theme=theme-0",
    "/commitments/",
    "/commitments/?status=planned&status=in_progress&theme=theme-1",
    "/commitments/?q=commitment&region=europe",
    "/relocations/",
    "/relocations/?country=ES",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_every_facet_count_equals_the_rows_its_link_leads_to(client, network_data, url):
    response = client.get(url)
    assert response.status_code == 200
    path = urlsplit(url).path
    checked = 0
    for each in listing(response).facets:
        for option in each.options:
            target = follow(client, path, option.url)
            assert target.status_code == 200, option.url
            assert listing(target).total == option.count, (each.name, option.value)
            checked += 1
    assert checked > 5


def test_a_forum_counts_the_commitments_under_each_of_its_outcome_documents(
    client, barcelona, quito
):
    """The forum and outcome facets are counted by outcome document, and a forum adds
    up its documents' counts."""
    forum = builders.forum(barcelona, edition=1, year=2014)
    call = builders.outcome("call", forum=forum)
    agenda = builders.outcome("agenda", forum=forum)
    for document, city in ((call, barcelona), (call, quito), (agenda, quito)):
        builders.commitment(city, outcome_document=document, status=IN_PROGRESS)
    builders.commitment(barcelona, status=IN_PROGRESS)  # under no document
    builders.commitment(quito, outcome_document=agenda)  # planned: filtered out

    response = client.get("/commitments/?status=in_progress")
    assert counts(response, "forum") == {forum.slug: 3}
    assert counts(response, "outcome") == {"call": 2, "agenda": 1}
    assert {o.value: str(o.label) for o in facet(response, "outcome").options} == {
        "call": call.title,
        "agenda": agenda.title,
    }
    assert [str(o.label) for o in facet(response, "forum").options] == [forum.title]


def test_facet_counts_stay_within_the_other_filters(client, barcelona, quito):
    builders.commitment(barcelona, status=PLANNED)
    builders.commitment(barcelona, status=ACHIEVED)
    builders.commitment(quito, status=PLANNED)
    builders.commitment(quito, status=PLANNED)

    response = client.get("/commitments/?city=quito&status=achieved")

    # Status counts are Quito's, whatever status is chosen (the chosen one stays listed
    # so it can be unticked); city counts are those of achieved commitments.
    assert counts(response, "status") == {"planned": 2, "achieved": 0}
    assert counts(response, "city") == {"barcelona": 1, "quito": 0}
    assert [o.value for o in facet(response, "city").options if o.selected] == ["quito"]


def test_a_facet_link_replaces_its_own_filter_and_keeps_the_others(client, barcelona, quito):
    builders.commitment(barcelona, status=PLANNED)
    builders.commitment(quito, status=ACHIEVED)

    response = client.get("/commitments/?status=planned&sort=title&page=1")
    option = next(o for o in facet(response, "status").options if o.value == "achieved")

    assert parse_qs(option.url[1:]) == {"status": ["achieved"], "sort": ["title"]}


def test_an_agreement_within_one_country_counts_once_for_it(client):
    madrid, barcelona = builders.city("madrid", "ES"), builders.city("barcelona", "ES")
    athens = builders.city("athens", "GR")
    builders.agreement(madrid, barcelona)
    builders.agreement(athens, barcelona)

    response = client.get("/relocations/")

    assert counts(response, "country") == {"ES": 2, "GR": 1}
    assert counts(response, "city") == {"barcelona": 2, "madrid": 1, "athens": 1}


def test_a_facet_over_many_cities_shows_the_top_ten_and_any_chosen_one(client):
    for n in range(12):
        place = builders.city(f"city-{n:02d}")
        for _ in range(n + 1):
            builders.commitment(place)

    response = client.get("/commitments/")
    shown = counts(response, "city")
    assert list(shown) == [f"city-{n:02d}" for n in range(11, 1, -1)]

    response = client.get("/commitments/?city=city-00")
    shown = counts(response, "city")
    assert len(shown) == 11
    assert shown["city-00"] == 1
    assert listing(response).total == 1


def test_facet_options_with_no_rows_are_left_out(client, barcelona):
    builders.commitment(barcelona, status=PLANNED)

    response = client.get("/commitments/")

    assert counts(response, "status") == {"planned": 1}


def test_fixed_choices_keep_their_natural_order(client, barcelona):
    builders.commitment(barcelona, status=ACHIEVED)
    builders.commitment(barcelona, status=PLANNED)
    builders.commitment(barcelona, status=PLANNED)
    builders.commitment(barcelona, status=IN_PROGRESS)

    response = client.get("/commitments/")

    assert list(counts(response, "status")) == ["planned", "in_progress", "achieved"]


def test_the_page_shows_facet_counts_next_to_each_option(client, barcelona):
    builders.commitment(barcelona, status=PLANNED)
    builders.commitment(barcelona, status=PLANNED)

    html = client.get("/commitments/").content.decode()

    assert 'name="status" value="planned"' in html
    assert 'data-facet="status" data-value="planned"' in html
    assert "Show only planned: </span>2</a>" in html


def test_active_filters_each_have_a_link_that_removes_only_that_filter(client, barcelona, quito):
    builders.commitment(barcelona, status=PLANNED, title="Reception centres")

    response = client.get("/commitments/?status=planned&status=achieved&city=barcelona&q=centres")
    active = {(a.name, a.value_label): a.remove_url for a in listing(response).active_filters}

    assert set(active) == {
        ("status", "planned"),
        ("status", "achieved"),
        ("city", "Barcelona"),
        ("q", "“centres”"),
    }
    assert parse_qs(active[("status", "planned")][1:]) == {
        "status": ["achieved"],
        "city": ["barcelona"],
        "q": ["centres"],
    }
    assert parse_qs(active[("city", "Barcelona")][1:]) == {
        "status": ["planned", "achieved"],
        "q": ["centres"],
    }
    html = response.content.decode()
    assert "Remove the filter City: Barcelona" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("progress", ["Charlie", "Alpha", "Bravo"]),
        ("city", ["Bravo", "Alpha", "Charlie"]),
        ("target", ["Alpha", "Charlie", "Bravo"]),
    ],
)
def test_sorting_orders_the_rows(client, sort, expected):
    import datetime

    athens, quito = builders.city("athens", "GR"), builders.city("quito", "EC")
    builders.commitment(quito, title="Alpha", progress=50, target_date=datetime.date(2030, 1, 1))
    builders.commitment(athens, title="Bravo", progress=10)
    builders.commitment(quito, title="Charlie", progress=90, target_date=datetime.date(2031, 1, 1))

    response = client.get(f"/commitments/?sort={sort}")

    assert [c.title for c in response.context["rows"]] == expected
    assert listing(response).sort == sort


def test_a_search_lists_title_matches_first_by_default(client, barcelona):
    builders.commitment(barcelona, title="Language classes", description="housing for all")
    builders.commitment(barcelona, title="Housing first")

    response = client.get("/commitments/?q=housing")

    assert [c.title for c in response.context["rows"]] == ["Housing first", "Language classes"]
    assert listing(response).sort == "relevance"


def test_pages_hold_25_rows_and_link_to_each_other(client, barcelona):
    for n in range(30):
        builders.commitment(barcelona, title=f"Commitment {n:02d}")

    first = client.get("/commitments/?sort=title&city=barcelona")
    second = client.get("/commitments/?sort=title&city=barcelona&page=2")

    assert len(first.context["rows"]) == 25
    assert [c.title for c in second.context["rows"]] == [f"Commitment {n}" for n in range(25, 30)]
    assert parse_qs(listing(first).next_url[1:]) == {
        "sort": ["title"],
        "city": ["barcelona"],
        "page": ["2"],
    }
    assert listing(second).previous_url
    assert not listing(second).next_url
    assert 'aria-current="page">2</a>' in second.content.decode()


def test_an_empty_list_is_a_page_not_an_error(client):
    response = client.get("/commitments/")

    assert response.status_code == 200
    assert "Nothing matches these filters." in response.content.decode()


def test_an_invalid_filter_answers_400_with_the_form_and_the_error_by_the_field(client, barcelona):
    builders.commitment(barcelona)

    response = client.get("/commitments/?status=finished&city=barcelona&sort=title")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-status"' in html
    assert "finished is not one of the available choices" in html
    # Links lead out of the error: they keep the valid state and drop the bad value.
    for option in facet(response, "city").options:
        assert "finished" not in option.url
        assert "sort=title" in option.url
    assert response.context.get("rows") is None


def test_download_links_carry_the_filters_and_the_sort(client, barcelona):
    builders.commitment(barcelona)

    response = client.get("/commitments/?city=barcelona&sort=title&page=1")
    urls = listing(response).download_urls

    assert parse_qs(urls["csv"][1:]) == {
        "city": ["barcelona"],
        "sort": ["title"],
        "format": ["csv"],
    }
    assert parse_qs(urls["json"][1:])["format"] == ["json"]


def _many_cities(n, country="ES"):
    for i in range(n):
        place = builders.city(f"city-{i:02d}", country)
        for _ in range(i + 1):
            builders.commitment(place, status=PLANNED if i % 2 else IN_PROGRESS)


def test_a_top_facet_links_to_all_its_options_keeping_the_filters(client):
    _many_cities(12)
    response = client.get("/commitments/?status=planned")
    city = facet(response, "city")
    assert len(city.options) == 6  # the cities with planned commitments: fewer than 10
    assert not city.more_url

    response = client.get("/commitments/")
    city = facet(response, "city")
    assert len(city.options) == 10 and city.more_url
    assert city.more_url in response.content.decode()

    response = follow(client, "/commitments/", city.more_url.split("#")[0])
    city = facet(response, "city")
    assert counts(response, "city") == {f"city-{i:02d}": i + 1 for i in range(11, -1, -1)}
    assert not city.more_url and city.less_url
    # The other filters and the option links keep the full list open.
    response = client.get("/commitments/?more=city&status=planned")
    assert set(counts(response, "city")) == {f"city-{i:02d}" for i in range(1, 12, 2)}
    option = facet(response, "city").options[0]
    assert parse_qs(urlsplit(option.url).query)["more"] == ["city"]
    assert parse_qs(urlsplit(option.url).query)["status"] == ["planned"]


def test_the_country_facet_of_cities_links_to_all_countries(client):
    for number, code in enumerate(["ES", "FR", "IT", "DE", "GR", "PT", "NL", "BE", "AT",
                                   "SE", "PL", "EC"]):  # fmt: skip
        builders.city(f"city-{number}", code)
    country = facet(client.get("/cities/"), "country")
    assert len(country.options) == 10 and country.more_url
    response = client.get("/cities/" + country.more_url.split("#")[0])
    assert len(facet(response, "country").options) == 12


def test_year_options_are_ordered_by_year(client, barcelona):
    import datetime

    for year, n in [(2016, 1), (2019, 3), (2014, 2), (2021, 1)]:
        for _ in range(n):
            builders.commitment(barcelona, start_date=datetime.date(year, 1, 1))
    response = client.get("/commitments/")
    assert list(counts(response, "year")) == ["2021", "2019", "2016", "2014"]
    assert counts(response, "year") == {"2021": 1, "2019": 3, "2016": 1, "2014": 2}


# Writes commit for real, as on the site: the data version moves on when they do.
@pytest.mark.django_db(transaction=True)
def test_facet_counts_are_exact_after_writes_through_the_page_cache(client, settings, barcelona):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    quito = builders.city("quito", "EC")
    builders.commitment(barcelona, status=PLANNED)
    assert counts(client.get("/commitments/"), "status") == {"planned": 1}
    assert client.get("/commitments/")["X-Cache"] == "hit"

    added = builders.commitment(quito, status=IN_PROGRESS)
    response = client.get("/commitments/")
    assert response["X-Cache"] == "miss"
    assert counts(response, "status") == {"planned": 1, "in_progress": 1}
    assert counts(response, "country") == {"ES": 1, "EC": 1}

    added.status = PLANNED
    added.save()
    assert counts(client.get("/commitments/"), "status") == {"planned": 2}
    added.delete()
    assert counts(client.get("/commitments/"), "country") == {"ES": 1}
    cache.clear()
