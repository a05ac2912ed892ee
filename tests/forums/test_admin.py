"""The forums' admin: bounded pages, rules by the field, restore and edit conflicts."""

import datetime
import itertools

import pytest
from model_bakery import baker

from cities.models import City, Organization
from forums.models import (
    Clause,
    Endorsement,
    FigureClaim,
    Forum,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    GoodPractice,
    OutcomeDocument,
    Replication,
    Theme,
)
from tests import builders
from tests.curation import (
    admin_url,
    assert_admin_pages_bounded,
    ensure_groups,
    field_errors,
    form_data,
)

_numbers = itertools.count(1)


@pytest.fixture
def admin_client(client, curator):
    ensure_groups()
    client.force_login(curator)
    return client


def _cities(n):
    return [baker.make(City, country="ES", slug=f"city-{next(_numbers)}") for _ in range(n)]


def _forum(host, **fields):
    number = next(_numbers)
    return baker.make(
        Forum,
        edition=number,
        slug=f"forum-{number}",
        host_city=host,
        start_date=datetime.date(2014, 6, 1),
        **fields,
    )


def _document(forum=None):
    number = next(_numbers)
    return baker.make(OutcomeDocument, slug=f"doc-{number}", kind="call", forum=forum)


def build_forums(n):
    cities = _cities(n)
    forums = [_forum(city) for city in cities]
    organizations = baker.make(Organization, kind="academic", _quantity=n)
    for city, organization in zip(cities, organizations, strict=True):
        ForumParticipation.objects.create(forum=forums[0], city=city)
        ForumPartner.objects.create(forum=forums[0], organization=organization, role="supporter")
    return forums[0]


def build_documents(n):
    cities = _cities(n)
    forum = _forum(cities[0])
    documents = [_document(forum) for _ in range(n)]
    themes = baker.make(Theme, _quantity=2)
    documents[0].themes.set(themes)
    for i, city in enumerate(cities):
        Clause.objects.create(document=documents[0], number=str(i + 1), text="Text")
        Endorsement.objects.create(document=documents[0], city=city)
    return documents[0]


def build_themes(n):
    return baker.make(Theme, _quantity=n)[0]


def build_frameworks(n):
    return baker.make(Framework, _quantity=n)[0]


def build_framework_items(n):
    framework = baker.make(Framework)
    items = baker.make(FrameworkItem, framework=framework, _quantity=n)
    for item in items[1:]:
        item.parent = items[0]
        item.save()
    return items[-1]


def build_clauses(n):
    documents = [_document() for _ in range(n)]
    return [Clause.objects.create(document=d, number="1", text="Text") for d in documents][0]


def build_endorsements(n):
    cities = _cities(n)
    return [
        Endorsement.objects.create(document=_document(), city=city, endorsed_on=None)
        for city in cities
    ][0]


def build_participations(n):
    cities = _cities(n)
    return [ForumParticipation.objects.create(forum=_forum(city), city=city) for city in cities][0]


def build_partners(n):
    organizations = baker.make(Organization, kind="academic", _quantity=n)
    host = _cities(1)[0]
    return [
        ForumPartner.objects.create(forum=_forum(host), organization=o, role="supporter")
        for o in organizations
    ][0]


def build_figures(n):
    host = _cities(1)[0]
    forum, document = _forum(host), _document()
    for value in range(n):
        builders.figure(forum=forum, value=value)
        builders.figure(outcome_document=document, value=value)
    return forum.figures.first()


def build_practices(n):
    cities = _cities(n)
    practices = [
        baker.make(GoodPractice, city=city, slug=f"p-{next(_numbers)}") for city in cities
    ]
    for city in cities[1:]:
        Replication.objects.create(practice=practices[0], city=city)
    return practices[0]


def build_replications(n):
    cities = _cities(n + 1)
    practice = baker.make(GoodPractice, city=cities[0], slug=f"p-{next(_numbers)}")
    return [Replication.objects.create(practice=practice, city=city) for city in cities[1:]][0]


@pytest.mark.parametrize(
    ("model", "build"),
    [
        (Forum, build_forums),
        (OutcomeDocument, build_documents),
        (Theme, build_themes),
        (Framework, build_frameworks),
        (FrameworkItem, build_framework_items),
        (Clause, build_clauses),
        (Endorsement, build_endorsements),
        (ForumParticipation, build_participations),
        (ForumPartner, build_partners),
        (FigureClaim, build_figures),
        (GoodPractice, build_practices),
        (Replication, build_replications),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_admin_pages_make_the_same_number_of_queries_at_3_and_30_rows(
    admin_client, model, build, django_assert_max_num_queries
):
    assert_admin_pages_bounded(admin_client, model, build, django_assert_max_num_queries)


def test_forum_ending_before_it_starts_is_refused_by_the_field(admin_client, barcelona):
    forum = _forum(barcelona, title="First forum")
    url = admin_url(Forum, "change", forum.pk)
    data = form_data(admin_client.get(url))
    data.update(start_date="2014-06-10", end_date="2014-06-01", date_precision="day")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in field_errors(response, "end_date")
    forum.refresh_from_db()
    assert forum.end_date is None


def test_a_change_then_a_restore_brings_the_old_values_back(admin_client, barcelona, curator):
    forum = _forum(barcelona, title="First Mayoral Forum", summary="Original summary")
    url = admin_url(Forum, "change", forum.pk)
    data = form_data(admin_client.get(url))
    data.update(title="Renamed by mistake", summary="Wrong summary")
    assert admin_client.post(url, data).status_code == 302
    forum.refresh_from_db()
    assert forum.title == "Renamed by mistake"

    history = admin_client.get(admin_url(Forum, "history", forum.pk))
    assert history.status_code == 200
    assert "Renamed by mistake" in history.content.decode()
    original = forum.history.earliest()
    revert_url = admin_url(Forum, "simple_history", forum.pk, original.history_id)
    page = admin_client.get(revert_url)
    assert page.status_code == 200
    response = admin_client.post(revert_url, form_data(page))
    assert response.status_code == 302

    forum.refresh_from_db()
    assert (forum.title, forum.summary) == ("First Mayoral Forum", "Original summary")
    # The restore is itself a kept change, numbered after the mistaken one.
    assert forum.version == 3
    latest = forum.history.latest()
    assert latest.history_user == curator
    assert forum.history.count() == 3


def test_a_restore_from_a_page_loaded_before_someone_elses_save_is_refused(
    admin_client, barcelona
):
    forum = _forum(barcelona, title="Original")
    forum.title = "Second"
    forum.save()
    revert_url = admin_url(Forum, "simple_history", forum.pk, forum.history.earliest().history_id)
    page = admin_client.get(revert_url)
    forum.title = "Someone else's"
    forum.save()
    response = admin_client.post(revert_url, form_data(page))
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    forum.refresh_from_db()
    assert forum.title == "Someone else's"


def test_a_restore_that_races_someone_elses_save_is_refused_by_the_write(
    admin_client, barcelona, race_past_the_form_check
):
    forum = _forum(barcelona, title="Original")
    forum.title = "Second"
    forum.save()
    revert_url = admin_url(Forum, "simple_history", forum.pk, forum.history.earliest().history_id)
    page = admin_client.get(revert_url)
    forum.title = "Someone else's"
    forum.save()
    response = admin_client.post(revert_url, form_data(page))
    assert race_past_the_form_check  # only the write could see it
    assert response.status_code == 200
    text = " ".join(response.context["adminform"].form.non_field_errors())
    assert "title: Second → Someone else's" in text
    forum.refresh_from_db()
    assert (forum.title, forum.version) == ("Someone else's", 3)


def test_a_stale_form_save_is_refused_and_nothing_changes(admin_client, barcelona):
    forum = _forum(barcelona, title="Original", summary="Original summary")
    url = admin_url(Forum, "change", forum.pk)
    stale = form_data(admin_client.get(url))
    # Someone else saves the record after this form was loaded.
    other = Forum.objects.get(pk=forum.pk)
    other.summary = "Their summary"
    other.save()
    stale.update(title="Mine")
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing it" in (
        response.content.decode()
    )
    forum.refresh_from_db()
    assert (forum.title, forum.summary) == ("Original", "Their summary")


def test_document_inlines_save_clauses_and_endorsements(admin_client, barcelona, quito):
    document = _document()
    url = admin_url(OutcomeDocument, "change", document.pk)
    data = form_data(admin_client.get(url))
    data.update(
        {
            "clauses-TOTAL_FORMS": "1",
            "clauses-0-number": "1",
            "clauses-0-position": "0",
            "clauses-0-text": "Cities shall be heard.",
            "endorsements-TOTAL_FORMS": "2",
            "endorsements-0-city": str(barcelona.pk),
            "endorsements-0-endorsed_precision": "month",
            "endorsements-0-endorsed_on": "2014-06-01",
            "endorsements-1-city": str(quito.pk),
            "endorsements-1-endorsed_precision": "day",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert document.clauses.get().text == "Cities shall be heard."
    assert set(document.endorsing_cities.all()) == {barcelona, quito}


def test_staff_can_neither_see_nor_restore_a_version(client, barcelona_staff, barcelona):
    from django.urls import reverse

    ensure_groups()
    barcelona_staff.is_staff = True  # a stray flag: still not a curator
    barcelona_staff.save()
    forum = _forum(barcelona, title="Original")
    forum.title = "Changed"
    forum.save()
    client.force_login(barcelona_staff)
    revert_url = admin_url(Forum, "simple_history", forum.pk, forum.history.earliest().history_id)
    for response in (client.get(revert_url), client.post(revert_url, {"title": "Original"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    forum.refresh_from_db()
    assert forum.title == "Changed"
