"""A commitment's life from the city's first draft to the public page, through the
real login form, the portal's forms and the public pages (Django test client)."""

from django.core import mail
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment

PASSWORD = "correct horse battery"


def _log_in(username):
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    return client


def test_quito_commitment_from_draft_to_public_page_with_progress_and_a_reviewed_edit(
    quito, quito_staff, curator, django_capture_on_commit_callbacks
):
    staff = _log_in("quito-staff")
    secretariat = _log_in("curator")
    public = Client()
    title = "Quito welcome desk for newly arrived families"

    # Quito staff log a commitment: a draft, not public.
    form_page = staff.get(reverse("portal:commitment-create"))
    assert form_page.status_code == 200
    response = staff.post(
        reverse("portal:commitment-create"),
        {
            "city": quito.pk,
            "title": title,
            "description": "A desk at the municipal office.",
            "status": "planned",
            "progress": "0",
            "target_date": "2030-12-31",
        },
    )
    commitment = Commitment.objects.get(title=title)
    assert response["Location"] == reverse("portal:commitment-edit", args=[commitment.pk])
    assert commitment.publication_state == "draft"
    assert commitment.city == quito
    assert title not in public.get("/commitments/").content.decode()
    assert public.get(f"/commitments/{commitment.pk}/").status_code == 404

    # They submit it: the curators hear of it by email.
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("portal:commitment-submit", args=[commitment.pk]))
    commitment.refresh_from_db()
    assert commitment.publication_state == "submitted"
    assert [m.to for m in mail.outbox] == [["curator@example.org"]]
    assert title in mail.outbox[0].subject
    assert title not in public.get("/commitments/").content.decode()

    # The curator sees it in the review queue and publishes it: staff are told.
    queue = secretariat.get(reverse("portal:dashboard")).content.decode()
    assert title in queue
    review_url = reverse("portal:commitment-review", args=[commitment.pk])
    assert review_url in queue
    review_page = secretariat.get(review_url)
    assert (
        reverse("portal:commitment-publish", args=[commitment.pk]) in review_page.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        secretariat.post(
            reverse("portal:commitment-publish", args=[commitment.pk]),
            {"version": review_page.context["decision_form"]["version"].value()},
        )
    assert mail.outbox[-1].to == ["quito-staff@example.org"]
    assert "Published" in mail.outbox[-1].subject

    # Public: on the list, on Quito's page, and its own page.
    assert title in public.get("/commitments/").content.decode()
    assert title in public.get("/cities/quito/").content.decode()
    detail_url = f"/commitments/{commitment.pk}/"
    assert title in public.get(detail_url).content.decode()

    # Staff report progress: it is on the public timeline at once, marked as theirs.
    response = staff.post(
        reverse("portal:update-create", args=[commitment.pk]),
        {
            "date": "2025-03-01",
            "text": "The desk opened in the historic centre.",
            "percent": "40",
            "evidence_url": "https://example.org/quito-desk",
        },
    )
    assert response.status_code == 302
    detail = public.get(detail_url).content.decode()
    assert "The desk opened in the historic centre." in detail
    assert "self-reported by the city" in detail
    assert "https://example.org/quito-desk" in detail

    # An edit of the title waits for review; the public keeps the approved title.
    new_title = "Quito welcome desks in three districts"
    commitment.refresh_from_db()
    edit_page = staff.get(reverse("portal:commitment-edit", args=[commitment.pk]))
    data = {
        key: value
        for key, value in edit_page.context["form"].initial.items()
        if value is not None and key not in ("themes", "framework_items")
    }
    data.update(title=new_title, target_date="2030-12-31")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("portal:commitment-edit", args=[commitment.pk]), data)
    assert response.status_code == 302
    portal_page = staff.get(reverse("portal:commitment-edit", args=[commitment.pk]))
    assert "Changes awaiting review" in portal_page.content.decode()
    assert new_title in portal_page.content.decode()
    for page in (detail_url, "/commitments/", "/cities/quito/"):
        body = public.get(page).content.decode()
        assert title in body, page
        assert new_title not in body, page
    assert "Changes to review" in mail.outbox[-1].subject

    # The curator accepts: now the public sees the new title.
    assert new_title in secretariat.get(reverse("portal:dashboard")).content.decode()
    review_page = secretariat.get(review_url)
    assert new_title in review_page.content.decode()
    secretariat.post(
        reverse("portal:changes-accept", args=[commitment.pk]),
        {"version": review_page.context["decision_form"]["version"].value()},
    )
    for page in (detail_url, "/commitments/", "/cities/quito/"):
        body = public.get(page).content.decode()
        assert new_title in body, page
        assert title not in body, page
