"""The cities' admin: bounded pages, rules by the field, CSV import and export, history."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from model_bakery import baker

from cities.models import City, CityStaffMembership, Network, Organization
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


def build_cities(n):
    cities = [
        baker.make(City, slug=f"c-{next(_numbers)}", country=["ES", "EC", "GR"][i % 3])
        for i in range(n)
    ]
    network = baker.make(Network, slug=f"n-{next(_numbers)}")
    for city in cities:
        city.networks.add(network)
    users = baker.make(get_user_model(), _quantity=n)
    for user in users:
        CityStaffMembership.objects.create(user=user, city=cities[0])
    return cities[0]


def build_networks(n):
    return baker.make(Network, _quantity=n)[0]


def build_organizations(n):
    return baker.make(Organization, kind="academic", _quantity=n)[0]


def build_memberships(n):
    users = baker.make(get_user_model(), _quantity=n)
    cities = [baker.make(City, country="ES", slug=f"m-{next(_numbers)}") for _ in range(n)]
    return [
        CityStaffMembership.objects.create(user=u, city=c)
        for u, c in zip(users, cities, strict=True)
    ][0]


@pytest.mark.parametrize(
    ("model", "build"),
    [
        (City, build_cities),
        (Network, build_networks),
        (Organization, build_organizations),
        (CityStaffMembership, build_memberships),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_admin_pages_make_the_same_number_of_queries_at_3_and_30_rows(
    admin_client, model, build, django_assert_max_num_queries
):
    assert_admin_pages_bounded(admin_client, model, build, django_assert_max_num_queries)


def test_latitude_without_longitude_is_refused_by_the_field(admin_client):
    data = form_data(admin_client.get(admin_url(City, "add")))
    data.update(name="Valencia", slug="valencia", kind="city", country="ES", latitude="39.47")
    response = admin_client.post(admin_url(City, "add"), data)
    assert response.status_code == 200
    assert "Give both latitude and longitude, or neither." in field_errors(response, "longitude")
    assert not City.objects.filter(slug="valencia").exists()


def test_a_city_saved_in_the_admin_gets_its_region_and_history(admin_client, curator):
    data = form_data(admin_client.get(admin_url(City, "add")))
    data.update(name="Valencia", slug="valencia", kind="city", country="ES")
    response = admin_client.post(admin_url(City, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    city = City.objects.get(slug="valencia")
    assert (city.region, city.subregion) == ("europe", "southern-europe")
    assert city.history.get().history_user == curator


def _csv(text):
    return SimpleUploadedFile("cities.csv", text.encode(), content_type="text/csv")


def _import(client, model, text):
    return client.post(
        admin_url(model, "import"),
        {"format": "0", "import_file": _csv(text), "resource": "0"},
    )


def test_city_import_previews_then_applies(admin_client, barcelona):
    csv = (
        "slug,name,kind,country,networks\n"
        "valencia,Valencia,city,ES,\n"
        "barcelona,Barcelona (updated),city,ES,\n"
    )
    preview = _import(admin_client, City, csv)
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    # The preview applied nothing.
    assert not City.objects.filter(slug="valencia").exists()
    data = {name: confirm[name].value() for name in confirm.fields}
    response = admin_client.post(admin_url(City, "process_import"), data)
    assert response.status_code == 302
    assert City.objects.get(slug="valencia").region == "europe"
    barcelona.refresh_from_db()
    assert barcelona.name == "Barcelona (updated)"
    assert barcelona.history.count() == 2


def test_city_import_with_one_bad_row_applies_nothing_and_names_the_row(admin_client):
    csv = (
        "slug,name,kind,country,networks\n"
        "valencia,Valencia,city,ES,\n"
        "nowhere,Nowhere,city,ZZ,\n"
        "sevilla,Sevilla,city,ES,unknown-network\n"
    )
    response = _import(admin_client, City, csv)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    result = response.context["result"]
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "country" in invalid[2]
    assert "Unknown networks: unknown-network." in str(invalid[3]["networks"])
    body = response.content.decode()
    assert "unknown-network" in body
    assert not City.objects.filter(slug__in=["valencia", "nowhere", "sevilla"]).exists()


def test_city_import_by_direct_resource_call_is_all_or_nothing(db):
    import tablib

    from cities.resources import CityResource

    dataset = tablib.Dataset(
        ("valencia", "Valencia", "city", "ES"),
        ("bad", "Bad", "city", "ZZ"),
        headers=["slug", "name", "kind", "country"],
    )
    result = CityResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert not City.objects.filter(slug="valencia").exists()


def test_export_downloads_the_filtered_list(admin_client, barcelona, quito):
    url = admin_url(City, "export") + "?region__exact=europe"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {"format": "0", "resource": "0"}
    for name in page.context["form"].fields:
        if name.startswith("cityresource_"):
            data[name] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "barcelona" in text
    assert "quito" not in text


def test_staff_with_a_stray_admin_flag_see_no_city_in_the_admin(
    client, barcelona_staff, barcelona, quito
):
    from django.urls import reverse

    ensure_groups()
    barcelona_staff.is_staff = True
    barcelona_staff.save()
    client.force_login(barcelona_staff)
    for url in [
        admin_url(City, "changelist"),
        admin_url(City, "change", barcelona.pk),
        admin_url(City, "change", quito.pk),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))
