"""Three languages: English at the contract's paths, Spanish and French under a prefix."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_the_language_is_in_the_url_not_in_the_browser_or_a_cookie(client):
    client.cookies["django_language"] = "fr"
    english = client.get("/cities/", HTTP_ACCEPT_LANGUAGE="es")
    spanish = client.get("/es/cities/", HTTP_ACCEPT_LANGUAGE="fr")
    french = client.get("/fr/cities/")

    assert (english.status_code, spanish.status_code, french.status_code) == (200, 200, 200)
    assert [_html_lang(r) for r in (english, spanish, french)] == ["en", "es", "fr"]
    assert spanish["Content-Language"] == "es"


def test_the_switcher_links_to_the_same_page_in_each_language(client):
    html = client.get("/commitments/?status=planned&status=achieved").content.decode()

    switcher = html[html.index('class="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    links = dict(re.findall(r'<a href="([^"]+)" lang="(\w+)"', switcher))
    assert links == {
        "/commitments/?status=planned&amp;status=achieved": "en",
        "/es/commitments/?status=planned&amp;status=achieved": "es",
        "/fr/commitments/?status=planned&amp;status=achieved": "fr",
    }
    assert 'aria-current="true">English</a>' in switcher
    # Plain links: no form, so no CSRF token that would make the page private.
    assert "csrfmiddlewaretoken" not in html


def test_links_on_a_translated_page_stay_in_its_language(client):
    html = client.get("/es/").content.decode()
    nav = html[html.index('class="site-nav"') :]
    assert 'href="/es/cities/"' in nav
    assert 'href="/es/commitments/"' in nav
    assert '<link rel="alternate" hreflang="fr" href="/fr/">' in html


def test_the_api_is_not_translated(client):
    assert client.get("/es/api/docs/").status_code == 404
    assert client.get("/api/docs/").status_code == 200
