"""Staff pick framework items and clauses in the portal with the keyboard alone: a
search box narrows the grouped checkboxes, Space ticks one, and the clauses shown
are those of the chosen outcome document."""

import re

import pytest
from model_bakery import baker

from commitments.models import Commitment
from forums.models import Clause, Framework, FrameworkItem
from tests import builders
from tests.browser.helpers import describe, log_in, run_axe, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BLOCKING = {"serious", "critical"}
TITLE = "Sample: evening classes picked by keyboard"


@pytest.fixture
def choices(network):
    """A sample framework with a dozen items, and clauses of two outcome documents."""
    framework = baker.make(
        Framework, code="SAMPLE", slug="sample", name="Sample framework of the browser tests"
    )
    topics = ["housing", "health care", "schooling", "labour rights", "language classes",
              "reception", "data", "legal identity", "trafficking", "remittances",
              "skills recognition", "consular protection"]  # fmt: skip
    items = {
        topic: baker.make(
            FrameworkItem, framework=framework, code=f"SAMPLE-{n}", title=f"Sample item on {topic}"
        )
        for n, topic in enumerate(topics, start=1)
    }
    first = builders.outcome("sample-call", title="Sample call of the browser tests")
    second = builders.outcome("sample-agenda", title="Sample agenda of the browser tests")
    clauses = {
        "first": Clause.objects.create(document=first, number="1", text="Sample clause one."),
        "other": Clause.objects.create(document=second, number="1", text="Sample clause two."),
    }
    return {"items": items, "first": first, "second": second, "clauses": clauses}


SHOWN = (
    "document.querySelectorAll('#id_framework_items li[data-picker-option]:not([hidden])').length"
)


def _visible_items(page):
    return page.locator("#id_framework_items li[data-picker-option]:visible").all_inner_texts()


def test_staff_find_and_tick_framework_items_and_a_clause_with_the_keyboard(
    page, city_staff, choices
):
    log_in(page, city_staff.username, keyboard=True)
    page.goto("/portal/commitments/new/")
    assert page.locator("select[multiple]").count() == 0
    assert len(_visible_items(page)) >= 12

    tab_to(page, "#id_title")
    page.keyboard.type(TITLE)

    # The search box narrows the list as one types: every word must match, whatever
    # its case and accents.
    tab_to(page, "#id_framework_items_search")
    page.keyboard.type("sample LANGUÁGE")
    page.wait_for_function(f"{SHOWN} === 1")
    assert [text.strip() for text in _visible_items(page)] == [
        "SAMPLE-5 – Sample item on language classes"
    ]
    total = FrameworkItem.objects.count()
    assert page.locator("#id_framework_items_status").inner_text() == f"Showing 1 of {total}."
    # Enter in the box does not submit the form.
    page.keyboard.press("Enter")
    assert page.url.endswith("/portal/commitments/new/")
    # Tab goes from the box to the one item shown; Space ticks it.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == str(
        choices["items"]["language classes"].pk
    )
    page.keyboard.press("Space")

    # Escape clears the box; a second search keeps the ticked item in view.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    page.wait_for_function(f"{SHOWN} === {total}")
    page.keyboard.type("sample health")
    page.wait_for_function(f"{SHOWN} === 2")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == str(choices["items"]["health care"].pk)
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(" xyzzy")
    page.wait_for_function(f"{SHOWN} === 2")  # nothing matches but the ticked two
    assert page.locator("#id_framework_items_status").inner_text() == f"Showing 2 of {total}."

    # Clauses: none until an outcome document is chosen, then only its clauses.
    clause_boxes = page.locator("#id_clauses li[data-picker-option]:visible")
    assert clause_boxes.count() == 0
    assert "Choose the outcome document first" in page.locator("#id_clauses_status").inner_text()
    tab_to(page, "#id_outcome_document", backwards=True)
    page.keyboard.type("Sample call")  # a select's own type-ahead
    assert page.input_value("#id_outcome_document") == str(choices["first"].pk)
    assert [text.strip() for text in clause_boxes.all_inner_texts()] == [
        "§ 1 – Sample clause one."
    ]
    tab_to(page, f"#id_clauses input[value='{choices['clauses']['first'].pk}']")
    page.keyboard.press("Space")

    tab_to(page, "form.portal-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portal/commitments/\d+/edit/"))

    commitment = Commitment.objects.get(title=TITLE)
    assert {item.title for item in commitment.framework_items.all()} == {
        "Sample item on language classes",
        "Sample item on health care",
    }
    assert list(commitment.clauses.all()) == [choices["clauses"]["first"]]
    assert commitment.outcome_document == choices["first"]
    assert page.console_errors == []


def test_without_javascript_every_choice_is_a_plain_checkbox(new_page, city_staff, choices):
    page = new_page(java_script_enabled=False)
    log_in(page, city_staff.username)
    page.goto("/portal/commitments/new/")
    assert page.locator("#id_framework_items_search").is_hidden()
    assert len(_visible_items(page)) == FrameworkItem.objects.count()
    # Every document's clauses, grouped under its title; the server checks the choice.
    legends = page.locator("#id_clauses legend").all_inner_texts()
    assert choices["first"].title in legends and choices["second"].title in legends


def test_the_picker_has_no_serious_accessibility_violation_while_filtering(
    new_page, city_staff, choices
):
    page = new_page(bypass_csp=True)
    log_in(page, city_staff.username)
    page.goto("/portal/commitments/new/")
    page.fill("#id_framework_items_search", "housing")
    page.select_option("#id_outcome_document", str(choices["first"].pk))
    violations = [v for v in run_axe(page) if v["impact"] in BLOCKING]
    assert not violations, describe(violations)
