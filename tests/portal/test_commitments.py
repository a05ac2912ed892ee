"""Staff create, edit and submit their city's commitments; a published one's reviewed
fields wait for a curator; two people editing at once get a conflict, not a loss."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cities.models import CityStaffMembership
from commitments import services
from commitments.models import Commitment
from tests import builders
from tests.curation import form_values

PUBLISHED = Commitment.PublicationState.PUBLISHED


def _form_data(commitment, **changes):
    data = {
        "title": commitment.title,
        "description": commitment.description,
        "status": commitment.status,
        "progress": "" if commitment.progress is None else commitment.progress,
        "start_date": commitment.start_date or "",
        "target_date": commitment.target_date or "",
        "currency": commitment.currency,
        "loaded_version": commitment.version,
    }
    data.update(changes)
    return data


def _edit_url(commitment):
    return reverse("portal:commitment-edit", args=[commitment.pk])


# Creating ---------------------------------------------------------------------------


def test_the_city_field_offers_only_the_users_cities(client, quito_staff, barcelona, athens):
    client.force_login(quito_staff)
    form = client.get(reverse("portal:commitment-create")).context["form"]
    assert [city.name for city in form.fields["city"].queryset] == ["Quito"]
    assert form.initial["city"] == quito_staff.city_memberships.get().city_id


def test_staff_of_two_cities_choose_between_them(client, quito_staff, barcelona):
    CityStaffMembership.objects.create(user=quito_staff, city=barcelona)
    client.force_login(quito_staff)
    form = client.get(reverse("portal:commitment-create")).context["form"]
    assert [city.name for city in form.fields["city"].queryset] == ["Barcelona", "Quito"]
    assert "city" not in form.initial


def test_a_new_commitment_is_a_draft_of_the_chosen_city(client, quito_staff, quito):
    client.force_login(quito_staff)
    response = client.post(
        reverse("portal:commitment-create"),
        {
            "city": quito.pk,
            "title": "Language classes",
            "status": "planned",
            "progress": 0,
            "currency": "usd",
            "resources_needed": "12000",
        },
    )
    commitment = Commitment.objects.get(title="Language classes")
    assert response["Location"] == _edit_url(commitment)
    assert commitment.publication_state == "draft"
    assert commitment.created_by == quito_staff
    assert commitment.currency == "USD"
    assert commitment.history.first().history_user == quito_staff


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_date": "2025-06-01", "target_date": "2025-01-01"},
            "target_date",
            "The target date cannot be before the start date.",
        ),
        ({"status": "achieved", "progress": 50}, "progress", "An achieved commitment is at 100%"),
        ({"progress": 140}, "progress", "less than or equal to 100"),
        ({"progress": "a lot"}, "progress", "Enter a whole number."),
        ({"target_date": "next year"}, "target_date", "Enter a valid date."),
        ({"currency": "EURO"}, "currency", "at most 3 characters"),
        ({"resources_needed": "-5"}, "resources_needed", "greater than or equal to 0"),
        ({"title": ""}, "title", "This field is required."),
        ({"status": "finished"}, "status", "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_by_the_field_and_nothing_is_saved(
    client, quito_staff, quito, changes, field, message
):
    client.force_login(quito_staff)
    data = {"city": quito.pk, "title": "Bad input", "status": "planned", "progress": 0}
    data.update(changes)
    response = client.post(reverse("portal:commitment-create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert re.search(r'<div class="[^"]*\bfield-error\b', response.content.decode())
    assert not Commitment.objects.exists()


# Editing drafts and returned commitments ----------------------------------------------


def test_staff_edit_a_draft_directly(client, barcelona_staff, barcelona_draft):
    client.force_login(barcelona_staff)
    response = client.post(
        _edit_url(barcelona_draft), _form_data(barcelona_draft, title="Reception centre")
    )
    assert response.status_code == 302
    barcelona_draft.refresh_from_db()
    assert barcelona_draft.title == "Reception centre"
    assert barcelona_draft.publication_state == "draft"
    assert barcelona_draft.pending_changes == {}


def test_a_returned_commitment_shows_the_curators_comment_and_can_be_resubmitted(
    client, barcelona_staff, make_commitment, barcelona
):
    commitment = make_commitment(
        barcelona,
        "Shelter network",
        Commitment.PublicationState.RETURNED,
        review_comment="Please give a target date.",
    )
    client.force_login(barcelona_staff)
    page = client.get(_edit_url(commitment)).content.decode()
    assert "Please give a target date." in page
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Please give a target date." in dashboard

    client.post(_edit_url(commitment), _form_data(commitment, target_date="2028-01-01"))
    client.post(reverse("portal:commitment-submit", args=[commitment.pk]))
    commitment.refresh_from_db()
    assert str(commitment.target_date) == "2028-01-01"
    assert commitment.publication_state == "submitted"


def test_a_submitted_commitment_cannot_be_edited_until_it_is_returned(
    client, barcelona_staff, make_commitment, barcelona
):
    commitment = make_commitment(barcelona, "Under review", Commitment.PublicationState.SUBMITTED)
    client.force_login(barcelona_staff)
    page = client.get(_edit_url(commitment))
    assert page.context["form"] is None
    assert "under review" in page.content.decode()
    response = client.post(_edit_url(commitment), _form_data(commitment, title="Sneaked in"))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Under review"


def test_submitting_twice_says_so_and_changes_nothing(client, barcelona_staff, barcelona_draft):
    client.force_login(barcelona_staff)
    url = reverse("portal:commitment-submit", args=[barcelona_draft.pk])
    client.post(url)
    barcelona_draft.refresh_from_db()
    submitted_at = barcelona_draft.submitted_at
    response = client.post(url, follow=True)
    assert "Only a draft or a returned commitment can be submitted." in response.content.decode()
    barcelona_draft.refresh_from_db()
    assert barcelona_draft.submitted_at == submitted_at


# Editing a published commitment ----------------------------------------------------


def test_an_edit_of_a_published_commitment_waits_for_review(
    client, barcelona_staff, barcelona_published
):
    client.force_login(barcelona_staff)
    response = client.post(
        _edit_url(barcelona_published),
        _form_data(
            barcelona_published,
            title="Housing plan, second phase",
            target_date="2031-06-30",
            status="in_progress",
            progress=30,
        ),
    )
    assert response.status_code == 302
    barcelona_published.refresh_from_db()
    # The approved version stays; the proposal waits.
    assert barcelona_published.title == "Barcelona published housing plan"
    assert barcelona_published.target_date is None
    assert barcelona_published.pending_changes == {
        "title": "Housing plan, second phase",
        "target_date": "2031-06-30",
    }
    # Status and progress are not reviewed: they apply at once.
    assert barcelona_published.status == "in_progress"
    assert barcelona_published.progress == 30
    assert barcelona_published.publication_state == PUBLISHED

    page = client.get(_edit_url(barcelona_published))
    body = page.content.decode()
    assert "Changes awaiting review" in body
    assert "<h1>Barcelona published housing plan</h1>" in body  # the approved version
    assert page.context["form"]["title"].value() == "Housing plan, second phase"

    public = client.get(barcelona_published.get_absolute_url()).content.decode()
    assert "Barcelona published housing plan" in public
    assert "Housing plan, second phase" not in public


def test_saving_a_field_back_to_its_approved_value_withdraws_that_proposal(
    client, barcelona_staff, barcelona_published
):
    client.force_login(barcelona_staff)
    client.post(
        _edit_url(barcelona_published),
        _form_data(barcelona_published, title="Proposed title", description="Proposed text"),
    )
    barcelona_published.refresh_from_db()
    client.post(
        _edit_url(barcelona_published),
        _form_data(
            barcelona_published, title=barcelona_published.title, description="Proposed text"
        ),
    )
    barcelona_published.refresh_from_db()
    assert barcelona_published.pending_changes == {"description": "Proposed text"}


def test_an_invalid_proposal_is_refused_by_the_field(client, barcelona_staff, barcelona_published):
    client.force_login(barcelona_staff)
    response = client.post(
        _edit_url(barcelona_published),
        _form_data(barcelona_published, start_date="2030-01-01", target_date="2029-01-01"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target_date"]
    barcelona_published.refresh_from_db()
    assert barcelona_published.pending_changes == {}


# Two people editing at once -----------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "published"])
def test_the_second_of_two_concurrent_edits_gets_a_conflict_and_nothing_is_overwritten(
    client, barcelona_staff, second_barcelona_staff, make_commitment, barcelona, state
):
    commitment = make_commitment(barcelona, "Original title", state, description="Original")
    first, second = client, client.__class__()
    first.force_login(barcelona_staff)
    second.force_login(second_barcelona_staff)

    # Both open the edit page at the same version.
    first_form = first.get(_edit_url(commitment)).context["form"]
    second_form = second.get(_edit_url(commitment)).context["form"]
    loaded = first_form.initial["loaded_version"]
    assert second_form.initial["loaded_version"] == loaded

    first.post(_edit_url(commitment), _form_data(commitment, title="First person's title"))
    commitment.refresh_from_db()
    after_first = (commitment.title, commitment.pending_changes, commitment.version)

    response = second.post(
        _edit_url(commitment),
        _form_data(commitment, loaded_version=loaded, description="Second person's text"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record while you were editing it" in body
    assert "nothing was saved" in body
    commitment.refresh_from_db()
    assert (commitment.title, commitment.pending_changes, commitment.version) == after_first
    assert commitment.description == "Original"
    assert "Second person" not in str(commitment.pending_changes)
    if state == "draft":
        assert "Their version: title: Original title → First person&#x27;s title." in body
    else:
        assert (
            "Their version: title (awaiting review): Original title → First person&#x27;s title."
            in body
        )


def _their_save(commitment, user, *, housing, document):
    """The other person's save: status, outcome document and themes (and, on a
    published commitment, a proposed title)."""
    theirs = Commitment.objects.get(pk=commitment.pk)
    if theirs.publication_state == PUBLISHED:
        theirs.outcome_document = document
        services.propose_changes(
            commitment=theirs,
            user=user,
            changes={"title": "Their title", "status": "in_progress"},
            replace=True,
        )
    else:
        theirs.title = "Their title"
        theirs.status = Commitment.Status.IN_PROGRESS
        theirs.outcome_document = document
        theirs.save()
    theirs.themes.set([housing])


def _conflict_text(response):
    return " ".join(response.context["form"].non_field_errors())


@pytest.mark.parametrize("found_by", ["form check", "write"])
@pytest.mark.parametrize("state", ["draft", "published"])
def test_after_a_conflict_the_form_names_their_changes_in_words_and_saves_again(
    client, barcelona_staff, second_barcelona_staff, make_commitment, barcelona, state,
    found_by, race_past_the_form_check,
):  # fmt: skip
    if found_by == "form check":
        race_past_the_form_check.append("no race")
    housing = builders.theme("housing")
    document = builders.outcome("call-of-barcelona", title="Call of Barcelona")
    commitment = make_commitment(barcelona, "Original title", state, description="Original")
    client.force_login(barcelona_staff)
    mine = _form_data(commitment, description="My description")  # loaded now
    _their_save(commitment, second_barcelona_staff, housing=housing, document=document)
    current = Commitment.objects.get(pk=commitment.pk)

    response = client.post(_edit_url(commitment), mine)

    assert response.status_code == 200
    text = _conflict_text(response)
    assert "Someone else saved this record while you were editing it" in text
    # Their values in words: labels and names, never codes or ids.
    if state == "draft":
        assert "title: Original title → Their title" in text
    else:
        assert "title (awaiting review): Original title → Their title" in text
    assert "status: planned → in progress" in text
    assert "outcome document: – → Call of Barcelona" in text
    assert "themes: – → Housing" in text
    assert "in_progress" not in text
    # Nothing of mine was written, neither the fields nor the themes.
    commitment.refresh_from_db()
    assert (commitment.version, commitment.description) == (current.version, "Original")
    assert "My description" not in str(commitment.pending_changes)
    assert list(commitment.themes.all()) == [housing]

    # The form is at the current version, with their values where I changed nothing
    # and mine where I did: saved again as shown, it keeps both.
    form = response.context["form"]
    assert form["loaded_version"].value() == str(current.version)
    assert (form["title"].value(), form["status"].value()) == ("Their title", "in_progress")
    assert form["outcome_document"].value() == str(document.pk)
    assert form["themes"].value() == [str(housing.pk)]
    assert form["description"].value() == "My description"
    again = {}
    form_values(form, again)
    assert client.post(_edit_url(commitment), again).status_code == 302
    commitment.refresh_from_db()
    proposed = {**commitment.__dict__, **commitment.pending_changes}
    assert (proposed["title"], proposed["description"]) == ("Their title", "My description")
    assert (commitment.status, commitment.outcome_document) == ("in_progress", document)
    assert list(commitment.themes.all()) == [housing]
    assert commitment.version == current.version + 1


def test_a_conflict_found_by_the_write_changes_neither_fields_nor_themes(
    client, barcelona_staff, make_commitment, barcelona, race_past_the_form_check
):
    housing, health = builders.theme("housing"), builders.theme("health")
    commitment = make_commitment(barcelona, "Original title")
    commitment.themes.set([housing])
    client.force_login(barcelona_staff)
    mine = _form_data(commitment, title="Mine", themes=[str(health.pk)])
    theirs = Commitment.objects.get(pk=commitment.pk)
    theirs.description = "Theirs"
    theirs.save()
    kept = commitment.history.count()

    response = client.post(_edit_url(commitment), mine)

    assert race_past_the_form_check  # the form's own check was passed
    assert response.status_code == 200
    assert "description: – → Theirs" in _conflict_text(response)
    commitment.refresh_from_db()
    assert (commitment.title, commitment.description) == ("Original title", "Theirs")
    assert list(commitment.themes.all()) == [housing]
    assert commitment.history.count() == kept  # no history of the refused save


def test_the_conflict_is_told_in_the_visitors_language(
    client, barcelona_staff, make_commitment, barcelona
):
    commitment = make_commitment(barcelona, "Original title")
    client.force_login(barcelona_staff)
    mine = _form_data(commitment, description="Mi texto")
    theirs = Commitment.objects.get(pk=commitment.pk)
    theirs.status = Commitment.Status.IN_PROGRESS
    theirs.save()
    # The request activates Spanish in this thread; the override puts English back.
    with translation.override("es"):
        response = client.post(_edit_url(commitment), mine)
    text = _conflict_text(response)
    assert "Otra persona guardó este registro mientras usted lo editaba" in text
    assert "previsto → en curso" in text
