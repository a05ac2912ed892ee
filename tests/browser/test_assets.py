"""Everything a page needs is served by the site: no font, script, style, image or map
tile from another host (checked on the HTML and the stylesheets, no browser needed)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.builders import agreement, city, commitment, forum, outcome

# Elements whose URL the browser fetches by itself while showing the page.
FETCHED = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


class _Fetched(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in FETCHED.get(tag, ()) and value:
                if tag == "link" and ("alternate" in (dict(attrs).get("rel") or "")):
                    continue  # a link to another language or a feed, not fetched
                self.urls.append((tag, value))

    handle_startendtag = handle_starttag


def _remote(html):
    parser = _Fetched()
    parser.feed(html)
    return [(tag, url) for tag, url in parser.urls if REMOTE.match(url)]


@pytest.mark.django_db
def test_pages_fetch_nothing_from_another_host(client, django_user_model):
    barcelona = city("barcelona", latitude=41.4, longitude=2.2)
    athens = city("athens", country="GR", latitude=38, longitude=23.7)
    first = forum(barcelona, 1, 2014)
    document = outcome("call-of-barcelona", forum=first)
    published = commitment(barcelona, outcome_document=document)
    relocation = agreement(athens, barcelona, 100)
    urls = [
        "/",
        "/es/",
        "/cities/",
        "/cities/barcelona/",
        "/forums/",
        first.get_absolute_url(),
        "/outcomes/",
        document.get_absolute_url(),
        "/commitments/",
        published.get_absolute_url(),
        "/relocations/",
        relocation.get_absolute_url(),
        "/search/?q=barcelona",
        "/accounts/login/",
        "/api/docs/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _remote(response.content.decode()) == [], url


def test_stylesheets_load_nothing_from_another_host():
    sheets = [Path(path) for path in finders.find("css", find_all=True)]
    css = [path for folder in sheets for path in folder.glob("*.css")]
    assert Path(settings.BASE_DIR, "static", "css", "site.css") in css
    for path in css:
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(
            r"@import\s+['\"]([^'\"]+)", text
        ):
            assert not REMOTE.match(url), (path, url)


def test_the_checker_would_notice_a_remote_script():
    html = (
        '<script src="https://cdn.example.com/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.com/a.css">'
        '<img src="/static/img/ok.svg"><link rel="alternate" hreflang="es" href="https://x/es/">'
    )
    assert _remote(html) == [
        ("script", "https://cdn.example.com/x.js"),
        ("link", "//fonts.example.com/a.css"),
    ]
