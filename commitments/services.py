"""The commitment review workflow and relocation transfers: every write it controls.

Creating, editing, submitting, publishing, returning, proposing, accepting, rejecting,
verifying, reporting and confirming happen here and nowhere else, so that the portal,
the admin, the CSV imports and the tests all go through the same steps (and the same
history records). Views, admin actions and imports validate what a person typed and
call these functions; none of them sets a workflow field itself. Every function takes
keyword arguments only.

This module also holds the two rules of a published commitment's edit: which fields
wait for a curator's review and which apply at once (``REVIEWED_FIELDS``,
``IMMEDIATE_FIELDS``, ``RELATIONS``), and how a proposed value is stored in
``pending_changes`` and read back (``encode_pending``, ``decode_pending``).
"""

from __future__ import annotations

import copy
import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.models import City
from core.links import absolute_url
from core.models import EditConflict
from core.permissions import CURATORS_GROUP

from .models import Commitment, ProgressUpdate, RelocationAgreement, Transfer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from cities.models import City
    from forums.models import Clause, FrameworkItem, Theme

# What a staff edit of a published commitment does with each content field. The
# portal's form edits exactly these (tests/commitments/test_services.py checks it).
#: Wait for a curator's review: the public keeps the approved value meanwhile.
REVIEWED_FIELDS: tuple[str, ...] = ("title", "description", "start_date", "target_date",
                   "resources_needed", "resources_secured", "currency", "resources_note",
                   "source_url", "source_citation", "start_precision",
                   "target_precision")  # fmt: skip
#: Apply at once: the state of the work, not a claim about it, is the city's to say.
IMMEDIATE_FIELDS: tuple[str, ...] = ("outcome_document", "status", "progress")
#: Many-to-many values, which apply at once too.
RELATIONS: tuple[str, ...] = ("themes", "framework_items", "clauses")
CONTENT_FIELDS: tuple[str, ...] = (*REVIEWED_FIELDS, *IMMEDIATE_FIELDS, *RELATIONS)

#: The states in which a commitment's content is edited directly (a submitted one
#: waits for the curator; a published one takes proposals).
EDITABLE_STATES: tuple[str, ...] = (
    Commitment.PublicationState.DRAFT,
    Commitment.PublicationState.RETURNED,
)


def _curator_emails() -> list[str]:
    User = get_user_model()
    emails = set(settings.CURATOR_EMAILS)
    emails.update(
        User.objects.filter(groups__name=CURATORS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(emails)


def _staff_emails(city: City) -> list[str]:
    return sorted(
        {m.user.email for m in city.staff_memberships.select_related("user") if m.user.email}
    )


def _notify(
    recipients: list[str], subject: str, body: str, *, links: Iterable[tuple[str, str]]
) -> None:
    """Emails ``body`` followed by the absolute link(s) of the page(s) it is about."""
    if recipients:
        body = "\n\n".join([body, *(f"{label}: {absolute_url(path)}" for label, path in links)])
        # Queued in the database in this transaction (settings.EMAIL_BACKEND is the
        # outbox): no email about a change that was rolled back, and a mail server that
        # is down neither fails the change nor loses the email (core.mail).
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _review_link(commitment: Commitment) -> tuple[str, str]:
    return (_("Review it"), reverse("portal:commitment-review", args=[commitment.pk]))


def _portal_link(commitment: Commitment) -> tuple[str, str]:
    return (_("In the portal"), reverse("portal:commitment-edit", args=[commitment.pk]))


def _save(
    record: Commitment | Transfer,
    user: User | None,
    reason: str | None,
    *,
    expected_version: int | None = None,
) -> None:
    """Saves ``record`` with who and why in its history; a commitment only over
    ``expected_version`` when one is given (``core.models.VersionedModel``)."""
    record._change_reason = reason  # type: ignore[union-attr]
    record._history_user = user  # type: ignore[union-attr]
    if isinstance(record, Commitment):
        record.save(expected_version=expected_version)
    else:
        record.save()


# Pending changes: how a proposed value is stored, and read back ------------------------


def encode_pending(value: Any) -> Any:
    """A reviewed field's value as stored in ``pending_changes`` (JSON)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def decode_pending(name: str, raw: Any) -> Any:
    """A value stored in ``pending_changes`` as the field's Python value; raises
    ``ValidationError`` for one the field no longer takes."""
    field = Commitment._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{name} is not a field a proposal changes.")
    return field.to_python(raw)


def pending_values(commitment: Commitment) -> dict[str, Any]:
    """The proposed values awaiting review, decoded, by field name."""
    return {
        name: decode_pending(name, raw) for name, raw in (commitment.pending_changes or {}).items()
    }


def proposed_version(commitment: Commitment) -> Commitment:
    """A copy of ``commitment`` as proposed so far: approved values overlaid with those
    pending. The staff's edit form shows it, so that saving again replaces the proposal
    as a whole; ``commitment`` itself keeps the approved version."""
    proposed = copy.copy(commitment)
    for name, value in pending_values(commitment).items():
        setattr(proposed, name, value)
    return proposed


# Creating and editing ------------------------------------------------------------------


def _set_relations(
    commitment: Commitment,
    *,
    themes: Iterable[Theme] | None,
    framework_items: Iterable[FrameworkItem] | None,
    clauses: Iterable[Clause] | None,
) -> None:
    if themes is not None:
        commitment.themes.set(themes)
    if framework_items is not None:
        commitment.framework_items.set(framework_items)
    if clauses is not None:
        commitment.clauses.set(clauses)


@transaction.atomic
def create_commitment(
    *,
    commitment: Commitment,
    user: User | None,
    reason: str | None = None,
    themes: Iterable[Theme] | None = None,
    framework_items: Iterable[FrameworkItem] | None = None,
    clauses: Iterable[Clause] | None = None,
) -> Commitment:
    """Saves a new commitment, as a draft created by ``user``.

    ``commitment`` holds the content (a form's or an import row's instance, validated
    there); its workflow fields are the workflow's: whatever they say, it starts as a
    draft with nothing pending. The many-to-many values given are saved with it.
    """
    if not commitment._state.adding:
        raise ValueError("create_commitment saves a new commitment only.")
    commitment.publication_state = Commitment.PublicationState.DRAFT
    commitment.submitted_at = commitment.published_at = None
    commitment.review_comment = ""
    commitment.pending_changes = {}
    if commitment.created_by_id is None and user is not None:
        commitment.created_by = user
    commitment._change_reason = reason  # type: ignore[attr-defined]
    commitment._history_user = user  # type: ignore[attr-defined]
    # Inserted, never an update: an import row classified as new must not overwrite a
    # commitment that has its id.
    commitment.save(force_insert=True)
    _set_relations(commitment, themes=themes, framework_items=framework_items, clauses=clauses)
    return commitment


@transaction.atomic
def save_draft(
    *,
    commitment: Commitment,
    user: User | None,
    reason: str | None = None,
    expected_version: int | None = None,
    themes: Iterable[Theme] | None = None,
    framework_items: Iterable[FrameworkItem] | None = None,
    clauses: Iterable[Clause] | None = None,
) -> Commitment:
    """Saves the content set on a draft (or returned) commitment, as it is: no review.

    Only over ``expected_version`` when given: ``EditConflict`` otherwise, and nothing
    is written (the many-to-many values included).
    """
    if commitment.publication_state not in EDITABLE_STATES:
        raise ValidationError(
            _("This commitment is %(state)s: change it on its page in the portal, "
              "where changes go to review.")
            % {"state": commitment.get_publication_state_display()},
            code="not_editable",
        )  # fmt: skip
    _save(commitment, user, reason, expected_version=expected_version)
    _set_relations(commitment, themes=themes, framework_items=framework_items, clauses=clauses)
    return commitment


@transaction.atomic
def edit_commitment(
    *,
    commitment: Commitment,
    user: User | None,
    values: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "edited in the portal",
) -> Commitment:
    """A staff edit from the portal's form, loaded at ``expected_version``.

    ``values`` holds the whole content as the form showed it (its other keys, such as
    the form's version, are ignored). A draft or returned commitment takes it as is; on
    a published one the reviewed fields that differ from the approved version become
    the proposal, replacing an earlier one, and the others apply at once
    (``propose_changes``); a submitted one waits for the curator and is refused.
    Returns the commitment as saved. ``EditConflict`` if it changed since the form was
    loaded: nothing is written.
    """
    content = {name: values[name] for name in CONTENT_FIELDS if name in values}
    relations = {name: content.pop(name) for name in RELATIONS if name in content}
    state = commitment.publication_state
    if state == Commitment.PublicationState.PUBLISHED:
        # Locked, then compared with the version the form was loaded at (below, in the
        # statement that writes): the proposal is judged against the approved version.
        approved = Commitment.objects.select_for_update().get(pk=commitment.pk)
        approved.expected_version = expected_version
        return propose_changes(
            commitment=approved, user=user, changes={**content, **relations}, replace=True
        )
    if state not in EDITABLE_STATES:
        raise ValidationError(
            _("This commitment is under review and cannot be changed until the curator "
              "publishes or returns it."),
            code="under_review",
        )  # fmt: skip
    for name, value in content.items():
        setattr(commitment, name, value)
    return save_draft(
        commitment=commitment,
        user=user,
        reason=reason,
        expected_version=expected_version,
        **relations,
    )


# The review ----------------------------------------------------------------------------


class StaleReview(EditConflict):
    """A review action on a version of a commitment that is no longer the current one."""


def _check_version(commitment: Commitment, expected_version: int | None) -> None:
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
def submit_for_review(*, commitment: Commitment, user: User | None) -> Commitment:
    if commitment.publication_state not in EDITABLE_STATES:
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
def publish(
    *, commitment: Commitment, user: User | None, expected_version: int | None = None
) -> Commitment:
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
def return_to_city(
    *,
    commitment: Commitment,
    user: User | None,
    comment: str,
    expected_version: int | None = None,
) -> Commitment:
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
def propose_changes(
    *,
    commitment: Commitment,
    user: User | None,
    changes: Mapping[str, Any],
    replace: bool = False,
) -> Commitment:
    """Staff edit a published commitment: the reviewed fields wait for a curator.

    ``changes`` maps content field names (``CONTENT_FIELDS``) to new values, as Python
    values or as stored in ``pending_changes`` (dates as ISO strings, decimals as
    strings). REVIEWED_FIELDS become the proposal; the others apply at once. With
    ``replace``, the reviewed fields in ``changes`` become the whole proposal (an edit
    form shows the full proposed version): a field left at its approved value then
    withdraws an earlier proposal for it.
    """
    if commitment.publication_state != Commitment.PublicationState.PUBLISHED:
        # A draft or returned commitment is edited directly; a submitted one waits.
        raise ValidationError(_("Only a published commitment takes proposed changes."))
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not content a proposal may change: {', '.join(sorted(unknown))}.")
    before_pending = dict(commitment.pending_changes or {})
    pending = {} if replace else dict(before_pending)
    applied = False
    for name, value in changes.items():
        if name in RELATIONS:
            continue
        if name in REVIEWED_FIELDS:
            if replace and decode_pending(name, encode_pending(value)) == getattr(
                commitment, name
            ):
                continue  # the approved value: nothing to review
            pending[name] = encode_pending(value)
            continue
        before = getattr(commitment, name)
        setattr(commitment, name, value)
        applied = applied or getattr(commitment, name) != before
    commitment.pending_changes = pending
    # The public page changes only if a field that applies at once changed: a mere
    # proposal leaves the approved version's time (and the "recently updated" order).
    commitment._keep_updated_at = not applied  # type: ignore[attr-defined]
    try:
        _save(commitment, user, "changes proposed")
    finally:
        del commitment._keep_updated_at  # type: ignore[attr-defined]
    _set_relations(
        commitment,
        themes=changes.get("themes"),
        framework_items=changes.get("framework_items"),
        clauses=changes.get("clauses"),
    )
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
def accept_pending_changes(
    *, commitment: Commitment, user: User | None, expected_version: int | None = None
) -> Commitment:
    """Applies the proposal the curator reviewed (``expected_version``)."""
    _check_version(commitment, expected_version)
    for name, value in pending_values(commitment).items():
        setattr(commitment, name, value)
    commitment.pending_changes = {}
    commitment.full_clean()
    _save(commitment, user, "changes accepted")
    return commitment


@transaction.atomic
def reject_pending_changes(
    *,
    commitment: Commitment,
    user: User | None,
    comment: str = "",
    expected_version: int | None = None,
) -> Commitment:
    _check_version(commitment, expected_version)
    commitment.pending_changes = {}
    if comment:
        commitment.review_comment = comment
    _save(commitment, user, "changes rejected")
    return commitment


# Progress ------------------------------------------------------------------------------


@transaction.atomic
def add_progress_update(
    *,
    commitment: Commitment,
    user: User | None,
    date: datetime.date,
    text: str,
    percent: int | None,
    evidence_url: str = "",
    evidence_file: File[bytes] | None = None,
    date_precision: str = "day",
    reported_by_city: bool = True,
) -> ProgressUpdate:
    """A progress update is public at once (marked as reported by the city)."""
    # Locked and read again first: reports on one commitment take turns, and the
    # progress below is written over the commitment as it is now, never over an older
    # copy of it (which would undo an edit made meanwhile).
    commitment.refresh_from_db(from_queryset=Commitment.objects.select_for_update())
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
        latest is not None
        and latest.pk == update.pk
        and percent is not None
        and commitment.progress != percent
        and commitment.status != Commitment.Status.ACHIEVED
    ):
        commitment.progress = percent
        _save(commitment, user, "progress reported", expected_version=commitment.version)
    return update


@transaction.atomic
def verify_update(*, update: ProgressUpdate, user: User | None) -> ProgressUpdate:
    # Read again under a lock: the mark goes on the update as it is now.
    update.refresh_from_db(from_queryset=ProgressUpdate.objects.select_for_update())
    update.verified = True
    update.verified_by = user
    update.verified_at = timezone.now()
    update.save()
    return update


# Transfers -----------------------------------------------------------------------------


def _confirming_cities(
    agreement: RelocationAgreement, reported_by_city: City | None
) -> list[City]:
    """Who must confirm a transfer: the other party city, or both for the secretariat's."""
    if reported_by_city is None:
        return [agreement.origin, agreement.destination]
    if reported_by_city.pk == agreement.origin_id:
        return [agreement.destination]
    return [agreement.origin]


def ask_for_confirmation(*, transfer: Transfer) -> None:
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
def record_transfer(
    *,
    agreement: RelocationAgreement,
    user: User | None,
    date: datetime.date,
    people: int,
    reported_by_city: City | None = None,
    notes: str = "",
    date_precision: str = "day",
) -> Transfer:
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
def confirm_transfer(*, transfer: Transfer, user: User | None, city: City) -> Transfer:
    """A party city confirms a transfer: the one the other city reported, or one the
    secretariat entered (which both cities confirm, each in turn)."""
    # Locked and read again in the order every transfer save takes (the agreement,
    # then the transfer): of two cities confirming a secretariat's transfer at once,
    # the second sees the first's confirmation and completes it.
    agreement = RelocationAgreement.objects.select_for_update().get(pk=transfer.agreement_id)
    transfer.refresh_from_db(from_queryset=Transfer.objects.select_for_update())
    transfer.agreement = agreement
    if city.pk not in (agreement.origin_id, agreement.destination_id):
        raise PermissionDenied
    if transfer.reported_by_city_id == city.pk:
        raise ValidationError(_("The city that reported a transfer cannot also confirm it."))
    if transfer.confirmed_at is not None or transfer.first_confirmation_city_id == city.pk:
        # Confirming twice keeps the first confirmation (who and when).
        return transfer
    if transfer.reported_by_city_id is None and transfer.first_confirmation_city_id is None:
        transfer.first_confirmation_city = city
        reason = "confirmed by one of the two cities"
    else:
        transfer.confirmed_at = timezone.now()
        transfer.confirmed_by = user
        reason = "confirmed by both cities"
    _save(transfer, user, reason)
    return transfer
