"""Shared fixtures: the personas of the design (anonymous, Barcelona staff, Quito staff,
a curator) and the cities they act for."""

import copy

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.utils import translation
from model_bakery import baker

from cities.models import City, CityStaffMembership
from core.permissions import CITY_STAFF_GROUP, CURATORS_GROUP

# Unique fields a test leaves out get values from a sequence, never random draws that
# can collide (see tests/baking.py).
settings.BAKER_CUSTOM_CLASS = "tests.baking.UniqueValuesBaker"


def pytest_collection_modifyitems(config, items):
    vendor = connection.vendor
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "sqlite" in item.keywords and vendor != "sqlite":
            item.add_marker(pytest.mark.skip(reason="tests the SQLite fallback"))


@pytest.fixture(autouse=True, scope="session")
def _own_redis_database_per_worker(worker_id):
    """With Redis as the cache (the PostgreSQL run in CI), ``cache.clear()`` flushes the
    whole Redis database; parallel workers sharing one would wipe each other's entries
    (such as the API throttle's counts) mid-test. Each worker gets its own database."""
    cache_settings = settings.CACHES["default"]
    if not cache_settings["BACKEND"].endswith("RedisCache") or worker_id == "master":
        yield
        return
    base, _, number = cache_settings["LOCATION"].rpartition("/")
    if not number.isdigit():
        base, number = cache_settings["LOCATION"].rstrip("/"), "0"
    location = f"{base}/{int(number) + 1 + int(worker_id.removeprefix('gw'))}"
    with override_settings(CACHES={"default": {**cache_settings, "LOCATION": location}}):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A second database alias, ``replica``, on the same test database (a test mirror),
    as production has with DATABASE_REPLICA_URL. Only tests that install the replica
    router (tests/core/test_replica.py) read from it."""
    databases = settings.DATABASES  # the very dict django.db.connections uses
    if "replica" not in databases:
        replica = copy.deepcopy(databases["default"])
        replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default", "NAME": None}
        databases["replica"] = replica


# Off from the start, not only in each test: tests/api/test_schema.py loads the schema
# through the WSGI application at collection, with no database to read the version from.
override_settings(PAGE_CACHE_SECONDS=0).enable()


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """The server's page cache is off unless a test turns it on (tests/core/
    test_page_cache.py): the other tests read what a request costs and shows when
    it is computed, and a page kept by one test must not answer in the next."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language.

    The test client leaves the language of the last page requested active in the
    thread, so a test that requested an /es/ page made the next test on that worker
    read Spanish messages (found by running the suite in random orders).
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def barcelona(db):
    return baker.make(City, name="Barcelona", slug="barcelona", country="ES")


@pytest.fixture
def quito(db):
    return baker.make(City, name="Quito", slug="quito", country="EC")


@pytest.fixture
def athens(db):
    return baker.make(City, name="Athens", slug="athens", country="GR")


def staff_user_of(django_user_model, username, city):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password="correct horse battery"
    )
    group, _ = Group.objects.get_or_create(name=CITY_STAFF_GROUP)
    user.groups.add(group)
    user.is_staff = False
    user.save()
    CityStaffMembership.objects.create(user=user, city=city)
    return user


@pytest.fixture
def barcelona_staff(django_user_model, barcelona):
    return staff_user_of(django_user_model, "barcelona-staff", barcelona)


@pytest.fixture
def quito_staff(django_user_model, quito):
    return staff_user_of(django_user_model, "quito-staff", quito)


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(
        username="curator",
        email="curator@example.org",
        password="correct horse battery",
        is_staff=True,
    )
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    user.groups.add(group)
    return user


@pytest.fixture
def race_past_the_form_check(monkeypatch):
    """The first edit form's early version check runs before the other person's save
    commits, as when two people press Save at once: only the write can then see the
    conflict. (The real race, on PostgreSQL, is in tests/core/test_concurrency.py.)"""
    from core.forms import VersionedFormMixin

    check = VersionedFormMixin.clean
    missed = []

    def clean(self):
        if missed:
            return check(self)
        missed.append(self)
        return super(VersionedFormMixin, self).clean()

    monkeypatch.setattr(VersionedFormMixin, "clean", clean)
    return missed
