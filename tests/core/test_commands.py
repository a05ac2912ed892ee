"""addcitystaff and generatedata."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F

from cities.models import City, CityStaffMembership
from commitments.models import (
    Commitment,
    ProgressUpdate,
    RelocationAgreement,
    Transfer,
)
from core.permissions import CITY_STAFF_GROUP
from tests.curation import ensure_groups


@pytest.fixture
def groups(db):
    ensure_groups()


def test_addcitystaff_creates_a_user_without_password_in_the_city_staff_group(
    groups, barcelona, capsys
):
    call_command("addcitystaff", "ada", "barcelona", "--email", "ada@example.org")
    user = get_user_model().objects.get(username="ada")
    assert user.email == "ada@example.org"
    assert not user.has_usable_password()
    assert not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [CITY_STAFF_GROUP]
    assert list(City.objects.for_user(user)) == [barcelona]
    assert user.has_perm("commitments.add_commitment")
    out = capsys.readouterr().out
    assert "changepassword ada" in out


def test_addcitystaff_attaches_an_existing_user_once(groups, barcelona, quito, barcelona_staff):
    call_command("addcitystaff", barcelona_staff.username, "quito")
    call_command("addcitystaff", barcelona_staff.username, "quito")
    assert set(City.objects.for_user(barcelona_staff)) == {barcelona, quito}
    assert CityStaffMembership.objects.filter(user=barcelona_staff).count() == 2
    barcelona_staff.refresh_from_db()
    assert barcelona_staff.has_usable_password()


def test_addcitystaff_takes_a_stray_admin_flag_away_but_not_a_curators(
    groups, barcelona, barcelona_staff, curator, capsys
):
    barcelona_staff.is_staff = True
    barcelona_staff.save()
    call_command("addcitystaff", barcelona_staff.username, "barcelona")
    barcelona_staff.refresh_from_db()
    assert not barcelona_staff.is_staff
    assert "admin access (is_staff) was removed" in capsys.readouterr().out
    call_command("addcitystaff", curator.username, "barcelona")
    curator.refresh_from_db()
    assert curator.is_staff


def test_addcitystaff_refuses_an_unknown_city(groups):
    with pytest.raises(CommandError, match='No city with the slug "atlantis"'):
        call_command("addcitystaff", "ada", "atlantis")
    assert not get_user_model().objects.filter(username="ada").exists()


def test_addcitystaff_refuses_a_bad_email(groups, barcelona):
    with pytest.raises(CommandError, match="not a valid email"):
        call_command("addcitystaff", "ada", "barcelona", "--email", "not-an-address")


def test_generatedata_makes_synthetic_records_that_keep_every_rule(db, barcelona):
    call_command(
        "generatedata",
        "--cities=12",
        "--commitments=300",
        "--updates-per-commitment=3",
        "--agreements=40",
        "--transfers-per-agreement=4",
        "--seed=5",
        "--batch-size=70",
        verbosity=0,
    )
    synthetic = City.objects.filter(slug__startswith="synthetic-city-")
    assert synthetic.count() == 12
    assert synthetic.filter(name__startswith="Synthetic City 00").count() == 12
    assert not synthetic.filter(region="").exists()  # derived although save() did not run
    commitments = Commitment.objects.all()
    assert commitments.count() == 300
    assert not commitments.exclude(city__slug__startswith="synthetic-").exists()
    assert not commitments.exclude(source_citation__icontains="synthetic").exists()
    assert ProgressUpdate.objects.count() == 900
    states = set(commitments.values_list("publication_state", flat=True))
    assert states == set(Commitment.PublicationState.values)
    assert commitments.filter(publication_state="published").count() > 150
    assert commitments.filter(themes__isnull=False).distinct().count() == 300

    # Every generated row passes the records' own rules.
    for model in (Commitment, ProgressUpdate, RelocationAgreement, Transfer):
        for record in model.objects.all():
            record.full_clean()
    last_updates = {
        update.commitment_id: update.percent
        for update in ProgressUpdate.objects.order_by("commitment_id", "date", "pk")
    }
    assert all(last_updates[c.pk] == c.progress for c in commitments)
    totals = RelocationAgreement.objects.with_totals()
    assert not totals.filter(relocated__gt=F("people_pledged")).exists()
    assert totals.filter(relocated__gt=0).exists()
    assert not Transfer.objects.filter(date__lt=F("agreement__signed_on")).exists()

    # New records still get fresh ids after the generated ones.
    created = Commitment.objects.create(city=barcelona, title="Real one")
    assert created.pk > max(commitments.exclude(pk=created.pk).values_list("pk", flat=True))


def test_generatedata_twice_adds_new_synthetic_cities(db):
    call_command("generatedata", "--cities=3", "--commitments=5", "--agreements=2", verbosity=0)
    call_command("generatedata", "--cities=3", "--commitments=5", "--agreements=2", verbosity=0)
    assert City.objects.filter(slug__startswith="synthetic-city-").count() == 6
    assert Commitment.objects.count() == 10


def test_generatedata_refuses_a_negative_size(db):
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("generatedata", "--commitments=-1")
