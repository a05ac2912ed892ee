"""Each record at the same key as its page, with documented fields and links."""

import json

import pytest

from commitments import services
from commitments.models import Commitment

pytestmark = pytest.mark.django_db


def test_root_lists_every_endpoint(api):
    response = api.get("/api/")

    assert response.status_code == 200
    body = response.json()
    for name in ["cities", "forums", "outcomes", "commitments", "relocations", "frameworks",
                 "themes"]:  # fmt: skip
        assert body[name] == f"http://testserver/api/{name}/"
        assert api.get(body[name]).status_code == 200
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["docs"] == "http://testserver/api/docs/"


def test_city_at_the_key_of_its_page(api, network, barcelona):
    body = api.get("/api/cities/barcelona/").json()

    assert body["slug"] == "barcelona"
    assert body["name"] == "Barcelona"
    assert body["url"] == "http://testserver/api/cities/barcelona/"
    assert body["page_url"] == "http://testserver/cities/barcelona/"
    assert body["country"] == "ES"
    assert body["region"] == "europe"
    assert body["networks"] == [{"slug": network["network"].slug, "name": network["network"].name}]
    assert [f["role"] for f in body["forums"]] == ["host"] * 3
    assert body["forums"][0]["forum"]["url"].startswith("http://testserver/api/forums/forum-")
    assert body["commitments_url"] == "http://testserver/api/commitments/?city=barcelona"
    assert body["relocations_url"] == "http://testserver/api/relocations/?city=barcelona"


def test_forum_dates_keep_their_precision(api, network):
    forum = network["forums"][0]

    body = api.get(f"/api/forums/{forum.slug}/").json()

    # June 2014, known to the month: the API does not invent a day.
    assert body["start_date"] == "2014-06"
    assert body["end_date"] is None
    assert body["date_precision"] == "month"
    assert body["host_city"]["slug"] == "barcelona"
    assert {(p["city"]["slug"], p["role"]) for p in body["participants"]} == {
        ("barcelona", "host"),
        ("quito", "participant"),
    }
    assert body["partners"][0]["role"] == "co_founder"
    assert body["partners"][0]["kind"] == "multilateral"
    assert body["outcome_documents"][0]["slug"] == network["outcomes"][0].slug


def test_outcome_with_clauses_endorsements_and_published_commitments(api, network):
    outcome = network["outcomes"][0]
    published = network["published"][0]

    body = api.get(f"/api/outcomes/{outcome.slug}/").json()

    assert body["adopted_on"] == "2014-06"
    assert body["full_text"] == "# Call\n\nCities commit."
    assert body["clauses"] == [
        {"number": "1", "position": 0, "text": "Cities act.", "commitments_count": 1}
    ]
    assert body["endorsements"][0]["city"]["slug"] == "quito"
    assert body["endorsements"][0]["endorsed_on"] == "2015-11"
    assert body["endorsements"][0]["endorsed_precision"] == "month"
    assert body["themes"][0]["slug"] == network["theme"].slug
    assert body["framework_items"][0]["code"] == network["target"].code
    assert body["framework_items"][0]["framework"] == network["framework"].code
    assert body["commitments_count"] == 1
    assert [c["id"] for c in body["commitments"]] == [published.pk]
    assert body["commitments_url"] == f"http://testserver/api/commitments/?outcome={outcome.slug}"


def test_commitment_with_its_progress_updates(api, network):
    commitment = network["published"][0]

    body = api.get(f"/api/commitments/{commitment.pk}/").json()

    assert body["id"] == commitment.pk
    assert body["page_url"] == f"http://testserver/commitments/{commitment.pk}/"
    assert body["city"]["url"] == "http://testserver/api/cities/barcelona/"
    assert body["status"] == "in_progress"
    assert body["updates"] == [
        {
            "date": "2016-01-01",
            "text": "Half way.",
            "percent": 50,
            "evidence_url": "",
            "self_reported": True,
            "verified": False,
            "verified_at": None,
            "evidence_file": None,
            "date_precision": "day",
        }
    ]
    assert body["last_update_on"] == "2016-01-01"
    assert body["clauses"] == [{"outcome": network["outcomes"][0].slug, "number": "1"}]


def test_relocation_with_transfers_and_totals(api, network):
    agreement = network["agreements"][0]

    body = api.get(f"/api/relocations/{agreement.pk}/").json()

    assert body["origin"]["slug"] == "athens"
    assert body["destination"]["slug"] == "barcelona"
    assert body["people_pledged"] == 100
    # Barcelona reported the transfer and Athens has not confirmed it yet (issue 10).
    assert body["relocated"] == 0
    assert body["awaiting_confirmation"] == 30
    assert body["remaining"] == 70
    assert body["signed_on"] == "2016-03"
    assert body["transfers"] == [
        {
            "date": "2016-05-01",
            "people": 30,
            "reported_by_city": {
                "slug": "barcelona",
                "name": "Barcelona",
                "country": "ES",
                "url": "http://testserver/api/cities/barcelona/",
            },
            "confirmed": False,
            "confirmed_at": None,
            "date_precision": "day",
        }
    ]


def test_framework_with_its_items(api, network):
    framework = network["framework"]

    body = api.get(f"/api/frameworks/{framework.code}/").json()

    assert body["adopted_on"] == "2015-09"
    items = {item["code"]: item for item in body["items"]}
    assert items[f"{framework.code}-10.7"]["parent"] == f"{framework.code}-10"
    assert items[f"{framework.code}-10.7"]["commitments_count"] == 3
    assert items[f"{framework.code}-10"]["commitments_count"] == 0


def test_theme_counts_and_links(api, network):
    theme = network["theme"]

    body = api.get(f"/api/themes/{theme.slug}/").json()

    assert body["commitments_count"] == 3
    assert body["outcomes_count"] == 3
    assert body["outcomes_url"] == f"http://testserver/api/outcomes/?theme={theme.slug}"


def test_no_personal_data_of_staff(api, network):
    """Who reported, verified or created something is never named."""
    staff = network["staff"]
    agreement = network["agreements"][0]
    commitment = network["published"][0]
    services.verify_update(update=commitment.updates.get(), user=staff)
    texts = [
        api.get(url).content.decode()
        for url in [
            "/api/commitments/",
            f"/api/commitments/{commitment.pk}/",
            "/api/relocations/",
            f"/api/relocations/{agreement.pk}/",
            "/api/cities/barcelona/",
        ]
    ]

    for text in texts:
        assert staff.username not in text
        assert staff.email not in text
        assert "internal curator note" not in text
        for key in ("reported_by", "verified_by", "created_by", "confirmed_by",
                    "review_comment", "pending_changes", "publication_state"):  # fmt: skip
            assert f'"{key}"' not in text


def test_proposed_changes_stay_out_until_accepted(api, network):
    commitment = network["published"][0]
    services.propose_changes(
        commitment=commitment, user=network["staff"], changes={"title": "Unreviewed title"}
    )

    body = api.get(f"/api/commitments/{commitment.pk}/").json()

    assert body["title"] == commitment.title
    assert "Unreviewed title" not in json.dumps(body)


def test_lists_are_paginated_with_a_limit(api, barcelona):
    from tests.api.conftest import make_commitment

    for _ in range(5):
        make_commitment(barcelona)

    first = api.get("/api/commitments/?page_size=2").json()
    second = api.get(first["next"]).json()
    capped = api.get("/api/commitments/?page_size=100000")

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert not {c["id"] for c in first["results"]} & {c["id"] for c in second["results"]}
    assert capped.status_code == 200


def test_list_order_is_stable_for_equal_dates(api, barcelona):
    """Rows sharing a sort date keep one order, so paging never repeats or skips."""
    from tests.api.conftest import make_commitment

    made = [make_commitment(barcelona) for _ in range(4)]
    Commitment.objects.filter(pk__in=[c.pk for c in made]).update(updated_at=made[0].updated_at)

    ids = [
        c["id"]
        for page in (1, 2)
        for c in api.get(f"/api/commitments/?page_size=2&page={page}").json()["results"]
    ]

    assert ids == sorted((c.pk for c in made), reverse=True)


def test_flags_are_true_or_false_never_null(api, barcelona):
    """No target date and no update yet: SQL says NULL, the API says false."""
    from tests.api.conftest import make_commitment

    commitment = make_commitment(barcelona, target_date=None)

    body = api.get(f"/api/commitments/{commitment.pk}/").json()

    assert body["overdue"] is False
    assert body["stale"] is False
    assert body["last_update_on"] is None
