import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cities.models import City


def test_region_and_subregion_follow_the_country(db):
    city = City.objects.create(name="Quezon City", slug="quezon-city", country="PH")
    assert (city.region, city.subregion) == ("asia", "south-eastern-asia")


def test_latitude_and_longitude_go_together(db):
    city = City(name="Athens", slug="athens", country="GR", latitude=37.98)
    with pytest.raises(ValidationError) as excinfo:
        city.full_clean()
    assert excinfo.value.message_dict["longitude"] == [
        "Give both latitude and longitude, or neither."
    ]


def test_database_refuses_a_latitude_out_of_range(barcelona):
    with pytest.raises(IntegrityError), transaction.atomic():
        City.objects.filter(pk=barcelona.pk).update(latitude=91, longitude=0)


def test_staff_act_only_for_their_own_cities(barcelona_staff, barcelona, quito, curator):
    assert list(City.objects.for_user(barcelona_staff)) == [barcelona]
    assert set(City.objects.for_user(curator)) == {barcelona, quito}
