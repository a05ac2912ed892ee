"""The groups made by the migration, the User admin with the cities a user acts for,
and the admin's shared pieces."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from model_bakery import baker

from cities.models import City, CityStaffMembership
from core.permissions import CITY_STAFF_GROUP, CURATORS_GROUP
from tests.curation import (
    admin_url,
    assert_admin_pages_bounded,
    ensure_groups,
    form_data,
)

_numbers = itertools.count(1)
User = get_user_model()


@pytest.fixture
def admin_client(client, django_user_model):
    ensure_groups()
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x-long-pw-1")
    client.force_login(root)
    return client


def _codenames(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_curators_hold_every_permission_of_the_records_and_may_view_users(db):
    ensure_groups()
    curators = _codenames(CURATORS_GROUP)
    for codename in (
        "add_city",
        "change_forum",
        "delete_commitment",
        "view_transfer",
        "change_outcomedocument",
        "add_citystaffmembership",
        "view_user",
    ):
        assert codename in curators
    assert "change_user" not in curators


def test_city_staff_view_and_log_commitments_updates_and_transfers(db):
    ensure_groups()
    staff = _codenames(CITY_STAFF_GROUP)
    assert {
        "add_commitment",
        "change_commitment",
        "add_progressupdate",
        "change_progressupdate",
        "add_transfer",
        "change_transfer",
        "view_city",
        "view_forum",
        "view_relocationagreement",
    } <= staff
    assert not {c for c in staff if c.startswith("delete_")}
    assert "change_city" not in staff and "change_relocationagreement" not in staff


def test_curator_fixture_can_use_the_admin(client, curator):
    ensure_groups()
    client.force_login(curator)
    assert curator.has_perm("commitments.change_commitment")
    assert client.get("/admin/").status_code == 200


def build_users(n):
    users = baker.make(User, _quantity=n)
    cities = [baker.make(City, country="ES", slug=f"u-{next(_numbers)}") for _ in range(n)]
    for city in cities:
        CityStaffMembership.objects.create(user=users[0], city=city)
    return users[0]


def test_user_admin_pages_make_the_same_number_of_queries_at_3_and_30_rows(
    admin_client, django_assert_max_num_queries
):
    assert_admin_pages_bounded(admin_client, User, build_users, django_assert_max_num_queries)


def test_a_user_is_attached_to_a_city_from_the_user_admin(admin_client, barcelona):
    user = baker.make(User, username="ada")
    url = admin_url(User, "change", user.pk)
    data = form_data(admin_client.get(url))
    data.update({"city_memberships-TOTAL_FORMS": "1", "city_memberships-0-city": barcelona.pk})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert list(City.objects.for_user(user)) == [barcelona]
