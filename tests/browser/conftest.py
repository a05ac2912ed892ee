"""Real-browser tests: Playwright driving Debian's Chromium against the live server.

No browser is ever downloaded: Playwright is pointed at the system's ``chromium``.
Without it the tests are skipped with a message saying how to install it, unless
REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser is a failure.

One browser per test module, a fresh context (cookies, viewport) per test.
"""

import datetime
import io
import os

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from tests.browser.helpers import CHROMIUM, DESKTOP, LAUNCH_ARGS, PASSWORD


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (Playwright's event loop stops with it)."""
    if not os.path.exists(CHROMIUM):
        message = (
            "Chromium is not installed, so the browser tests cannot run. "
            "Install it with: apt-get install -y chromium"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REQUIRE_BROWSER=1: a missing browser is a failure)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django's
    # ORM (used by the tests to set up data) refuses to run beside one unless told
    # it is safe. Only while the browser runs: a subprocess started by another test
    # later on this worker must not inherit it (``check --deploy`` refuses it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages on the live server: ``new_page(viewport=PHONE, bypass_csp=False)``."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, accept_downloads=True, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def network(live_server):
    """The real records (loadforumdata) plus a few clearly marked sample commitments
    and a transfer, so that lists, filters, charts and the map have something to show.
    """
    from cities.models import City
    from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
    from forums.models import Theme

    call_command("loadforumdata", stdout=io.StringIO())
    cities = {city.slug: city for city in City.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    published = Commitment.PublicationState.PUBLISHED
    samples = [
        (
            "Sample: one-stop welcome office",
            "barcelona",
            "planned",
            0,
            ["relocation-and-reception"],
        ),
        ("Sample: language classes for newcomers", "quito", "in_progress", 40, ["education"]),
        ("Sample: health cover for migrant workers", "quezon-city", "achieved", 100, ["health"]),
        ("Sample: rent guarantee for refugee families", "athens", "stalled", 20, ["housing"]),
        ("Sample: housing first for new arrivals", "barcelona", "in_progress", 60, ["housing"]),
    ]
    commitments = {}
    for title, city, status, progress, theme_slugs in samples:
        commitment = Commitment.objects.create(
            title=title,
            description="Sample record created by the browser tests; not a real commitment.",
            city=cities[city],
            status=status,
            progress=progress,
            publication_state=published,
            published_at=timezone.now(),
            start_date=datetime.date(2016, 1, 1),
            target_date=datetime.date(2030, 12, 31),
        )
        commitment.themes.set([themes[slug] for slug in theme_slugs])
        commitments[title] = commitment
    Commitment.objects.create(
        title="Sample: a draft nobody may see",
        city=cities["barcelona"],
        publication_state=Commitment.PublicationState.DRAFT,
    )
    ProgressUpdate.objects.create(
        commitment=commitments["Sample: language classes for newcomers"],
        date=datetime.date(2017, 3, 1),
        text="Sample progress update written by the browser tests.",
        percent=40,
    )
    agreement = RelocationAgreement.objects.get()
    Transfer.objects.create(agreement=agreement, date=datetime.date(2017, 5, 1), people=30)
    return {"cities": cities, "commitments": commitments, "agreement": agreement}


@pytest.fixture
def city_staff(django_user_model, network):
    from cities.models import CityStaffMembership
    from core.permissions import CITY_STAFF_GROUP

    user = django_user_model.objects.create_user(
        username="barcelona-staff", email="staff@example.org", password=PASSWORD
    )
    user.groups.add(Group.objects.get_or_create(name=CITY_STAFF_GROUP)[0])
    CityStaffMembership.objects.create(user=user, city=network["cities"]["barcelona"])
    return user


@pytest.fixture
def curator_user(django_user_model, network):
    from core.permissions import CURATORS_GROUP

    user = django_user_model.objects.create_user(
        username="curator", email="curator@example.org", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return user
