"""Helpers for the browser tests: keyboard navigation, logging in, axe-core, screenshots."""

import os
import shutil
from pathlib import Path

from django.conf import settings

# Debian's Chromium; CHROMIUM=/path/to/chrome names another build of it.
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE_PATH = Path(settings.BASE_DIR) / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def tab_to(page, selector, *, backwards=False, limit=150):
    """Presses Tab (or Shift+Tab) until the element matching ``selector`` has focus,
    proving that the keyboard alone reaches it; fails if it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return page.locator(":focus")
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def log_in(page, username, *, keyboard=False):
    page.goto("/accounts/login/")
    if keyboard:
        tab_to(page, "input[name=username]")
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("form:has(input[name=password]) [type=submit]").click()


def log_out(page):
    with page.expect_navigation():
        page.locator("footer form[action$='/logout/'] button").click()


def run_axe(page):
    """axe-core's WCAG 2.1 A/AA rules on the current page; returns the violations.

    The page must come from a context opened with ``bypass_csp=True``: the site's CSP
    rightly refuses the injected script otherwise.
    """
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    return result["violations"]


def describe(violations):
    return "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
    )


def no_horizontal_scroll(page):
    width = page.viewport_size["width"]
    return page.evaluate("document.documentElement.scrollWidth") <= width


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
