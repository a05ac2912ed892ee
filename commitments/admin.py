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
    acting_city_ids,
)
from core.permissions import is_curator
from core.text import render_markdown

from . import services
from .models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from .resources import CommitmentResource, ProgressUpdateResource


class ReturnToCityForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the city change?"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Sent to the city's staff and shown with the commitment in the portal."),
    )


CURATOR_ONLY_UPDATE_FIELDS = ("reported_by_city", "verified")


def _published_for_staff(request, obj):
    """A published commitment seen by a non-curator (who may only propose changes)."""
    published = Commitment.PublicationState.PUBLISHED
    return obj is not None and obj.publication_state == published and not is_curator(request.user)


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
    readonly_fields = ("reported_by", "verified_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reported_by", "verified_by")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if is_curator(request.user):
            return fields
        # Whether an update is verified, and by whom it is reported, is the curators' word.
        return (*fields, *CURATOR_ONLY_UPDATE_FIELDS)


@admin.register(Commitment)
class CommitmentAdmin(CuratedImportExportMixin, CuratedAdmin):
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
        "publication_state",
        "submitted_at",
        "published_at",
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
    staff_city_fields = ("city",)

    def get_queryset(self, request):
        queryset = Commitment.objects.for_user(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def acts_for(self, user, obj):
        return obj.city_id in acting_city_ids(user)

    def has_change_permission(self, request, obj=None):
        # A published commitment changes only through review (the portal proposes the
        # changes): staff may look at it here but not edit it directly.
        if _published_for_staff(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if _published_for_staff(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if is_curator(request.user) else (*fields, "review_comment")

    def has_review_permission(self, request):
        return is_curator(request.user) and self.has_change_permission(request)

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
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for update in formset.deleted_objects:
            update.delete()
        for update in instances:
            if update.pk is None and update.reported_by_id is None:
                update.reported_by = request.user
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

    @admin.action(description=_("Publish the selected commitments"), permissions=["review"])
    def publish_selected(self, request, queryset):
        published = 0
        for commitment in queryset.exclude(
            publication_state=Commitment.PublicationState.PUBLISHED
        ).select_related("city"):
            services.publish(commitment, request.user)
            published += 1
        self.message_user(
            request,
            ngettext("%d commitment published.", "%d commitments published.", published)
            % published,
            messages.SUCCESS if published else messages.WARNING,
        )

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
                    services.return_to_city(commitment, request.user, form.cleaned_data["comment"])
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
        context = {
            **self.admin_site.each_context(request),
            "title": _("Return commitments to their cities"),
            "opts": self.model._meta,
            "form": form,
            "commitments": submitted[:50],
            "submitted_count": total,
            "more_count": max(total - 50, 0),
            "selected_pks": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/commitments/commitment/return_to_city.html", context
        )

    @admin.action(
        description=_("Accept the changes proposed to the selected commitments"),
        permissions=["review"],
    )
    def accept_changes(self, request, queryset):
        accepted = 0
        for commitment in queryset.exclude(pending_changes={}).select_related("city"):
            try:
                services.accept_pending_changes(commitment, request.user)
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("“%(title)s”: the proposed changes break a rule (%(error)s); not accepted.")
                    % {"title": commitment.title, "error": "; ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                accepted += 1
        self.message_user(
            request,
            ngettext(
                "Changes accepted on %d commitment.",
                "Changes accepted on %d commitments.",
                accepted,
            )
            % accepted,
            messages.SUCCESS if accepted else messages.WARNING,
        )

    @admin.action(
        description=_("Reject the changes proposed to the selected commitments"),
        permissions=["review"],
    )
    def reject_changes(self, request, queryset):
        rejected = 0
        for commitment in queryset.exclude(pending_changes={}):
            services.reject_pending_changes(commitment, request.user)
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
    readonly_fields = (
        "text_preview",
        "reported_by",
        "verified_by",
        "verified_at",
        "created_at",
        "updated_at",
    )
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

    def scope_queryset(self, queryset, user):
        return queryset.filter(commitment__in=Commitment.objects.for_user(user))

    def acts_for(self, user, obj):
        return obj.commitment.city_id in acting_city_ids(user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if is_curator(request.user) else (*fields, *CURATOR_ONLY_UPDATE_FIELDS)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment" and not is_curator(request.user):
            kwargs["queryset"] = Commitment.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("commitment__city")

    def save_model(self, request, obj, form, change):
        if not change and obj.reported_by_id is None:
            obj.reported_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("city"), ordering="commitment__city__name")
    def city(self, obj):
        return obj.commitment.city

    @admin.action(description=_("Mark the selected progress updates as verified"))
    def verify_selected(self, request, queryset):
        verified = 0
        for update in queryset.filter(verified=False):
            services.verify_update(update, request.user)
            verified += 1
        self.message_user(
            request,
            ngettext("%d progress update verified.", "%d progress updates verified.", verified)
            % verified,
            messages.SUCCESS if verified else messages.WARNING,
        )

    def has_verify_permission(self, request):
        return is_curator(request.user) and self.has_change_permission(request)

    verify_selected.allowed_permissions = ("verify",)


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
    fields = (
        "date",
        "people",
        "notes",
        "reported_by_city",
        "reported_by",
        "confirmed_at",
    )
    readonly_fields = ("reported_by", "confirmed_at")
    autocomplete_fields = ["reported_by_city"]

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
    staff_city_fields = ("origin", "destination")

    def get_queryset(self, request):
        queryset = RelocationAgreement.objects.all()
        if not is_curator(request.user):
            # ``for_user`` joins staff memberships on both sides: filter by id so that
            # the join cannot multiply the transfers that ``with_totals`` adds up.
            allowed = RelocationAgreement.objects.for_user(request.user).values("pk")
            queryset = queryset.filter(pk__in=allowed)
        queryset = queryset.select_related("origin", "destination").with_totals()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def acts_for(self, user, obj):
        cities = acting_city_ids(user)
        return obj.origin_id in cities or obj.destination_id in cities

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
            if transfer.pk is None and transfer.reported_by_id is None:
                transfer.reported_by = request.user
            transfer.save()
        formset.save_m2m()


@admin.register(Transfer)
class TransferAdmin(CuratedAdmin):
    list_display = ("agreement", "date", "people", "reported_by_city", "confirmed")
    list_filter = ("agreement__status",)
    list_select_related = ("agreement__origin", "agreement__destination", "reported_by_city")
    search_fields = ("agreement__origin__name", "agreement__destination__name", "=agreement__id")
    autocomplete_fields = ["agreement", "reported_by_city"]
    readonly_fields = ("reported_by", "confirmed_at", "confirmed_by", "created_at", "updated_at")
    staff_city_fields = ("reported_by_city",)

    def scope_queryset(self, queryset, user):
        return queryset.filter(agreement__in=RelocationAgreement.objects.for_user(user))

    def acts_for(self, user, obj):
        cities = acting_city_ids(user)
        agreement = obj.agreement
        return agreement.origin_id in cities or agreement.destination_id in cities

    def _own_unconfirmed(self, request, obj):
        """Staff change only what their city reported and the other has not confirmed."""
        return (
            obj is None
            or is_curator(request.user)
            or (
                obj.confirmed_at is None
                and obj.reported_by_city_id in acting_city_ids(request.user)
            )
        )

    def has_change_permission(self, request, obj=None):
        return self._own_unconfirmed(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._own_unconfirmed(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agreement" and not is_curator(request.user):
            kwargs["queryset"] = RelocationAgreement.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and obj.reported_by_id is None:
            obj.reported_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description=_("confirmed"), ordering="confirmed_at")
    def confirmed(self, obj):
        return obj.confirmed_at is not None
