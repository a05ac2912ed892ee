"""Follow, cite and reuse in a real browser: a list's follow link, the embeddable
card framed by another site, and axe-core over /data/, a release page and the card."""

import functools
import http.server
import threading

import feedparser  # type: ignore[import-untyped, unused-ignore]
import pytest

from opendata.releases import publish_release
from tests.browser.helpers import describe, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BLOCKING = {"serious", "critical"}
# Another origin for the framing page: a port of this checkout's range.
OTHER_ORIGIN_PORT = 8642


def test_follow_link_of_a_filtered_list_gives_exactly_its_items(page, network, live_server):
    # The samples among the real record's commitments.
    page.goto("/commitments/?q=Sample&theme=housing&status=in_progress")
    shown = page.locator(".results").inner_text()
    link = page.get_by_role("link", name="Follow these results (Atom feed)")
    href = link.get_attribute("href")
    assert href.startswith("/feeds/commitments/?")
    response = page.request.get(live_server.url + href)
    assert response.ok
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    published = sorted(
        entry.title.removeprefix("Published: ").split(": ", 1)[1]
        for entry in feed.entries
        if entry.title.startswith("Published: ")
    )
    assert published == ["Sample: housing first for new arrivals"]
    assert "Sample: housing first for new arrivals" in shown
    assert "1 result" in shown


@pytest.fixture
def other_origin(tmp_path, live_server):
    """A page on another port that frames the card and an ordinary page."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>A city's own site</title>"
        f'<iframe id="card" src="{live_server.url}/embed/cities/barcelona/" title="card"></iframe>'
        f'<iframe id="page" src="{live_server.url}/cities/barcelona/" title="page"></iframe>'
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", OTHER_ORIGIN_PORT), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{OTHER_ORIGIN_PORT}/"
    server.shutdown()
    server.server_close()


def test_card_renders_in_another_sites_iframe_and_a_normal_page_refuses(
    page, network, other_origin
):
    page.goto(other_origin, wait_until="load")
    card = page.frame_locator("#card")
    assert card.locator("h1").inner_text() == "Barcelona in the Mayoral Forum network"
    assert card.locator("table").count() == 1
    # The browser refuses to show the city's page inside another site: the frame
    # holds the browser's own error page, not the city's.
    framed = page.frame_locator("#page")
    assert "Show this city" not in framed.locator("body").inner_text()
    assert framed.locator("h1", has_text="Barcelona").count() == 0


@pytest.fixture
def axe_page(new_page):
    # The site's CSP refuses injected scripts, axe's included: bypass it here only.
    return new_page(bypass_csp=True)


def test_data_release_and_card_pages_have_no_serious_accessibility_violation(
    axe_page, network, settings, tmp_path
):
    settings.RELEASES_ROOT = tmp_path / "releases"
    release = publish_release()
    failures = []
    for url in (
        "/data/",
        "/fr/data/",
        release.get_absolute_url(),
        "/embed/cities/barcelona/",
        "/es/embed/cities/barcelona/",
    ):
        axe_page.goto(url)
        blocking = [v for v in run_axe(axe_page) if v["impact"] in BLOCKING]
        if blocking:
            failures.append(f"{url}\n{describe(blocking)}")
    assert not failures, "\n\n".join(failures)
