"""City staff import their own cities' commitments as drafts: preview, then confirm.

The portal's import runs on the admin's machinery (django-import-export and
``CuratedResource``): a row for another city is refused with its row number, one bad
row applies nothing, and nothing is written until the person confirms the preview.
"""

import datetime
import decimal
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.models import Commitment
from tests import builders
from tests.core.test_downloads import streamed_text

pytestmark = pytest.mark.django_db

URL = reverse("portal:commitment-import")
HEADER = "id,city,title,status,progress,themes\n"


def _preview(client, text):
    upload = SimpleUploadedFile("commitments.csv", text.encode(), content_type="text/csv")
    return client.post(URL, {"csv_file": upload})


def _confirm(client, preview):
    return client.post(URL, {"data": preview.context["confirm_form"]["data"].value()})


@pytest.fixture
def staff(client, barcelona_staff):
    client.force_login(barcelona_staff)
    return client


def test_staff_import_new_drafts_of_their_city_after_confirming_the_preview(
    staff, barcelona, barcelona_staff
):
    housing = builders.theme("housing")
    text = HEADER + ",barcelona,Open a welcome centre,planned,0,housing\n"

    preview = _preview(staff, text)

    assert preview.status_code == 200
    assert "Open a welcome centre" in preview.content.decode()
    assert "new draft" in preview.content.decode()
    assert not Commitment.objects.exists()  # nothing before the confirmation

    response = _confirm(staff, preview)

    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.city == barcelona
    assert commitment.publication_state == Commitment.PublicationState.DRAFT
    assert commitment.created_by == barcelona_staff
    assert list(commitment.themes.all()) == [housing]
    assert "1 new draft" in staff.get(response["Location"]).content.decode()


def test_a_row_for_another_city_is_refused_with_its_row_number_and_nothing_is_saved(
    staff, barcelona, quito
):
    text = (
        HEADER
        + ",barcelona,Fine row,planned,0,\n"
        + ",quito,Someone else's city,planned,0,\n"
        + ",barcelona,Another fine row,planned,0,\n"
    )

    response = _preview(staff, text)

    body = response.content.decode()
    assert response.context["confirm_form"] is None
    assert "Row 2, city: You can import only the commitments of the cities you act for." in body
    assert "Row 1" not in body and "Row 3" not in body
    assert not Commitment.objects.exists()


def test_a_row_cannot_take_over_or_move_another_citys_commitment(staff, barcelona, quito):
    theirs = builders.commitment(quito, title="Quito's", state="draft")

    response = _preview(staff, HEADER + f"{theirs.pk},barcelona,Now ours,planned,0,\n")

    body = html.unescape(response.content.decode())
    assert f"Row 1, id: No commitment {theirs.pk} among your cities' commitments." in body
    theirs.refresh_from_db()
    assert (theirs.city, theirs.title) == (quito, "Quito's")


def test_a_row_may_change_a_draft_but_not_a_published_commitment(staff, barcelona):
    draft = builders.commitment(barcelona, title="Draft", state="draft")
    published = builders.commitment(barcelona, title="Published")

    changes_draft = _preview(staff, HEADER + f"{draft.pk},barcelona,Draft v2,planned,0,\n")
    assert "changed" in changes_draft.content.decode()
    _confirm(staff, changes_draft)
    draft.refresh_from_db()
    assert draft.title == "Draft v2"

    changes_published = _preview(staff, HEADER + f"{published.pk},barcelona,New,planned,0,\n")
    body = changes_published.content.decode()
    assert "Row 1: This commitment is published: change it on its page" in body
    published.refresh_from_db()
    assert published.title == "Published"


def test_workflow_columns_are_ignored_an_import_makes_drafts(staff, barcelona):
    text = (
        "id,city,title,publication_state,published_at,submitted_at,review_comment,"
        "pending_changes\n"
        ',barcelona,Sneaky,published,2020-01-01T00:00:00Z,2020-01-01,Fine,"{""title"": ""x""}"\n'
    )

    _confirm(staff, _preview(staff, text))

    commitment = Commitment.objects.get()
    assert commitment.publication_state == Commitment.PublicationState.DRAFT
    assert commitment.published_at is None and commitment.submitted_at is None
    assert commitment.review_comment == "" and commitment.pending_changes == {}


def test_a_tampered_confirmation_writes_nothing(staff, barcelona):
    response = staff.post(URL, {"data": "forged"})

    assert response.status_code == 200
    assert "This preview has expired" in response.content.decode()
    assert not Commitment.objects.exists()


def test_a_file_that_is_not_utf8_csv_is_a_field_error(staff, barcelona):
    upload = SimpleUploadedFile("x.csv", "título".encode("latin-1"))

    response = staff.post(URL, {"csv_file": upload})

    assert "The file is not UTF-8 text" in response.content.decode()


def test_curators_and_anonymous_visitors_have_no_import_of_their_own(client, curator):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(curator)
    assert client.get(URL).status_code == 403  # a curator imports in the admin


# Round trip: a downloaded file imports again unchanged -------------------------------


@pytest.fixture
def published_commitments(barcelona):
    themes = [builders.theme("housing"), builders.theme("health")]
    item = builders.framework_item("SDG-10.7")
    document = builders.outcome("call-of-barcelona")
    made = []
    # Dates known to the day, to the month and to the year (written 2016-06 and 2030).
    precisions = [("day", "day"), ("month", "year"), ("year", "month")]
    for (title, description), (start_precision, target_precision) in zip(
        [
            ("Safe;=1+1", "Budget: 100; -50 cut, then @later"),
            ('=HYPERLINK("http://evil.example")', "'quoted"),
            ("Plain title", "Line one\nline two, with a comma"),
        ],
        precisions,
        strict=True,
    ):
        commitment = builders.commitment(
            barcelona,
            title=title,
            description=description,
            outcome_document=document,
            status=Commitment.Status.IN_PROGRESS,
            progress=40,
            start_date=datetime.date(2016, 6, 1),
            start_precision=start_precision,
            target_date=datetime.date(2030, 12, 1),
            target_precision=target_precision,
            resources_needed=decimal.Decimal("1500.00"),
            currency="EUR",
            source_url="https://example.org/a?b=1",
        )
        commitment.themes.set(themes)
        commitment.framework_items.set([item])
        made.append(commitment)
    return made


def _snapshot():
    return [
        (
            c.pk,
            c.title,
            c.description,
            c.city_id,
            c.outcome_document_id,
            c.status,
            c.progress,
            c.start_date,
            c.start_precision,
            c.target_date,
            c.target_precision,
            c.resources_needed,
            c.currency,
            c.source_url,
            c.publication_state,
            c.published_at,
            sorted(c.themes.values_list("slug", flat=True)),
            sorted(c.framework_items.values_list("code", flat=True)),
        )
        for c in Commitment.objects.order_by("pk")
    ]


def test_a_downloaded_file_imports_again_unchanged_in_the_portal(
    client, staff, published_commitments
):
    text = streamed_text(client.get("/commitments/?city=barcelona&format=csv"))
    assert "Safe;'=1+1" in text  # neutralised for spreadsheets in the file
    before = _snapshot()

    preview = _preview(staff, text)

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), preview.content.decode()
    assert result.totals["skip"] == 3
    _confirm(staff, preview)
    assert _snapshot() == before


def test_a_downloaded_file_imports_again_unchanged_in_the_admin(
    client, curator, published_commitments
):
    from tests.commitments.test_admin import _confirm as admin_confirm
    from tests.commitments.test_admin import _import as admin_import
    from tests.curation import ensure_groups

    ensure_groups()
    text = streamed_text(client.get("/commitments/?format=csv"))
    before = _snapshot()
    client.force_login(curator)

    preview = admin_import(client, Commitment, text)

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 3
    assert admin_confirm(client, Commitment, preview).status_code == 302
    assert _snapshot() == before


def test_the_admin_import_cannot_publish_either(admin_client_for_curator, barcelona):
    from tests.commitments.test_admin import _confirm as admin_confirm
    from tests.commitments.test_admin import _import as admin_import

    text = "id,city,title,publication_state,published_at\n,barcelona,T,published,2020-01-01\n"
    preview = admin_import(admin_client_for_curator, Commitment, text)
    admin_confirm(admin_client_for_curator, Commitment, preview)

    commitment = Commitment.objects.get()
    assert commitment.publication_state == Commitment.PublicationState.DRAFT
    assert commitment.published_at is None


@pytest.fixture
def admin_client_for_curator(client, curator):
    from tests.curation import ensure_groups

    ensure_groups()
    client.force_login(curator)
    return client


def test_dates_are_read_at_the_precision_the_file_gives_and_a_bad_one_is_named(staff, barcelona):
    header = "id,city,title,status,progress,start_date,target_date\n"
    preview = _preview(staff, header + ",barcelona,Month and year,planned,0,2016-06,2030\n")
    assert not preview.context["result"].has_validation_errors()
    _confirm(staff, preview)
    imported = Commitment.objects.get(title="Month and year")
    assert (imported.start_date, imported.start_precision) == (datetime.date(2016, 6, 1), "month")
    assert (imported.target_date, imported.target_precision) == (datetime.date(2030, 1, 1), "year")

    response = _preview(staff, header + ",barcelona,Bad date,planned,0,June 2016,\n")
    assert (
        "“June 2016” is not a date: write 2016-06-19, 2016-06 or 2016."
        in response.content.decode()
    )
    assert not Commitment.objects.filter(title="Bad date").exists()
