"""The admin URLs that answered 500 to odd input (issue 11): each now a 400 or a 404."""

import pytest

from tests import builders
from tests.curation import ensure_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client, curator):
    ensure_groups()
    client.force_login(curator)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/commitments/commitment/?status__exact=%00",
        "/admin/commitments/commitment/?city__region__exact=%00",
        "/admin/commitments/commitment/?q=a%00b",
        "/admin/cities/city/?region__exact=%00",
        "/admin/forums/outcomedocument/?language=%00",
        "/admin/autocomplete/?app_label=commitments&model_name=commitment&field_name=city&term=%00",
    ],
)
def test_a_nul_byte_in_a_filter_search_or_autocomplete_term_is_a_bad_request(curator_client, url):
    assert curator_client.get(url).status_code == 400


@pytest.mark.parametrize("object_id", ["abc", "%2500", "1.5"])
@pytest.mark.parametrize("view", ["history", "history/1"])
def test_a_history_page_of_a_non_numeric_id_is_not_found(curator_client, object_id, view):
    response = curator_client.get(f"/admin/commitments/commitment/{object_id}/{view}/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/commitments/commitment/export/?nonexistent=1",
        "/admin/commitments/progressupdate/export/?city__id__exact=1",
        "/admin/cities/city/export/?status__exact=planned",
    ],
)
def test_the_export_page_refuses_a_filter_its_list_does_not_have(curator_client, url):
    assert curator_client.get(url).status_code == 400


def test_the_export_page_still_exports_a_filtered_list(curator_client, barcelona, quito):
    builders.commitment(barcelona, title="Barcelona's")
    builders.commitment(quito, title="Quito's")

    response = curator_client.post(
        f"/admin/commitments/commitment/export/?city__id__exact={barcelona.pk}",
        {"format": "0", "resource": "0", "commitmentresource_id": "on",
         "commitmentresource_title": "on"},
    )  # fmt: skip

    assert response.status_code == 200
    body = response.content.decode()
    assert "Barcelona's" in body and "Quito's" not in body
