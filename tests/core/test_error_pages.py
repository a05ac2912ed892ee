"""404 and 500 pages in the site's layout and the visitor's language (DEBUG off)."""

from unittest import mock

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

NOT_FOUND = {"en": "Page not found", "es": "Página no encontrada"}
FAILED = {"en": "Something went wrong", "es": "Algo ha fallado"}


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/no-such-page/", "en"),
        ("/es/no-such-page/", "es"),
        ("/commitments/999999/", "en"),
        ("/es/commitments/999999/", "es"),
    ],
)
def test_a_missing_page_is_a_404_in_the_sites_layout_and_language(client, path, language):
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert NOT_FOUND[language] in body
    assert 'class="site-header"' in body and 'class="site-footer"' in body
    assert "Not Found" not in body


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/es", "es")])
def test_a_server_error_is_a_500_in_the_sites_layout_and_language(prefix, language):
    client = Client(raise_request_exception=False)
    with mock.patch("pages.views.render", side_effect=RuntimeError("boom")):
        response = client.get(f"{prefix}/")
    assert response.status_code == 500
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert FAILED[language] in body
    assert 'class="site-header"' in body
    assert "boom" not in body


@pytest.mark.django_db(False)
def test_the_500_page_renders_without_a_database_or_a_request_context():
    # No database fixture: a query here would fail the test.
    request = RequestFactory().get("/es/")
    with translation.override("es"):
        response = server_error(request)
    assert response.status_code == 500
    assert FAILED["es"] in response.content.decode()
