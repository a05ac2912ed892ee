"""Test data never collides on a unique field by chance."""

import pytest
from django.contrib.auth import get_user_model
from model_bakery import baker

from cities.models import City
from forums.models import Forum, Theme


@pytest.mark.django_db
def test_many_baked_forums_never_collide_on_edition(barcelona):
    # A random smallint edition collides almost surely within 1,000 draws.
    forums = baker.make(Forum, host_city=barcelona, _quantity=1000)
    assert len({forum.edition for forum in forums}) == 1000


@pytest.mark.django_db
def test_baked_unique_texts_are_distinct_and_fit_their_columns():
    cities = baker.make(City, _quantity=300)
    themes = baker.make(Theme, _quantity=300)
    users = baker.make(get_user_model(), _quantity=300)
    assert len({city.slug for city in cities}) == len({city.name for city in cities}) == 300
    assert len({theme.slug for theme in themes}) == 300
    assert len({user.username for user in users}) == 300
    assert all(len(city.slug) <= City._meta.get_field("slug").max_length for city in cities)


@pytest.mark.django_db
def test_explicit_small_editions_do_not_meet_baked_ones(barcelona):
    baker.make(Forum, host_city=barcelona, edition=1)
    baker.make(Forum, host_city=barcelona, _quantity=5)
    assert Forum.objects.count() == 6
