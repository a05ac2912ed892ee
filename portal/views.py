"""The staff portal: city staff keep their cities' records; curators review them.

Every view finds its records through ``for_user(request.user)`` (the one place that
decides who may see what), so another city's record is simply not found: 404, and
nothing is changed.
"""

import copy
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from cities.models import City
from commitments import services
from commitments.models import (
    Commitment,
    ProgressUpdate,
    RelocationAgreement,
    Transfer,
)
from core.permissions import is_curator

from .forms import (
    CommitmentCreateForm,
    CommitmentForm,
    ProgressUpdateForm,
    RejectChangesForm,
    ReturnForm,
    TransferForm,
    to_json,
)

# The curator's queues show the oldest items first, this many at a time.
QUEUE_LIMIT = 50

PUBLICATION_ORDER = [
    Commitment.PublicationState.RETURNED,
    Commitment.PublicationState.DRAFT,
    Commitment.PublicationState.SUBMITTED,
    Commitment.PublicationState.PUBLISHED,
]
# Workflow and content fields applied at once when a published commitment is edited;
# the reviewed ones (services.REVIEWED_FIELDS) wait for a curator.
IMMEDIATE_FIELDS = ("outcome_document", "status", "progress")


def curator_required(view):
    """Anonymous visitors go to the login page; staff who are not curators get 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_curator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _acting_cities(user):
    """The cities the user works for as staff.

    ``City.objects.for_user`` decides what the user may reach (curators: every city);
    of those, a user acts for (reports and confirms as) only the cities they are
    attached to.
    """
    return City.objects.for_user(user).filter(staff_memberships__user=user).order_by("name")


def _get_commitment(request, pk):
    return get_object_or_404(
        Commitment.objects.for_user(request.user).select_related("city"), pk=pk
    )


def _pending_items(commitment):
    """(label, public value, proposed value) for each change awaiting review."""
    items = []
    for name, raw in (commitment.pending_changes or {}).items():
        field = commitment._meta.get_field(name)
        items.append(
            {
                "label": field.verbose_name,
                "public": getattr(commitment, name),
                "proposed": field.to_python(raw),
            }
        )
    return items


@login_required
@require_safe
@never_cache
def dashboard(request):
    user = request.user
    cities = list(_acting_cities(user))
    city_ids = [city.pk for city in cities]

    commitments = (
        Commitment.objects.for_user(user)
        .filter(city__in=city_ids)
        .with_flags()
        .select_related("city")
        .order_by("target_date", "title")
    )
    agreements = (
        RelocationAgreement.objects.for_user(user)
        .filter(Q(origin__in=city_ids) | Q(destination__in=city_ids))
        .with_totals()
        .select_related("origin", "destination")
        .prefetch_related(
            Prefetch(
                "transfers",
                queryset=Transfer.objects.filter(confirmed_at__isnull=True)
                .select_related("reported_by_city")
                .order_by("date", "pk"),
                to_attr="unconfirmed",
            )
        )
        .order_by("-signed_on", "pk")
    )

    by_city = {city.pk: [] for city in cities}
    for commitment in commitments:
        commitment.pending_items = _pending_items(commitment)
        by_city[commitment.city_id].append(commitment)
    agreements = list(agreements)
    for city in cities:
        own = by_city[city.pk]
        city.status_counts = [
            (label, sum(1 for c in own if c.status == value))
            for value, label in Commitment.Status.choices
        ]
        city.commitment_groups = [
            {
                "state": state,
                "label": state.label,
                "items": [c for c in own if c.publication_state == state],
            }
            for state in PUBLICATION_ORDER
        ]
        city.commitment_count = len(own)
        city.agreements = []
        for agreement in agreements:
            if city.pk not in (agreement.origin_id, agreement.destination_id):
                continue
            other = agreement.destination if agreement.origin_id == city.pk else agreement.origin
            city.agreements.append(
                {
                    "agreement": agreement,
                    "other": other,
                    "is_origin": agreement.origin_id == city.pk,
                    "to_confirm": [
                        t for t in agreement.unconfirmed if t.reported_by_city_id == other.pk
                    ],
                    "awaiting_other": [
                        t for t in agreement.unconfirmed if t.reported_by_city_id == city.pk
                    ],
                }
            )

    context = {"cities": cities, "is_curator": is_curator(user)}
    if context["is_curator"]:
        context.update(_review_queues(user))
    return render(request, "portal/dashboard.html", context)


def _review_queues(user):
    states = Commitment.PublicationState
    queue = (
        Commitment.objects.for_user(user)
        .filter(
            Q(publication_state=states.SUBMITTED)
            | (Q(publication_state=states.PUBLISHED) & ~Q(pending_changes={}))
        )
        .select_related("city")
        .order_by("updated_at", "pk")  # the longest waiting first
    )
    review = list(queue[:QUEUE_LIMIT])
    for commitment in review:
        commitment.pending_items = _pending_items(commitment)
    updates = (
        ProgressUpdate.objects.filter(
            commitment__in=Commitment.objects.for_user(user).published(),
            verified=False,
            reported_by_city=True,
        )
        .select_related("commitment__city")
        .order_by("date", "pk")
    )
    unverified = list(updates[:QUEUE_LIMIT])
    return {
        "review_queue": review,
        "review_total": len(review) if len(review) < QUEUE_LIMIT else queue.count(),
        "unverified_updates": unverified,
        "unverified_total": len(unverified) if len(unverified) < QUEUE_LIMIT else updates.count(),
        "return_form": ReturnForm(),
        "reject_form": RejectChangesForm(),
    }


# Commitments ---------------------------------------------------------------------


@login_required
@never_cache
def commitment_create(request):
    form = CommitmentCreateForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"city": request.GET.get("city")} if request.GET.get("city") else None,
    )
    if request.method == "POST" and form.is_valid():
        commitment = form.save(commit=False)
        commitment.publication_state = Commitment.PublicationState.DRAFT
        commitment.created_by = request.user
        commitment._change_reason = "created in the portal"
        commitment.save()
        form.save_m2m()
        messages.success(
            request,
            _("Saved “%(title)s” as a draft. Submit it for review when it is ready.")
            % {"title": commitment.title},
        )
        return redirect("portal:commitment-edit", pk=commitment.pk)
    return render(request, "portal/commitment_form.html", {"form": form, "commitment": None})


@login_required
@never_cache
def commitment_edit(request, pk):
    commitment = _get_commitment(request, pk)
    states = Commitment.PublicationState
    if commitment.publication_state == states.PUBLISHED:
        return _edit_published(request, commitment)

    context = {"commitment": commitment, "updates": commitment.updates.all()[:20]}
    if commitment.publication_state == states.SUBMITTED:
        # Under review: the curator decides on what was submitted.
        if request.method == "POST":
            messages.error(
                request,
                _("This commitment is under review and cannot be changed until the curator "
                  "publishes or returns it."),
            )  # fmt: skip
            return redirect("portal:commitment-edit", pk=commitment.pk)
        return render(request, "portal/commitment_form.html", {**context, "form": None})

    form = CommitmentForm(request.POST if request.method == "POST" else None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        commitment = form.save(commit=False)
        commitment._change_reason = "edited in the portal"
        commitment.save()
        form.save_m2m()
        messages.success(request, _("Your changes are saved."))
        return redirect("portal:commitment-edit", pk=commitment.pk)
    return render(request, "portal/commitment_form.html", {**context, "form": form})


def _edit_published(request, commitment):
    """The public keeps the approved version; reviewed fields become a proposal."""
    pending_items = _pending_items(commitment)
    updates = commitment.updates.all()[:20]
    # The form shows the version as proposed so far: approved values overlaid with
    # what is pending, so that saving again replaces the proposal as a whole. The page
    # itself keeps showing the approved version.
    proposed = copy.copy(commitment)
    for name, raw in (commitment.pending_changes or {}).items():
        setattr(proposed, name, commitment._meta.get_field(name).to_python(raw))
    form = CommitmentForm(request.POST if request.method == "POST" else None, instance=proposed)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            approved = Commitment.objects.select_for_update().get(pk=commitment.pk)
            changes = {
                name: to_json(form.cleaned_data[name])
                for name in services.REVIEWED_FIELDS
                if form.cleaned_data[name] != getattr(approved, name)
            }
            for name in IMMEDIATE_FIELDS:
                changes[name] = form.cleaned_data[name]
            services.propose_changes(approved, request.user, changes, replace=True)
            approved.themes.set(form.cleaned_data["themes"])
            approved.framework_items.set(form.cleaned_data["framework_items"])
        if approved.pending_changes:
            messages.success(
                request,
                _("Your changes are waiting for review. The public page keeps the approved "
                  "version until a curator accepts them."),
            )  # fmt: skip
        else:
            messages.success(request, _("Your changes are saved."))
        return redirect("portal:commitment-edit", pk=commitment.pk)
    return render(
        request,
        "portal/commitment_form.html",
        {
            "form": form,
            "commitment": commitment,
            "pending_items": pending_items,
            "updates": updates,
        },
    )


@login_required
@require_POST
def commitment_submit(request, pk):
    commitment = _get_commitment(request, pk)
    try:
        services.submit_for_review(commitment, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is submitted. The secretariat will review it.")
            % {"title": commitment.title},
        )
    return redirect("portal:dashboard")


@login_required
@never_cache
def update_create(request, pk):
    commitment = get_object_or_404(
        Commitment.objects.for_user(request.user).published().select_related("city"), pk=pk
    )
    form = ProgressUpdateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        commitment=commitment,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_progress_update(
                commitment,
                request.user,
                reported_by_city=not is_curator(request.user),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your progress update is on the public page."))
            return redirect("portal:commitment-edit", pk=commitment.pk)
    return render(request, "portal/update_form.html", {"form": form, "commitment": commitment})


# Curator review ------------------------------------------------------------------


def _get_for_review(request, pk, state):
    commitment = _get_commitment(request, pk)
    if commitment.publication_state != state:
        return None
    return commitment


@curator_required
@require_POST
def commitment_publish(request, pk):
    commitment = _get_for_review(request, pk, Commitment.PublicationState.SUBMITTED)
    if commitment is None:
        messages.error(request, _("Only a submitted commitment can be published from here."))
    else:
        services.publish(commitment, request.user)
        messages.success(request, _("Published “%(title)s”.") % {"title": commitment.title})
    return redirect("portal:dashboard")


@curator_required
@never_cache
def commitment_return(request, pk):
    commitment = _get_commitment(request, pk)
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if commitment.publication_state != Commitment.PublicationState.SUBMITTED:
        messages.error(request, _("Only a submitted commitment can be returned."))
        return redirect("portal:dashboard")
    if request.method == "POST" and form.is_valid():
        services.return_to_city(commitment, request.user, form.cleaned_data["comment"])
        messages.success(
            request,
            _("Returned “%(title)s” to %(city)s.")
            % {"title": commitment.title, "city": commitment.city.name},
        )
        return redirect("portal:dashboard")
    return render(request, "portal/return_form.html", {"form": form, "commitment": commitment})


@curator_required
@require_POST
def changes_accept(request, pk):
    commitment = _get_for_review(request, pk, Commitment.PublicationState.PUBLISHED)
    if commitment is None or not commitment.pending_changes:
        messages.error(request, _("There are no changes awaiting review on this commitment."))
        return redirect("portal:dashboard")
    try:
        services.accept_pending_changes(commitment, request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("These changes cannot be accepted: %(errors)s")
            % {"errors": " ".join(error.messages)},
        )
    else:
        messages.success(
            request, _("Accepted: the public now sees “%(title)s”.") % {"title": commitment.title}
        )
    return redirect("portal:dashboard")


@curator_required
@require_POST
def changes_reject(request, pk):
    commitment = _get_for_review(request, pk, Commitment.PublicationState.PUBLISHED)
    form = RejectChangesForm(request.POST)
    if commitment is None or not commitment.pending_changes:
        messages.error(request, _("There are no changes awaiting review on this commitment."))
    elif form.is_valid():
        services.reject_pending_changes(commitment, request.user, form.cleaned_data["comment"])
        messages.success(
            request, _("Rejected the changes to “%(title)s”.") % {"title": commitment.title}
        )
    return redirect("portal:dashboard")


@curator_required
@require_POST
def update_verify(request, pk):
    update = get_object_or_404(
        ProgressUpdate.objects.filter(commitment__in=Commitment.objects.for_user(request.user)),
        pk=pk,
    )
    services.verify_update(update, request.user)
    messages.success(request, _("The update is marked as verified."))
    return redirect("portal:dashboard")


# Relocation transfers --------------------------------------------------------------


@login_required
@never_cache
def transfer_create(request, pk):
    agreement = get_object_or_404(
        RelocationAgreement.objects.for_user(request.user)
        .with_totals()
        .select_related("origin", "destination"),
        pk=pk,
    )
    reporting_cities = _acting_cities(request.user).filter(
        pk__in=[agreement.origin_id, agreement.destination_id]
    )
    form = TransferForm(
        request.POST if request.method == "POST" else None,
        agreement=agreement,
        reporting_cities=reporting_cities,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_transfer(
                agreement,
                request.user,
                **form.cleaned_data,
                site_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            # Someone else's transfer got in first: the pledge check under lock says so.
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Transfer recorded. It shows as reported by your city until the other city "
                  "confirms it."),
            )  # fmt: skip
            return redirect("portal:dashboard")
    transfers = agreement.transfers.select_related("reported_by_city").order_by("-date", "-pk")
    return render(
        request,
        "portal/transfer_form.html",
        {"form": form, "agreement": agreement, "transfers": transfers},
    )


@login_required
@require_POST
def transfer_confirm(request, pk):
    transfer = get_object_or_404(
        Transfer.objects.filter(
            agreement__in=RelocationAgreement.objects.for_user(request.user)
        ).select_related("agreement"),
        pk=pk,
    )
    agreement = transfer.agreement
    city = (
        _acting_cities(request.user)
        .filter(pk__in=[agreement.origin_id, agreement.destination_id])
        .exclude(pk=transfer.reported_by_city_id)
        .first()
    )
    if city is None:
        messages.error(
            request, _("Only staff of the other city on the agreement can confirm this transfer.")
        )
        return redirect("portal:dashboard")
    try:
        services.confirm_transfer(transfer, request.user, city)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Transfer confirmed by %(city)s.") % {"city": city.name})
    return redirect("portal:dashboard")
