"""What people click through, in a real browser, with the keyboard alone.

Every journey here is driven by Tab, Shift+Tab, Space, Enter and typing: if a
control cannot be reached or used without a mouse, the journey fails.
"""

import csv
import io
import re
from pathlib import Path

import pytest

from commitments.models import Commitment
from tests.browser.helpers import PHONE, log_in, log_out, no_horizontal_scroll, screenshot, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _press(page, selector, key="Enter"):
    tab_to(page, selector)
    page.keyboard.press(key)


def _follow(page, selector):
    """Tabs to a link or button and presses Enter, waiting for the next page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _list_titles(page):
    return set(page.locator(".results a[href*='/commitments/']").all_inner_texts()) - {""}


def test_a_visitor_filters_commitments_opens_one_and_downloads_the_csv(page, network):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    _follow(page, ".site-nav a[href='/commitments/']")
    page.wait_for_url("**/commitments/")
    # The samples among the real record's commitments: a search, then the filter.
    page.goto("/commitments/?q=Sample")
    # Filter: status "in progress", by the checkbox and the Apply button.
    _press(page, "input[name=status][value=in_progress]", key="Space")
    _follow(page, ".filters button[type=submit]")
    page.wait_for_url(re.compile(r"status=in_progress"))
    wanted = {"Sample: language classes for newcomers", "Sample: housing first for new arrivals"}
    assert wanted <= _list_titles(page)
    assert "Sample: one-stop welcome office" not in _list_titles(page)
    screenshot(page, "commitments-filtered")

    housing = network["commitments"]["Sample: housing first for new arrivals"]
    _follow(page, f".results a[href='/commitments/{housing.pk}/']")
    page.wait_for_url(f"**/commitments/{housing.pk}/")
    assert page.locator("h1").inner_text() == housing.title

    page.go_back()
    page.wait_for_url(re.compile(r"status=in_progress"))
    with page.expect_download() as download:
        _press(page, ".downloads a[href*='format=csv']")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    titles = {row["title"] for row in rows}
    # Every row the filter selects, and only those: the samples and the real record's.
    selected = Commitment.objects.published().filter(
        status="in_progress", title__startswith="Sample"
    )
    assert titles == set(selected.values_list("title", flat=True)), rows
    assert wanted <= titles
    assert all(row.get("status") in ("in_progress", "in progress") for row in rows), rows


def test_staff_log_a_commitment_a_curator_publishes_it_and_it_appears(
    page, city_staff, curator_user
):
    title = "Sample: night-school places for adult newcomers"
    log_in(page, city_staff.username, keyboard=True)
    page.wait_for_url("**/portal/")
    _follow(page, "a[href^='/portal/commitments/new/']")
    page.wait_for_url("**/portal/commitments/new/**")
    tab_to(page, "#id_title")
    page.keyboard.type(title)
    page.keyboard.press("Tab")
    page.keyboard.type("Sample record typed by the browser tests.")
    _press(page, "input[name=themes]", key="Space")
    _follow(page, "form.portal-form button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/commitments/\d+/edit/"))
    commitment = Commitment.objects.get(title=title)
    assert commitment.publication_state == "draft"

    _follow(page, f"form[action$='/commitments/{commitment.pk}/submit/'] button")
    page.wait_for_url("**/portal/")
    commitment.refresh_from_db()
    assert commitment.publication_state == "submitted"
    _follow(page, "footer form[action$='/logout/'] button")

    page.goto("/commitments/?q=Sample")
    assert title not in _list_titles(page)  # not public before a curator publishes it

    log_in(page, curator_user.username, keyboard=True)
    page.wait_for_url("**/portal/")
    # The queue leads to the review page, which shows what is being published.
    _follow(page, f"a[href$='/commitments/{commitment.pk}/review/']")
    page.wait_for_url(f"**/portal/commitments/{commitment.pk}/review/")
    assert "Sample record typed by the browser tests." in page.locator("main").inner_text()
    _follow(page, f"form[action$='/commitments/{commitment.pk}/publish/'] button")
    page.wait_for_url("**/portal/")
    commitment.refresh_from_db()
    assert commitment.publication_state == "published"
    log_out(page)

    page.goto("/commitments/?q=Sample")
    assert title in _list_titles(page)
    _follow(page, f".results a[href='/commitments/{commitment.pk}/']")
    page.wait_for_url(f"**/commitments/{commitment.pk}/")
    assert page.locator("h1").inner_text() == title


def test_a_reader_switches_to_spanish(page, network):
    page.goto("/commitments/?status=planned")
    _follow(page, ".language-switcher a[lang=es]")
    page.wait_for_url("**/es/commitments/?status=planned")

    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Compromisos"
    assert page.locator(".site-nav a[href='/es/cities/']").inner_text() == "Ciudades"
    # The filter survives the switch, and links keep the reader in Spanish.
    assert "Sample: one-stop welcome office" in _list_titles(page)
    _follow(page, ".site-nav a[href='/es/relocations/']")
    page.wait_for_url("**/es/relocations/")
    assert page.locator("html").get_attribute("lang") == "es"
    # The cities read in Spanish where the record gives the name, and in French there.
    assert "Atenas" in page.locator("main").inner_text()
    _follow(page, ".language-switcher a[lang=fr]")
    page.wait_for_url("**/fr/relocations/")
    assert "Athènes" in page.locator("main").inner_text()
    assert "Barcelone" in page.locator("main").inner_text()


def test_pages_fit_a_phone_and_screenshots_are_taken(new_page, network):
    agreement = network["agreement"]
    pages = {
        "home": "/",
        "commitments-filtered": "/commitments/?status=in_progress&theme=housing",
        "city": "/cities/barcelona/",
        "agreement": agreement.get_absolute_url(),
    }
    desktop, phone = new_page(), new_page(viewport=PHONE)
    for name, url in pages.items():
        for page in (desktop, phone):
            page.goto(url)
            assert no_horizontal_scroll(page), (url, page.viewport_size)
            screenshot(page, name)
    for url in ["/cities/", "/forums/", "/outcomes/", "/relocations/", "/search/?q=quito"]:
        phone.goto(url)
        assert no_horizontal_scroll(phone), url
    assert not desktop.console_errors and not phone.console_errors


def test_a_curator_clears_and_ticks_every_export_field_with_select_all(page, curator_user):
    from tests.curation import ensure_groups

    ensure_groups()
    log_in(page, curator_user.username)
    page.goto("/admin/commitments/commitment/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 5
    toggle = page.locator("input.select-toggle")

    toggle.uncheck()
    assert all(not box.is_checked() for box in fields.all())
    toggle.check()
    assert all(box.is_checked() for box in fields.all())
    # Nothing on the page was refused by the Content-Security-Policy.
    assert not [e for e in page.console_errors if "Content Security Policy" in e], (
        page.console_errors
    )


def test_a_journalist_on_a_fresh_site_reads_real_commitments_with_their_sources(page, live_server):
    from django.core.management import call_command

    call_command("loadforumdata", stdout=io.StringIO())
    page.goto("/commitments/")
    rows = page.locator(".list-table tbody tr")
    assert rows.count() >= 20
    for index in range(rows.count()):
        row = rows.nth(index)
        link = row.locator("td a[rel~=noopener]").last
        # Every commitment names where it comes from, as a link to that page.
        assert link.get_attribute("href").startswith(("https://", "http://"))
        assert link.inner_text().strip()
    # Unknown is not zero: the record's commitments without reported progress say so.
    assert page.locator(".progress-cell.not-reported").count() >= 1
    assert "What this record holds" in page.locator("main").inner_text()
    screenshot(page, "commitments-fresh-record")

    first = rows.first.locator("th a")
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/commitments/*/")
    assert page.locator("h1").inner_text() == title
    assert page.locator("section.source a").first.get_attribute("href").startswith("http")
