"""/search/ and the ``q`` filter of every list: ranked full-text search on PostgreSQL
(stored vector, title above body), the substring fallback on SQLite, published
commitments only, and odd input that never gives a server error."""

import re

import pytest
from django.db import connection
from model_bakery import baker

from cities.models import City
from commitments.filters import CommitmentFilterSet, RelocationFilterSet
from commitments.models import Commitment, RelocationAgreement
from core.search import parse_query, text_search
from forums.filters import CityFilterSet, ForumFilterSet, OutcomeFilterSet
from forums.models import Forum, OutcomeDocument

PUBLISHED = Commitment.PublicationState.PUBLISHED


# One record per type with the word in its title (or name), one with it in its body.
def _cities(word):
    title = baker.make(City, name=f"Ciudad {word}", slug="in-title", country="ES")
    body = baker.make(City, name="Elsewhere", slug="in-body", country="FR", profile=word)
    return title, body


def _forums(word):
    host = baker.make(City, name="Host", slug="host", country="EC")
    title = baker.make(Forum, title=f"Forum on {word}", theme="", summary="", host_city=host)
    body = baker.make(
        Forum, title="Another forum", theme="", summary=f"About {word}.", host_city=host
    )
    return title, body


def _outcomes(word):
    title = baker.make(OutcomeDocument, title=f"Call on {word}", summary="", full_text="")
    body = baker.make(OutcomeDocument, title="An agenda", summary="", full_text=f"... {word}")
    return title, body


def _commitments(word):
    city = baker.make(City, name="Somewhere", slug="somewhere", country="IT")
    title = baker.make(
        Commitment, city=city, title=f"Open {word}", description="", publication_state=PUBLISHED
    )
    body = baker.make(
        Commitment,
        city=city,
        title="Another action",
        description=f"We plan {word}.",
        publication_state=PUBLISHED,
    )
    return title, body


def _agreements(word):
    named = baker.make(City, name=word.capitalize(), slug="named", country="GR")
    a, b = (baker.make(City, name=n, slug=n.lower(), country="ES") for n in ("Alpha", "Beta"))
    title = baker.make(RelocationAgreement, origin=named, destination=a, notes="")
    body = baker.make(RelocationAgreement, origin=a, destination=b, notes=f"Via {word}.")
    return title, body


KINDS = {
    "cities": (_cities, City.objects.all),
    "forums": (_forums, Forum.objects.all),
    "outcomes": (_outcomes, OutcomeDocument.objects.all),
    "commitments": (_commitments, Commitment.objects.published),
    "relocations": (_agreements, RelocationAgreement.objects.all),
}


def _result_links(response, group):
    """The record links of one group of /search/, in the order shown."""
    html = response.content.decode()
    section = re.search(rf'<section[^>]*aria-labelledby="search-{group}".*?</section>', html, re.S)
    assert section, f"no {group} group on the page"
    return re.findall(r'<li>\s*<a href="([^"]+)"', section.group(0))


@pytest.mark.django_db
@pytest.mark.parametrize("group", KINDS)
def test_search_finds_title_and_body_matches_title_first(client, group):
    make, _queryset = KINDS[group]
    title, body = make("zanzibar")

    response = client.get("/search/", {"q": "zanzibar"})

    assert response.status_code == 200
    assert _result_links(response, group) == [
        title.get_absolute_url(),
        body.get_absolute_url(),
    ]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("group", KINDS)
def test_postgres_ranks_a_title_match_above_a_body_match(group):
    make, queryset = KINDS[group]
    title, body = make("zanzibar")

    ranked = {row.pk: row.search_rank for row in text_search(queryset(), "zanzibar")}

    assert set(ranked) == {title.pk, body.pk}
    assert ranked[title.pk] > ranked[body.pk] > 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_search_uses_the_stored_indexed_vector(barcelona):
    baker.make(Commitment, city=barcelona, title="Relocation of refugees", description="")
    sql = str(text_search(Commitment.objects.all(), "relocate").query)
    assert '"commitments_commitment"."search_vector" @@' in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = "
            "'commitments_commitment_search_vector_gin'"
        )
        assert "gin (search_vector)" in cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_search_stems_words(barcelona):
    commitment = baker.make(Commitment, city=barcelona, title="Relocation of refugees")
    assert list(text_search(Commitment.objects.all(), "relocate refugee")) == [commitment]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_vector_follows_edits_and_city_renames(barcelona, athens):
    commitment = baker.make(Commitment, city=barcelona, title="Housing", description="")
    agreement = baker.make(RelocationAgreement, origin=athens, destination=barcelona)
    forum = baker.make(Forum, title="First forum", host_city=barcelona)

    commitment.title = "Schools"
    commitment.save()
    barcelona.name = "Barcelona Ciutat"
    barcelona.save()

    assert list(text_search(Commitment.objects.all(), "schools")) == [commitment]
    assert list(text_search(Commitment.objects.all(), "housing")) == []
    assert list(text_search(Commitment.objects.all(), "ciutat")) == [commitment]
    assert list(text_search(RelocationAgreement.objects.all(), "ciutat")) == [agreement]
    assert list(text_search(Forum.objects.all(), "ciutat")) == [forum]
    assert list(text_search(City.objects.all(), "ciutat")) == [barcelona]


@pytest.mark.sqlite
@pytest.mark.django_db
@pytest.mark.parametrize("group", KINDS)
def test_sqlite_fallback_finds_title_and_body_matches(group):
    make, queryset = KINDS[group]
    title, body = make("zanzibar")

    ranked = {row.pk: row.search_rank for row in text_search(queryset(), "ZANZIBAR")}

    assert set(ranked) == {title.pk, body.pk}
    assert ranked[title.pk] > ranked[body.pk]


@pytest.mark.sqlite
@pytest.mark.django_db
def test_sqlite_fallback_understands_phrases_or_and_minus(barcelona, quito):
    housing = baker.make(Commitment, city=barcelona, title="Social housing for migrants")
    schools = baker.make(Commitment, city=quito, title="Schools for migrant children")
    every = Commitment.objects.all()

    assert set(text_search(every, "migrant")) == {housing, schools}
    assert list(text_search(every, "migrant -schools")) == [housing]
    assert set(text_search(every, "housing or schools")) == {housing, schools}
    assert list(text_search(every, '"housing for"')) == [housing]
    assert list(text_search(every, "migrants children")) == []


def test_parse_query_splits_like_websearch():
    assert parse_query('a "b  c" -d or e') == [
        [("a", True), ("b c", True), ("d", False)],
        [("e", True)],
    ]
    assert parse_query("&|!:* or -") == []


FILTERSETS = {
    "cities": CityFilterSet,
    "forums": ForumFilterSet,
    "outcomes": OutcomeFilterSet,
    "commitments": CommitmentFilterSet,
    "relocations": RelocationFilterSet,
}


@pytest.mark.django_db
@pytest.mark.parametrize("group", KINDS)
def test_every_lists_q_filter_searches_and_ranks(group):
    make, queryset = KINDS[group]
    title, body = make("zanzibar")
    baker.make(City, name="Unrelated", slug="unrelated", country="DE")

    filterset = FILTERSETS[group]({"q": "zanzibar"}, queryset=queryset())

    assert filterset.is_valid()
    rows = list(filterset.qs.order_by("-search_rank"))
    assert rows == [title, body]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/commitments/", "/relocations/", "/cities/"])
def test_list_pages_narrow_to_the_search(client, path):
    make = {"/commitments/": _commitments, "/relocations/": _agreements, "/cities/": _cities}
    title, body = make[path]("zanzibar")
    other = {
        "/commitments/": lambda: baker.make(
            Commitment, title="Unrelated action", publication_state=PUBLISHED
        ),
        "/relocations/": lambda: baker.make(RelocationAgreement, notes="Unrelated"),
        "/cities/": lambda: baker.make(City, name="Unrelated", slug="unrelated-city"),
    }[path]()

    html = client.get(path, {"q": "zanzibar"}).content.decode()

    assert f'href="{title.get_absolute_url()}"' in html
    assert f'href="{body.get_absolute_url()}"' in html
    assert f'href="{other.get_absolute_url()}"' not in html


@pytest.mark.django_db
def test_draft_and_submitted_commitments_never_appear_in_search(client, barcelona):
    hidden = [
        baker.make(Commitment, city=barcelona, title="Zanzibar plan", publication_state=state)
        for state in ("draft", "submitted", "returned")
    ]
    public = baker.make(
        Commitment, city=barcelona, title="Zanzibar public", publication_state=PUBLISHED
    )

    response = client.get("/search/", {"q": "zanzibar"})

    assert _result_links(response, "commitments") == [public.get_absolute_url()]
    html = response.content.decode()
    for commitment in hidden:
        assert commitment.get_absolute_url() not in html


@pytest.mark.django_db
def test_each_group_is_limited_and_links_to_its_full_list(client, barcelona):
    baker.make(
        Commitment,
        city=barcelona,
        title=iter(f"Zanzibar {n}" for n in range(12)),
        publication_state=PUBLISHED,
        _quantity=12,
    )

    response = client.get("/search/", {"q": "zanzibar"})

    assert len(_result_links(response, "commitments")) == 10
    html = response.content.decode()
    assert 'href="/commitments/?q=zanzibar"' in html
    assert "All 12 commitments matching" in html


@pytest.mark.django_db
def test_empty_search_shows_how_to_search(client):
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "How to search" in html
    assert 'href="/commitments/"' in html


@pytest.mark.django_db
def test_search_without_results_says_so(client):
    response = client.get("/search/", {"q": "nothingmatchesthis"})
    assert response.status_code == 200
    assert "Nothing matches “nothingmatchesthis”." in response.content.decode()


@pytest.mark.django_db
def test_search_longer_than_200_characters_answers_400_with_the_error(client):
    response = client.get("/search/", {"q": "a" * 201})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 200 characters" in html
    assert 'aria-invalid="true"' in html


ODD_QUERIES = [
    '"',
    "'",
    '"unterminated phrase',
    "&|!:*",
    "a & b | !c",
    "foo:*",
    "(((",
    "-",
    "or",
    "-or -and",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "naïve 東京 مدينة",
    "x" * 200,
    " ".join(["or"] * 60),
    "a\x00b",
    "\x00",
    "x" * 5000,
]


@pytest.mark.django_db
@pytest.mark.parametrize("q", ODD_QUERIES)
@pytest.mark.parametrize(
    "path", ["/search/", "/cities/", "/forums/", "/outcomes/", "/commitments/", "/relocations/"]
)
def test_odd_query_input_never_gives_a_server_error(client, barcelona, path, q):
    baker.make(Commitment, city=barcelona, title="Housing", publication_state=PUBLISHED)
    response = client.get(path, {"q": q})
    expected = 400 if ("\x00" in q or len(q) > 200) else 200
    assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("q", ODD_QUERIES)
def test_text_search_accepts_odd_input(barcelona, q):
    baker.make(Commitment, city=barcelona, title="Housing", publication_state=PUBLISHED)
    for queryset in (qs() for _make, qs in KINDS.values()):
        list(text_search(queryset, q))


def _records(count):
    cities = baker.make(City, name=iter(f"Zanzibar {n}" for n in range(count)), _quantity=count)
    for n, city in enumerate(cities):
        forum = baker.make(Forum, title=f"Zanzibar forum {n}", host_city=city)
        baker.make(OutcomeDocument, title=f"Zanzibar call {n}", forum=forum)
        baker.make(Commitment, city=city, title=f"Zanzibar {n}", publication_state=PUBLISHED)
        baker.make(RelocationAgreement, origin=city, destination=cities[n - 1], notes="Zanzibar")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 15])
def test_search_query_budget(client, django_assert_max_num_queries, count):
    _records(count)
    # Per record type (six, with good practices): its best ten, and a count when there
    # may be more.
    with django_assert_max_num_queries(6 if count < 10 else 12):
        response = client.get("/search/", {"q": "zanzibar"})
    assert response.status_code == 200
    assert len(_result_links(response, "commitments")) == min(count, 10)
