"""axe-core over every page type in headless Chromium: no serious or critical
violation of WCAG 2.1 A/AA, and nothing fetched from another host."""

from urllib.parse import urlsplit

import pytest

from commitments.models import Commitment
from forums.models import Forum, Framework, GoodPractice, OutcomeDocument, Replication
from tests.browser.helpers import describe, log_in, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BLOCKING = {"serious", "critical"}


def _swagger_rendered(page):
    # Swagger UI draws the operations with its script after the page has loaded.
    page.wait_for_selector(".opblock-summary-control")


def _swagger_operation_open(page):
    _swagger_rendered(page)
    page.locator("#operations-cities-cities_list .opblock-summary-control").click()
    page.wait_for_selector("#operations-cities-cities_list tr[data-param-name]")


def _public_pages(network):
    commitment = network["commitments"]["Sample: language classes for newcomers"]
    forum = Forum.objects.order_by("edition").first()
    outcome = OutcomeDocument.objects.order_by("slug").first()
    framework = Framework.objects.order_by("code").first()
    commitment.framework_items.set(framework.items.all()[:1])
    practice = GoodPractice.objects.create(
        slug="sample-welcome-desk",
        title="Sample: welcome desk",
        city=network["cities"]["barcelona"],
        description="Sample **good practice** created by the browser tests.",
    )
    Replication.objects.create(practice=practice, city=network["cities"]["quito"], note="Sample")
    return [
        "/",
        "/es/",
        "/fr/commitments/?status=planned",
        "/cities/?region=europe",
        "/forums/?year=2015",
        "/outcomes/?kind=agenda",
        "/commitments/?status=in_progress&theme=housing",
        "/commitments/?status=not-a-status",  # the 400 page with the error by the field
        "/relocations/?status=signed",
        "/practices/?replicated=yes",
        "/practices/?replicated=maybe",
        practice.get_absolute_url(),
        "/frameworks/",
        framework.get_absolute_url(),
        "/cities/barcelona/",
        "/cities/quito/",
        forum.get_absolute_url(),
        outcome.get_absolute_url(),
        commitment.get_absolute_url(),
        network["agreement"].get_absolute_url(),
        "/search/?q=barcelona",
        "/search/?q=",
        "/accounts/login/",
        "/accounts/password_reset/",
        ("/api/docs/", _swagger_rendered),
        ("/api/docs/", _swagger_operation_open),
        "/no-such-page/",
    ]


def _staff_pages(network):
    barcelona = network["cities"]["barcelona"]
    draft = Commitment.objects.get(title="Sample: a draft nobody may see")
    published = network["commitments"]["Sample: housing first for new arrivals"]
    return [
        "/portal/",
        f"/portal/commitments/new/?city={barcelona.pk}",
        f"/portal/commitments/{draft.pk}/edit/",
        f"/portal/commitments/{published.pk}/edit/",
        f"/portal/commitments/{published.pk}/updates/new/",
        f"/portal/relocations/{network['agreement'].pk}/transfers/new/",
    ]


def _check(page, urls, live_server, checked):
    foreign = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc not in ("", urlsplit(live_server.url).netloc)
            and not request.url.startswith("data:")
            and foreign.append(request.url)
        ),
    )
    failures = []
    for entry in urls:
        url, prepare = entry if isinstance(entry, tuple) else (entry, None)
        page.goto(url)
        if prepare:
            prepare(page)
        blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
        if blocking:
            failures.append(f"{url}\n{describe(blocking)}")
        checked.append(url)
    assert not foreign, f"fetched from another host: {foreign}"
    return failures


@pytest.fixture
def axe_page(new_page):
    # The site's CSP refuses injected scripts, axe's included: bypass it here only.
    return new_page(bypass_csp=True)


def test_public_pages_have_no_serious_accessibility_violation(axe_page, network, live_server):
    checked = []
    failures = _check(axe_page, _public_pages(network), live_server, checked)
    assert not failures, "\n\n".join(failures)
    print(f"axe-core: {len(checked)} public pages checked")


def test_portal_pages_have_no_serious_accessibility_violation(
    axe_page, network, city_staff, curator_user, live_server
):
    checked = []
    log_in(axe_page, city_staff.username)
    failures = _check(axe_page, _staff_pages(network), live_server, checked)
    axe_page.context.clear_cookies()
    log_in(axe_page, curator_user.username)  # the review queue
    Commitment.objects.filter(title="Sample: a draft nobody may see").update(
        publication_state=Commitment.PublicationState.SUBMITTED
    )
    submitted = Commitment.objects.get(title="Sample: a draft nobody may see")
    published = network["commitments"]["Sample: housing first for new arrivals"]
    Commitment.objects.filter(pk=published.pk).update(pending_changes={"title": "Proposed"})
    review_pages = [f"/portal/commitments/{c.pk}/review/" for c in (submitted, published)]
    failures += _check(axe_page, ["/portal/", "/es/portal/", *review_pages], live_server, checked)
    assert not failures, "\n\n".join(failures)
    print(f"axe-core: {len(checked)} portal pages checked")


def test_the_checker_finds_a_violation_when_there_is_one(axe_page, live_server):
    axe_page.goto("/")
    axe_page.evaluate(
        """() => {
            document.documentElement.removeAttribute('lang');
            const button = document.createElement('button');
            document.querySelector('main').append(button);  // a button with no name
        }"""
    )
    found = {v["id"] for v in run_axe(axe_page) if v["impact"] in BLOCKING}
    assert {"html-has-lang", "button-name"} <= found
