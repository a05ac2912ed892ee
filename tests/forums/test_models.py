import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from model_bakery import baker

from forums.models import Forum, GoodPractice, OutcomeDocument, Replication


@pytest.fixture
def forum(barcelona):
    return Forum.objects.create(
        edition=1,
        slug="barcelona-2014",
        title="First Mayoral Forum",
        host_city=barcelona,
        start_date=datetime.date(2014, 6, 18),
        date_precision="month",
    )


def test_a_month_only_date_is_kept_and_shown_without_a_day(forum):
    assert forum.start_date == datetime.date(2014, 6, 1)
    assert forum.dates_display == "June 2014"
    assert forum.year == 2014


def test_an_end_date_is_never_before_its_start(forum):
    forum.end_date = datetime.date(2014, 5, 1)
    with pytest.raises(ValidationError) as excinfo:
        forum.full_clean()
    assert excinfo.value.message_dict["end_date"] == [
        "The end date cannot be before the start date."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Forum.objects.filter(pk=forum.pk).update(end_date=datetime.date(2014, 5, 1))


def test_a_year_only_adoption_date_shows_the_year(db):
    document = OutcomeDocument.objects.create(
        title="Call",
        slug="call",
        kind="call",
        adopted_on=datetime.date(2014, 6, 20),
        adopted_precision="year",
    )
    assert document.adopted_on == datetime.date(2014, 1, 1)
    assert document.adopted_display == "2014"


def test_a_city_cannot_replicate_its_own_practice(barcelona):
    practice = baker.make(GoodPractice, city=barcelona, slug="practice")
    replication = Replication(practice=practice, city=barcelona)
    with pytest.raises(ValidationError) as excinfo:
        replication.full_clean()
    assert excinfo.value.message_dict["city"] == ["A city cannot replicate its own practice."]
