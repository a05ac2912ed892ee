"""The staff portal: city staff keep their cities' records; curators review them.

Every view finds its records through ``for_user(request.user)`` (the one place that
decides who may see what), so another city's record is simply not found: 404, and
nothing is changed.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from import_export.formats.base_formats import CSV

from cities.models import City
from commitments import review, services
from commitments.models import (
    Commitment,
    ProgressUpdate,
    RelocationAgreement,
    Transfer,
)
from commitments.resources import CityStaffCommitmentResource
from core.models import EditConflict
from core.permissions import is_curator

from .forms import (
    CommitmentCreateForm,
    CommitmentForm,
    CommitmentImportForm,
    ConfirmImportForm,
    ProgressUpdateForm,
    RejectChangesForm,
    ReturnForm,
    ReviewForm,
    TransferForm,
)

# The curator's queues show the oldest items first, this many at a time.
QUEUE_LIMIT = 50

PUBLICATION_ORDER = [
    Commitment.PublicationState.RETURNED,
    Commitment.PublicationState.DRAFT,
    Commitment.PublicationState.SUBMITTED,
    Commitment.PublicationState.PUBLISHED,
]


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
    """The cities the user works for as staff (``CityQuerySet``, the one staff scope)."""
    return City.objects.acted_for_by(user).order_by("name")


def _get_commitment(request, pk):
    return get_object_or_404(
        Commitment.objects.for_user(request.user).select_related("city"), pk=pk
    )


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
        commitment.pending_items = review.pending_diff(commitment)
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
                    # The secretariat's transfers wait for both cities, each in turn.
                    "secretariat_to_confirm": [
                        t
                        for t in agreement.unconfirmed
                        if t.reported_by_city_id is None
                        and t.first_confirmation_city_id != city.pk
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
    waiting = list(queue[:QUEUE_LIMIT])
    for commitment in waiting:
        commitment.pending_items = review.pending_diff(commitment)
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
        "review_queue": waiting,
        "review_total": len(waiting) if len(waiting) < QUEUE_LIMIT else queue.count(),
        "unverified_updates": unverified,
        "unverified_total": len(unverified) if len(unverified) < QUEUE_LIMIT else updates.count(),
    }


# Commitments ---------------------------------------------------------------------


@login_required
@never_cache
def commitment_import(request):
    """A CSV file of the person's own cities' commitments: preview, then confirm.

    The admin's import machinery (django-import-export, ``CuratedResource``): every
    row is checked in a transaction that is rolled back, and the preview lists what
    would change or the rows that are refused, by number. Nothing is written until
    the person confirms; one bad row then still applies nothing.
    """
    cities = list(_acting_cities(request.user))
    if not cities:
        raise PermissionDenied
    resource = CityStaffCommitmentResource(
        user=request.user, city_ids=[city.pk for city in cities]
    )
    upload_form, confirm_form, result = CommitmentImportForm(), None, None
    if request.method == "POST" and "data" in request.POST:
        confirm_form = ConfirmImportForm(request.POST, user=request.user)
        if confirm_form.is_valid():
            result = resource.import_data(_dataset(confirm_form.cleaned_data["data"]))
            if not (result.has_errors() or result.has_validation_errors()):
                totals = result.totals
                messages.success(
                    request,
                    _("Imported: %(new)d new draft(s), %(update)d changed, %(skip)d unchanged.")
                    % {"new": totals["new"], "update": totals["update"], "skip": totals["skip"]},
                )
                return redirect("portal:dashboard")
            confirm_form = None
        else:
            messages.error(request, confirm_form.errors["data"][0])
            confirm_form = None
    elif request.method == "POST":
        upload_form = CommitmentImportForm(request.POST, request.FILES)
        if upload_form.is_valid():
            text = upload_form.cleaned_data["csv_file"]
            result = resource.import_data(_dataset(text), dry_run=True)
            if not (result.has_errors() or result.has_validation_errors()):
                confirm_form = ConfirmImportForm(user=request.user, text=text)
    context = {
        "form": upload_form,
        "confirm_form": confirm_form,
        "result": result,
        "cities": cities,
    }
    return render(request, "portal/commitment_import.html", context)


def _dataset(text):
    return CSV().create_dataset(text)


@login_required
@never_cache
def commitment_create(request):
    form = CommitmentCreateForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"city": request.GET.get("city")} if request.GET.get("city") else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        commitment = services.create_commitment(
            commitment=form.instance,
            user=request.user,
            reason="created in the portal",
            themes=data["themes"],
            framework_items=data["framework_items"],
            clauses=data["clauses"],
        )
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
    context = {"commitment": commitment, "updates": commitment.updates.all()[:20]}
    if commitment.publication_state == states.SUBMITTED:
        if is_curator(request.user):
            # The curator's page for a submission is its review page.
            return redirect("portal:commitment-review", pk=commitment.pk)
        # Under review: the curator decides on what was submitted.
        if request.method == "POST":
            messages.error(
                request,
                _("This commitment is under review and cannot be changed until the curator "
                  "publishes or returns it."),
            )  # fmt: skip
            return redirect("portal:commitment-edit", pk=commitment.pk)
        return render(request, "portal/commitment_form.html", {**context, "form": None})

    # The form edits a copy: the version as proposed so far (approved values with the
    # pending ones over them), so that saving again replaces a published commitment's
    # proposal as a whole. The page around it shows the record as saved.
    form = CommitmentForm(
        request.POST if request.method == "POST" else None,
        instance=services.proposed_version(commitment),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _edit(request, commitment, form)
        except EditConflict:
            commitment.refresh_from_db()  # the form now says what changed
        else:
            if saved.pending_changes:
                messages.success(
                    request,
                    _("Your changes are waiting for review. The public page keeps the "
                      "approved version until a curator accepts them."),
                )  # fmt: skip
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect("portal:commitment-edit", pk=commitment.pk)
    if commitment.publication_state == states.PUBLISHED:
        context["pending_items"] = review.pending_diff(commitment)
        context["is_curator"] = is_curator(request.user)
    return render(request, "portal/commitment_form.html", {**context, "form": form})


def _edit(request, commitment, form):
    """Saves the form's content through the workflow; on a conflict the form says what
    changed and ``EditConflict`` is raised again."""
    try:
        return services.edit_commitment(
            commitment=commitment,
            user=request.user,
            values=form.cleaned_data,
            expected_version=form.expected_version,
        )
    except EditConflict:
        form.show_conflict()
        raise


@login_required
@require_POST
def commitment_submit(request, pk):
    commitment = _get_commitment(request, pk)
    try:
        services.submit_for_review(commitment=commitment, user=request.user)
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
                commitment=commitment,
                user=request.user,
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
#
# The curator decides on the review page, which shows the whole commitment and, for a
# published one, the proposed changes against the approved version. Every decision
# carries the version that page showed; the service refuses it if the commitment
# changed since (someone edited it in between), so nothing unseen is published.


def _review_page(request, pk, *, return_form=None, reject_form=None, status=200):
    commitment = get_object_or_404(
        review.for_review(Commitment.objects.for_user(request.user)), pk=pk
    )
    context = {
        "commitment": commitment,
        "content_rows": review.content_rows(commitment),
        "workflow_rows": review.workflow_rows(commitment),
        "pending_diff": review.pending_diff(commitment),
        "updates": commitment.updates.all()[:20],
        "decision_form": ReviewForm(commitment=commitment),
        "return_form": return_form or ReturnForm(commitment=commitment),
        "reject_form": reject_form or RejectChangesForm(commitment=commitment),
    }
    return render(request, "portal/review.html", context, status=status)


@curator_required
@require_safe
@never_cache
def commitment_review(request, pk):
    return _review_page(request, pk)


def _decide(request, pk, *, form_class, allowed, refusal, decision):
    """Runs ``decision(commitment, form)`` for a POST from the review page.

    A refused decision changes nothing and shows the review page again, as it is now,
    with the reason and what the curator typed: 409 for a commitment in another state
    or changed since the page was loaded, 400 for a form that says no version. A
    script tells refusal from success by the status (success redirects).
    """
    commitment = _get_commitment(request, pk)
    form = form_class(request.POST, commitment=commitment)
    # The form with a comment is shown again as typed; a bare decision has none.
    shown_as = {ReturnForm: "return_form", RejectChangesForm: "reject_form"}.get(form_class)
    forms_shown = {shown_as: form} if shown_as else {}
    if not allowed(commitment):
        messages.error(request, refusal)
        return _review_page(request, commitment.pk, status=409, **forms_shown)
    if not form.is_valid():
        if "version" in form.errors:
            messages.error(request, " ".join(form.errors["version"]))
        return _review_page(request, commitment.pk, status=400, **forms_shown)
    try:
        message = decision(commitment, form)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _review_page(request, commitment.pk, status=409, **forms_shown)
    messages.success(request, message)
    return redirect("portal:dashboard")


NO_PENDING_CHANGES = _lazy("There are no changes awaiting review on this commitment.")


def _is_submitted(commitment):
    return commitment.publication_state == Commitment.PublicationState.SUBMITTED


def _has_pending_changes(commitment):
    published = commitment.publication_state == Commitment.PublicationState.PUBLISHED
    return published and bool(commitment.pending_changes)


@curator_required
@require_POST
def commitment_publish(request, pk):
    def publish(commitment, form):
        services.publish(
            commitment=commitment,
            user=request.user,
            expected_version=form.cleaned_data["version"],
        )
        return _("Published “%(title)s”.") % {"title": commitment.title}

    return _decide(
        request,
        pk,
        form_class=ReviewForm,
        allowed=_is_submitted,
        refusal=_("Only a submitted commitment can be published from here."),
        decision=publish,
    )


@curator_required
@require_POST
def commitment_return(request, pk):
    def return_it(commitment, form):
        services.return_to_city(
            commitment=commitment,
            user=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
        return _("Returned “%(title)s” to %(city)s.") % {
            "title": commitment.title,
            "city": commitment.city.name,
        }

    return _decide(
        request,
        pk,
        form_class=ReturnForm,
        allowed=_is_submitted,
        refusal=_("Only a submitted commitment can be returned."),
        decision=return_it,
    )


@curator_required
@require_POST
def changes_accept(request, pk):
    def accept(commitment, form):
        try:
            services.accept_pending_changes(
                commitment=commitment,
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleReview:
            raise
        except ValidationError as error:
            raise ValidationError(
                _("These changes cannot be accepted: %(errors)s")
                % {"errors": " ".join(error.messages)}
            ) from None
        return _("Accepted: the public now sees “%(title)s”.") % {"title": commitment.title}

    return _decide(
        request,
        pk,
        form_class=ReviewForm,
        allowed=_has_pending_changes,
        refusal=NO_PENDING_CHANGES,
        decision=accept,
    )


@curator_required
@require_POST
def changes_reject(request, pk):
    def reject(commitment, form):
        services.reject_pending_changes(
            commitment=commitment,
            user=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
        return _("Rejected the changes to “%(title)s”.") % {"title": commitment.title}

    return _decide(
        request,
        pk,
        form_class=RejectChangesForm,
        allowed=_has_pending_changes,
        refusal=NO_PENDING_CHANGES,
        decision=reject,
    )


@curator_required
@require_POST
def update_verify(request, pk):
    update = get_object_or_404(
        ProgressUpdate.objects.filter(commitment__in=Commitment.objects.for_user(request.user)),
        pk=pk,
    )
    services.verify_update(update=update, user=request.user)
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
                agreement=agreement,
                user=request.user,
                **form.cleaned_data,
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
        .exclude(pk=transfer.first_confirmation_city_id)
        .first()
    )
    if city is None:
        messages.error(
            request, _("Only staff of the other city on the agreement can confirm this transfer.")
        )
        return redirect("portal:dashboard")
    try:
        services.confirm_transfer(transfer=transfer, user=request.user, city=city)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Transfer confirmed by %(city)s.") % {"city": city.name})
    return redirect("portal:dashboard")
