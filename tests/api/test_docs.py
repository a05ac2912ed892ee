"""/api/docs/: Swagger UI served by the site itself, under its Content-Security-Policy."""

import os
import shutil
from html.parser import HTMLParser

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        self.tags.append({"tag": tag, "attrs": dict(attrs), "text": ""})
        self._open = self.tags[-1]

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        self._open = None


def _tags(html):
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    tags = _tags(response.content.decode())
    assert tags[0]["tag"] == "html" and tags[0]["attrs"]["lang"] == "en"
    scripts = [t for t in tags if t["tag"] == "script"]
    assert len(scripts) == 4  # Swagger UI's two, the accessibility fixes, the start-up
    for script in scripts:
        assert script["attrs"].get("src"), "an inline <script>"
        assert not script["text"].strip()
    assert not [t for t in tags if t["tag"] == "style"]
    assert not [t for t in tags if "style" in t["attrs"] or any(
        name.startswith("on") for name in t["attrs"])]  # fmt: skip


def test_docs_scripts_and_styles_come_from_the_site(client):
    tags = _tags(client.get("/api/docs/").content.decode())
    urls = [t["attrs"]["src"] for t in tags if t["tag"] == "script"] + [
        t["attrs"]["href"] for t in tags if t["tag"] == "link"
    ]

    assert len(urls) == 7  # four scripts, two style sheets, the icon
    for url in urls:
        assert url.startswith("/"), f"{url} is not served by the site"
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".js") or "script" in url:
            assert "javascript" in response["Content-Type"]


def test_docs_start_up_script_points_at_the_schema(client):
    tags = _tags(client.get("/api/docs/").content.decode())
    start_up = [t["attrs"]["src"] for t in tags if t["tag"] == "script"][-1]

    script = client.get(start_up)

    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in script.content.decode()


def _chromium():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (REQUIRE_BROWSER is set)")
        pytest.skip("Chromium is not installed")
    return path


@pytest.mark.browser
def test_docs_page_renders_every_operation_without_a_policy_violation(
    live_server, transactional_db, monkeypatch
):
    # Playwright's sync API runs an event loop in this thread; the live server's own
    # thread does the database work.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    violations, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium())
        try:
            page = browser.new_page()
            page.on(
                "console",
                lambda m: violations.append(m.text) if "Content Security Policy" in m.text else 0,
            )
            page.on("pageerror", lambda e: errors.append(str(e)))
            outside = []
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if not r.url.startswith((live_server.url, "data:"))
                    else 0
                ),
            )
            page.goto(f"{live_server.url}/api/docs/")
            page.wait_for_selector(".opblock-summary-path", timeout=15000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()

    assert violations == []
    assert errors == []
    assert outside == []
    assert "/api/commitments/{id}/" in [p.strip().replace("\u200b", "") for p in paths]
