from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    CuratedAdmin,
    CuratedImportExportMixin,
    CuratedTabularInline,
    ParentCachedInlineFormSet,
    VersionedCuratedForm,
)
from core.text import render_markdown

from . import review, services
from .forms import ClausesFormMixin
from .models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from .resources import CommitmentResource, ProgressUpdateResource


class ReturnToCityForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the city change?"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Sent to the city's staff and shown with the commitment in the portal."),
    )


# Commitments shown (in full) on one publish or accept confirmation page.
REVIEW_BATCH = 20


def _shown_versions(data):
    """``{pk: version}`` of the commitments the confirmation page showed."""
    versions = {}
    for key in data:
        if key.startswith("version_"):
            try:
                pk, version = int(key.removeprefix("version_")), int(data[key])
            except ValueError:
                continue
            if 0 < pk < 2**63:  # an id no column holds is not looked up (SQLite overflows)
                versions[pk] = version
    return versions


def _entered_by_the_secretariat(update, user):
    """A progress update a curator adds in the admin is the secretariat's, not the city's."""
    if update.pk is None:
        update.reported_by_city = False
        if update.reported_by_id is None:
            update.reported_by = user


class ProgressUpdateInline(CuratedTabularInline):
    model = ProgressUpdate
    fields = (
        "date",
        "percent",
        "text",
        "evidence_url",
        "evidence_file",
        "reported_by_city",
        "verified",
        "reported_by",
        "verified_by",
    )
    readonly_fields = ("reported_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reported_by", "verified_by")


class CommitmentAdminForm(ClausesFormMixin, VersionedCuratedForm):
    pass


@admin.register(Commitment)
class CommitmentAdmin(CuratedImportExportMixin, CuratedAdmin):
    form = CommitmentAdminForm
    resource_classes = [CommitmentResource]
    list_display = (
        "title",
        "city",
        "status",
        "progress",
        "publication_state",
        "target_date",
        "has_pending_changes",
        "updated_at",
    )
    list_filter = ("publication_state", "status", "city__region", "outcome_document", "themes")
    list_select_related = ("city",)
    search_fields = ("title", "city__name", "=id")
    autocomplete_fields = ["city", "outcome_document", "themes", "framework_items", "clauses"]
    readonly_fields = (
        "description_preview",
        "pending_changes_display",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "city",
                    "outcome_document",
                    "clauses",
                    "title",
                    "description",
                    "description_preview",
                    "themes",
                    "framework_items",
                )
            },
        ),
        (
            _("Progress"),
            {
                "fields": (
                    "status",
                    "progress",
                    ("start_date", "start_precision"),
                    ("target_date", "target_precision"),
                )
            },
        ),
        (
            _("Resources"),
            {"fields": ("resources_needed", "resources_secured", "currency", "resources_note")},
        ),
        (
            _("Review"),
            {
                "fields": (
                    "publication_state",
                    "review_comment",
                    "pending_changes_display",
                    "submitted_at",
                    "published_at",
                )
            },
        ),
        (_("Source"), {"fields": ("source_url", "source_citation")}),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )
    inlines = [ProgressUpdateInline]
    # Newest first by id: sorting 100,000 rows by ``updated_at`` has no index to use.
    ordering = ("-pk",)
    actions = ["publish_selected", "return_selected", "accept_changes", "reject_changes"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_review_permission(self, request):
        return self.has_change_permission(request)

    @admin.display(description=_("description as shown"))
    def description_preview(self, obj):
        # The same sanitized Markdown as the public page, the feeds and the portal.
        return render_markdown(obj.description) if obj else ""

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("city", "outcome_document")
            .prefetch_related("themes", "framework_items")
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            # A new commitment is a draft, like one made in the portal or imported.
            services.create_commitment(commitment=obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for update in formset.deleted_objects:
            update.delete()
        for update in instances:
            _entered_by_the_secretariat(update, request.user)
            update.save()
        formset.save_m2m()

    @admin.display(boolean=True, description=_("changes to review"))
    def has_pending_changes(self, obj):
        return bool(obj.pending_changes)

    @admin.display(description=_("changes awaiting review"))
    def pending_changes_display(self, obj):
        if not obj.pending_changes:
            return "–"
        rows = []
        for name, value in obj.pending_changes.items():
            field = obj._meta.get_field(name)
            rows.append((field.verbose_name, getattr(obj, field.attname), value))
        return format_html_join(
            "", "<p><strong>{}</strong>: {} → {}</p>", ((str(a), b, c) for a, b, c in rows)
        )

    # Review actions: one record at a time through the services, so each change is
    # kept in the history and the city is told by email.

    # Publishing and accepting apply to what the curator was shown: both actions first
    # show each selected commitment's content (and proposed changes) with the version
    # shown, and the service refuses any that changed before the curator confirmed.

    @admin.action(description=_("Publish the selected commitments…"), permissions=["review"])
    def publish_selected(self, request, queryset):
        return self._review_and_confirm(
            request,
            queryset.exclude(publication_state=Commitment.PublicationState.PUBLISHED),
            action="publish_selected",
            title=_("Publish commitments"),
            button=_("Publish these commitments"),
            decide=services.publish,
            done=lambda n: ngettext("%d commitment published.", "%d commitments published.", n),
        )

    @admin.action(
        description=_("Accept the changes proposed to the selected commitments…"),
        permissions=["review"],
    )
    def accept_changes(self, request, queryset):
        return self._review_and_confirm(
            request,
            queryset.filter(publication_state=Commitment.PublicationState.PUBLISHED).exclude(
                pending_changes={}
            ),
            action="accept_changes",
            title=_("Accept proposed changes"),
            button=_("Accept these changes"),
            decide=services.accept_pending_changes,
            done=lambda n: ngettext(
                "Changes accepted on %d commitment.", "Changes accepted on %d commitments.", n
            ),
        )

    def _review_and_confirm(self, request, candidates, *, action, title, button, decide, done):
        candidates = review.for_review(candidates).order_by("pk")
        if "apply" in request.POST:
            applied = 0
            for commitment in candidates.filter(pk__in=_shown_versions(request.POST)):
                try:
                    decide(
                        commitment=commitment,
                        user=request.user,
                        expected_version=_shown_versions(request.POST)[commitment.pk],
                    )
                except ValidationError as exc:
                    self.message_user(
                        request,
                        _("“%(title)s”: not done. %(error)s")
                        % {"title": commitment.title, "error": " ".join(exc.messages)},
                        messages.ERROR,
                    )
                else:
                    applied += 1
            self.message_user(
                request, done(applied) % applied, messages.SUCCESS if applied else messages.WARNING
            )
            return None
        shown = list(candidates[:REVIEW_BATCH])
        total = len(shown) if len(shown) < REVIEW_BATCH else candidates.count()
        return self._confirmation(
            request,
            "review_confirm.html",
            title=title,
            button=button,
            action=action,
            items=[
                {
                    "commitment": commitment,
                    "content_rows": review.content_rows(commitment),
                    "pending_diff": review.pending_diff(commitment),
                }
                for commitment in shown
            ],
            total=total,
            more_count=max(total - len(shown), 0),
        )

    def _confirmation(self, request, template, **context):
        """The page on which a curator confirms an action on the selected commitments:
        it posts the same selection back with the action."""
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "selected_pks": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
            **context,
        }
        return TemplateResponse(request, f"admin/commitments/commitment/{template}", context)

    @admin.action(
        description=_("Return the selected submitted commitments to their cities…"),
        permissions=["review"],
    )
    def return_selected(self, request, queryset):
        submitted = queryset.filter(
            publication_state=Commitment.PublicationState.SUBMITTED
        ).select_related("city")
        if "apply" in request.POST:
            form = ReturnToCityForm(request.POST)
            if form.is_valid():
                returned = 0
                for commitment in submitted:
                    services.return_to_city(
                        commitment=commitment,
                        user=request.user,
                        comment=form.cleaned_data["comment"],
                    )
                    returned += 1
                self.message_user(
                    request,
                    ngettext(
                        "%d commitment returned to its city.",
                        "%d commitments returned to their cities.",
                        returned,
                    )
                    % returned,
                    messages.SUCCESS if returned else messages.WARNING,
                )
                return None
        else:
            form = ReturnToCityForm()
        total = submitted.count()
        return self._confirmation(
            request,
            "return_to_city.html",
            title=_("Return commitments to their cities"),
            form=form,
            commitments=submitted[:50],
            submitted_count=total,
            more_count=max(total - 50, 0),
        )

    @admin.action(
        description=_("Reject the changes proposed to the selected commitments"),
        permissions=["review"],
    )
    def reject_changes(self, request, queryset):
        rejected = 0
        for commitment in queryset.exclude(pending_changes={}):
            services.reject_pending_changes(commitment=commitment, user=request.user)
            rejected += 1
        self.message_user(
            request,
            ngettext(
                "Changes rejected on %d commitment.",
                "Changes rejected on %d commitments.",
                rejected,
            )
            % rejected,
            messages.SUCCESS if rejected else messages.WARNING,
        )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(CuratedImportExportMixin, CuratedAdmin):
    resource_classes = [ProgressUpdateResource]
    list_display = ("commitment", "city", "date", "percent", "reported_by_city", "verified")
    list_filter = ("verified", "reported_by_city", "commitment__city__region")
    list_select_related = ("commitment__city",)
    search_fields = ("commitment__title", "commitment__city__name", "=commitment__id")
    autocomplete_fields = ["commitment"]
    readonly_fields = ("text_preview", "reported_by", "created_at", "updated_at")
    actions = ["verify_selected"]

    @admin.display(description=_("text as shown"))
    def text_preview(self, obj):
        # The same sanitized Markdown as the public page, the feeds and the portal.
        return render_markdown(obj.text) if obj else ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # Labels name the commitment and its city: fetch them with the row (the
        # changelist's list_select_related is skipped once a select_related is set).
        return queryset.select_related("commitment__city")

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("commitment__city")

    def save_model(self, request, obj, form, change):
        _entered_by_the_secretariat(obj, request.user)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("city"), ordering="commitment__city__name")
    def city(self, obj):
        return obj.commitment.city

    @admin.action(
        description=_("Mark the selected progress updates as verified"), permissions=["verify"]
    )
    def verify_selected(self, request, queryset):
        verified = 0
        for update in queryset.filter(verified=False):
            services.verify_update(update=update, user=request.user)
            verified += 1
        self.message_user(
            request,
            ngettext("%d progress update verified.", "%d progress updates verified.", verified)
            % verified,
            messages.SUCCESS if verified else messages.WARNING,
        )

    def has_verify_permission(self, request):
        return self.has_change_permission(request)


class TransferInlineFormSet(ParentCachedInlineFormSet):
    def clean(self):
        super().clean()
        agreement = self.instance
        if agreement.people_pledged is None or any(form.errors for form in self.forms):
            return
        total = sum(
            form.cleaned_data.get("people") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if total > agreement.people_pledged:
            raise ValidationError(
                _("These transfers add up to %(total)d people, more than the %(pledged)d pledged.")
                % {"total": total, "pledged": agreement.people_pledged}
            )


class TransferInline(CuratedTabularInline):
    model = Transfer
    formset = TransferInlineFormSet
    fields = ("date", "people", "notes", "reported_by_city", "reported_by", "confirmed_at")
    readonly_fields = ("reported_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reported_by_city", "reported_by")


@admin.register(RelocationAgreement)
class RelocationAgreementAdmin(CuratedAdmin):
    list_display = (
        "__str__",
        "origin",
        "destination",
        "population_group",
        "people_pledged",
        "relocated",
        "remaining",
        "percent_delivered",
        "status",
        "signed_display",
    )
    list_filter = ("status", "population_group", "network")
    list_select_related = ("origin", "destination")
    search_fields = ("origin__name", "destination__name", "=id")
    autocomplete_fields = ["origin", "destination", "network", "framework_item"]
    readonly_fields = ("relocated", "remaining", "percent_delivered", "created_at", "updated_at")
    inlines = [TransferInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).for_user(request.user)
        return queryset.select_related("origin", "destination").with_totals()

    @admin.display(description=_("relocated"), ordering="relocated")
    def relocated(self, obj):
        return obj.relocated_total()

    @admin.display(description=_("remaining"), ordering="remaining")
    def remaining(self, obj):
        if hasattr(obj, "remaining"):
            return obj.remaining
        return obj.people_pledged - obj.relocated_total()

    @admin.display(description=_("delivered"))
    def percent_delivered(self, obj):
        if not obj.people_pledged:
            return "–"
        return f"{round(100 * obj.relocated_total() / obj.people_pledged)}%"

    @admin.display(description=_("signed"), ordering="signed_on")
    def signed_display(self, obj):
        return obj.signed_display or "–"

    def save_formset(self, request, form, formset, change):
        if formset.model is not Transfer:
            return super().save_formset(request, form, formset, change)
        # Each Transfer.save re-checks the pledge under a lock of the agreement, so
        # apply deletions and decreases before increases and new transfers: every
        # intermediate total then stays within the pledge, as the final one does.
        instances = formset.save(commit=False)
        for transfer in formset.deleted_objects:
            transfer.delete()
        originals = dict(
            Transfer.objects.filter(pk__in=[t.pk for t in instances if t.pk]).values_list(
                "pk", "people"
            )
        )

        def growth(transfer):
            return transfer.people - originals.get(transfer.pk, 0)

        for transfer in sorted(instances, key=growth):
            new = transfer.pk is None
            if new and transfer.reported_by_id is None:
                transfer.reported_by = request.user
            transfer.save()
            if new:
                services.ask_for_confirmation(transfer=transfer)
        formset.save_m2m()


@admin.register(Transfer)
class TransferAdmin(CuratedAdmin):
    list_display = ("agreement", "date", "people", "reported_by_city", "confirmed")
    list_filter = ("agreement__status",)
    list_select_related = ("agreement__origin", "agreement__destination", "reported_by_city")
    search_fields = ("agreement__origin__name", "agreement__destination__name", "=agreement__id")
    autocomplete_fields = ["agreement"]
    readonly_fields = ("reported_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change and obj.reported_by_id is None:
            obj.reported_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            services.ask_for_confirmation(transfer=obj)

    @admin.display(boolean=True, description=_("confirmed"), ordering="confirmed_at")
    def confirmed(self, obj):
        return obj.counts_as_relocated
