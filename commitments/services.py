"""The commitment review workflow and relocation transfers.

Writes that span several records or send email live here, so that the portal, the
admin and the tests all go through the same steps (and the same history records).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.models import EditConflict
from core.permissions import CURATORS_GROUP

from .models import Commitment, ProgressUpdate, Transfer

# Fields of a published commitment whose change waits for a curator's review.
REVIEWED_FIELDS = ("title", "description", "start_date", "target_date", "resources_needed",
                   "resources_secured", "currency", "resources_note", "source_url",
                   "source_citation", "start_precision", "target_precision")  # fmt: skip


def _curator_emails():
    User = get_user_model()
    emails = set(settings.CURATOR_EMAILS)
    emails.update(
        User.objects.filter(groups__name=CURATORS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(emails)


def _staff_emails(city):
    return sorted(
        {m.user.email for m in city.staff_memberships.select_related("user") if m.user.email}
    )


def _notify(recipients, subject, body, *, links):
    """Emails ``body`` followed by the absolute link(s) of the page(s) it is about."""
    if recipients:
        body = "\n\n".join([body, *(f"{label}: {absolute_url(path)}" for label, path in links)])
        # Queued in the database in this transaction (settings.EMAIL_BACKEND is the
        # outbox): no email about a change that was rolled back, and a mail server that
        # is down neither fails the change nor loses the email (core.mail).
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _review_link(commitment):
    return (_("Review it"), reverse("portal:commitment-review", args=[commitment.pk]))


def _portal_link(commitment):
    return (_("In the portal"), reverse("portal:commitment-edit", args=[commitment.pk]))


def _save(commitment, user, reason):
    commitment._change_reason = reason
    commitment._history_user = user
    commitment.save()


class StaleReview(EditConflict):
    """A review action on a version of a commitment that is no longer the current one."""


def _check_version(commitment, expected_version):
    """Locks the row and refuses the review action if the commitment changed since the
    curator loaded it: publishing or accepting must apply to the version they saw.

    ``expected_version`` is the version the curator's page showed; without one, the
    version of the instance passed in (so a stale instance never overwrites a newer row).
    """
    current = (
        Commitment.objects.select_for_update()
        .filter(pk=commitment.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        raise StaleReview(_("This commitment no longer exists."))
    expected = commitment.version if expected_version is None else expected_version
    if current != expected or commitment.version != current:
        raise StaleReview(
            _("“%(title)s” changed since you loaded it (someone edited it in between), so "
              "nothing was done. Reload it and review the current version.")
            % {"title": commitment.title},
            code="stale",
        )  # fmt: skip


@transaction.atomic
def submit_for_review(*, commitment, user):
    if commitment.publication_state not in (
        Commitment.PublicationState.DRAFT,
        Commitment.PublicationState.RETURNED,
    ):
        raise ValidationError(_("Only a draft or a returned commitment can be submitted."))
    commitment.publication_state = Commitment.PublicationState.SUBMITTED
    commitment.submitted_at = timezone.now()
    _save(commitment, user, "submitted for review")
    _notify(
        _curator_emails(),
        _("Submitted for review: %(title)s") % {"title": commitment.title},
        _("%(city)s submitted “%(title)s” for review.")
        % {"city": commitment.city.name, "title": commitment.title},
        links=[_review_link(commitment)],
    )
    return commitment


@transaction.atomic
def publish(*, commitment, user, expected_version=None):
    """Publishes the version the curator reviewed (``expected_version``); see
    ``_check_version``."""
    if commitment.publication_state == Commitment.PublicationState.PUBLISHED:
        return commitment
    _check_version(commitment, expected_version)
    commitment.publication_state = Commitment.PublicationState.PUBLISHED
    commitment.published_at = timezone.now()
    commitment.review_comment = ""
    _save(commitment, user, "published")
    _notify(
        _staff_emails(commitment.city),
        _("Published: %(title)s") % {"title": commitment.title},
        _("Your commitment “%(title)s” is now public.") % {"title": commitment.title},
        links=[(_("Public page"), commitment.get_absolute_url()), _portal_link(commitment)],
    )
    return commitment


@transaction.atomic
def return_to_city(*, commitment, user, comment, expected_version=None):
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what the city should change before returning it."))
    _check_version(commitment, expected_version)
    commitment.publication_state = Commitment.PublicationState.RETURNED
    commitment.review_comment = comment
    _save(commitment, user, "returned to the city")
    _notify(
        _staff_emails(commitment.city),
        _("Returned for changes: %(title)s") % {"title": commitment.title},
        _("The secretariat returned “%(title)s” with this comment:\n\n%(comment)s")
        % {"title": commitment.title, "comment": comment},
        links=[_portal_link(commitment)],
    )
    return commitment


@transaction.atomic
def propose_changes(*, commitment, user, changes, replace=False):
    """Staff edit a published commitment: the reviewed fields wait for a curator.

    ``changes`` maps field names to new values (JSON-serialisable: dates as ISO
    strings, decimals as strings). Fields outside REVIEWED_FIELDS apply at once.
    With ``replace``, the reviewed fields in ``changes`` become the whole proposal
    (an edit form shows the full proposed version, so leaving a field at its
    approved value withdraws an earlier proposal for it).
    """
    if commitment.publication_state != Commitment.PublicationState.PUBLISHED:
        # A draft or returned commitment is edited directly; a submitted one waits.
        raise ValidationError(_("Only a published commitment takes proposed changes."))
    before_pending = dict(commitment.pending_changes or {})
    pending = {} if replace else dict(before_pending)
    applied = False
    for name, value in changes.items():
        if name in REVIEWED_FIELDS:
            pending[name] = value
            continue
        before = getattr(commitment, name)
        setattr(commitment, name, value)
        applied = applied or getattr(commitment, name) != before
    commitment.pending_changes = pending
    # The public page changes only if a field that applies at once changed: a mere
    # proposal leaves the approved version's time (and the "recently updated" order).
    commitment._keep_updated_at = not applied
    try:
        _save(commitment, user, "changes proposed")
    finally:
        del commitment._keep_updated_at
    # Like a submission, a new or changed proposal asks the curators for a review; a
    # save that leaves the proposal as it was (a status change, say) does not.
    if pending and pending != before_pending:
        _notify(
            _curator_emails(),
            _("Changes to review: %(title)s") % {"title": commitment.title},
            _("%(city)s proposed changes to “%(title)s”.")
            % {"city": commitment.city.name, "title": commitment.title},
            links=[_review_link(commitment)],
        )
    return commitment


@transaction.atomic
def accept_pending_changes(*, commitment, user, expected_version=None):
    """Applies the proposal the curator reviewed (``expected_version``)."""
    _check_version(commitment, expected_version)
    for name, value in (commitment.pending_changes or {}).items():
        field = commitment._meta.get_field(name)
        setattr(commitment, name, field.to_python(value))
    commitment.pending_changes = {}
    commitment.full_clean()
    _save(commitment, user, "changes accepted")
    return commitment


@transaction.atomic
def reject_pending_changes(*, commitment, user, comment="", expected_version=None):
    _check_version(commitment, expected_version)
    commitment.pending_changes = {}
    if comment:
        commitment.review_comment = comment
    _save(commitment, user, "changes rejected")
    return commitment


@transaction.atomic
def add_progress_update(commitment, user, *, date, text, percent, evidence_url="",
                        evidence_file=None, date_precision="day",
                        reported_by_city=True):  # fmt: skip
    """A progress update is public at once (marked as reported by the city)."""
    update = ProgressUpdate(
        commitment=commitment,
        date=date,
        date_precision=date_precision,
        text=text,
        percent=percent,
        evidence_url=evidence_url,
        evidence_file=evidence_file,
        reported_by=user,
        reported_by_city=reported_by_city,
    )
    update.full_clean()
    update.save()
    # The commitment's progress follows its latest report: a late entry for an
    # earlier date joins the timeline without winding the progress back.
    latest = commitment.updates.order_by("-date", "-created_at", "-pk").first()
    if (
        latest.pk == update.pk
        and commitment.progress != percent
        and commitment.status != Commitment.Status.ACHIEVED
    ):
        commitment.progress = percent
        _save(commitment, user, "progress reported")
    return update


@transaction.atomic
def verify_update(update, user):
    update.verified = True
    update.verified_by = user
    update.verified_at = timezone.now()
    update.save()
    return update


def _confirming_cities(agreement, reported_by_city):
    """Who must confirm a transfer: the other party city, or both for the secretariat's."""
    if reported_by_city is None:
        return [agreement.origin, agreement.destination]
    if reported_by_city.pk == agreement.origin_id:
        return [agreement.destination]
    return [agreement.origin]


def ask_for_confirmation(*, transfer):
    """Emails the staff of the city (or, for the secretariat's transfer, both cities)
    that must confirm a new transfer; every entry point that records one calls it."""
    agreement = transfer.agreement
    reported_by_city = transfer.reported_by_city
    people = transfer.people
    reporter = reported_by_city.name if reported_by_city else _("The secretariat")
    for city in _confirming_cities(agreement, reported_by_city):
        _notify(
            _staff_emails(city),
            _("Transfer to confirm: %(origin)s → %(destination)s")
            % {"origin": agreement.origin.name, "destination": agreement.destination.name},
            _(
                "%(reporter)s reported that %(people)d people moved on %(date)s under the "
                "agreement %(origin)s → %(destination)s. They count as relocated once "
                "%(city)s confirms the transfer."
            )
            % {
                "reporter": reporter,
                "people": people,
                "date": transfer.date_display,
                "origin": agreement.origin.name,
                "destination": agreement.destination.name,
                "city": city.name,
            },
            links=[
                (_("Confirm it in the portal"), reverse("portal:dashboard")),
                (_("The agreement"), agreement.get_absolute_url()),
            ],
        )


@transaction.atomic
def record_transfer(agreement, user, *, date, people, reported_by_city=None, notes="",
                    date_precision="day"):  # fmt: skip
    """Saves a transfer; ``Transfer.save`` locks the agreement and re-checks the pledge.

    The city that must confirm it is told by email, with the links to the portal page
    where it confirms and to the agreement's public page (absolute, from ``SITE_URL``).
    The people count as relocated only once confirmed (``commitments.models.RELOCATED``).
    """
    if reported_by_city is not None and reported_by_city.pk not in (
        agreement.origin_id,
        agreement.destination_id,
    ):
        raise ValidationError(
            {
                "reported_by_city": _(
                    "Only a city that is party to the agreement reports transfers."
                )
            }
        )
    transfer = Transfer(
        agreement=agreement,
        date=date,
        date_precision=date_precision,
        people=people,
        notes=notes,
        reported_by=user,
        reported_by_city=reported_by_city,
    )
    transfer.full_clean()
    transfer.save()
    ask_for_confirmation(transfer=transfer)
    return transfer


@transaction.atomic
def confirm_transfer(transfer, user, city):
    """A party city confirms a transfer: the one the other city reported, or one the
    secretariat entered (which both cities confirm, each in turn)."""
    agreement = transfer.agreement
    if city.pk not in (agreement.origin_id, agreement.destination_id):
        raise PermissionDenied
    if transfer.reported_by_city_id == city.pk:
        raise ValidationError(_("The city that reported a transfer cannot also confirm it."))
    if transfer.confirmed_at is not None or transfer.first_confirmation_city_id == city.pk:
        # Confirming twice keeps the first confirmation (who and when).
        return transfer
    transfer._history_user = user
    if transfer.reported_by_city_id is None and transfer.first_confirmation_city_id is None:
        transfer.first_confirmation_city = city
        transfer._change_reason = "confirmed by one of the two cities"
    else:
        transfer.confirmed_at = timezone.now()
        transfer.confirmed_by = user
        transfer._change_reason = "confirmed by both cities"
    transfer.save()
    return transfer
