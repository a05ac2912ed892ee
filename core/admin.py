"""What every curated admin shares: history, edit conflicts, workflow fields, speed.

- Only curators use the admin (``core.admin_site.CuratorsAdminSite``); city staff work in
  the portal.
- ``CuratedAdmin`` is a ``SimpleHistoryAdmin``: every change is kept with who and when,
  and an earlier version can be restored from the history page.
- The workflow fields of a model (``WORKFLOW_FIELDS``: publication state, review
  comment, verified marks, who reported and confirmed) are read-only in every admin
  form: only the workflow's own actions (``commitments.services``) set them.
- A restore brings back what the form edits (with the many-to-many values kept with
  that version); every other field, the workflow fields first, keeps its current
  value. A restore is a save like any other by a curator in the admin: it applies at
  once, with its history record, and the models' own rules (a verified mark lost
  when the text changes, ...) hold as for any save.
- Its change form refuses a save made from a form loaded before someone else's save
  (``core.forms.VersionedFormMixin``), in the statement that writes, so two curators
  pressing Save at once cannot both be told "saved"; a restore from the history page
  carries the record's current version, so it is checked like any other save.
- Large tables stay fast: no full-table counts, foreign keys through autocomplete, and
  inline rows that label their related records from the rows already fetched.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_m2m_reverse_field_name

from core.forms import VersionedFormMixin, assume_https
from core.models import EditConflict, OutgoingEmail, VersionedModel
from core.permissions import is_curator


def workflow_fields(model):
    """The fields only the workflow's own actions set (declared on the model)."""
    return tuple(getattr(model, "WORKFLOW_FIELDS", ()))


def _with_workflow_fields(model, fields):
    fields = tuple(fields)
    return (*fields, *(name for name in workflow_fields(model) if name not in fields))


class KnownChoiceAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected value from the row already fetched.

    Django's widget runs one query per rendered field to label the selected option;
    in an inline with many rows that is one query per row. The form primes
    ``known_choices`` from the instance's cached related object instead.
    """

    known_choices = None

    def optgroups(self, name, value, attr=None):
        empty = self.choices.field.empty_values
        selected = [str(v) for v in value if str(v) not in empty]
        known = self.known_choices or {}
        if not selected or not all(pk in known for pk in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in selected:
            options.append(self.create_option(name, pk, known[pk], set(selected), len(options)))
        return [(None, options, 0)]


class CuratedFormMixin:
    """Primes autocomplete widgets with the instance's already fetched related objects."""

    #: Set when the form restores an earlier version: the many-to-many values kept
    #: with it (the form would otherwise show today's).
    restored_m2m = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, values in (self.restored_m2m or {}).items():
            if name in self.fields:
                self.initial[name] = values
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                widget = widget.widget
            if not isinstance(widget, KnownChoiceAutocompleteSelect):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.is_cached(self.instance):
                related = model_field.get_cached_value(self.instance)
                if related is not None:
                    widget.known_choices = {str(related.pk): field.label_from_instance(related)}


class CuratedForm(CuratedFormMixin, forms.ModelForm):
    pass


class VersionedCuratedForm(VersionedFormMixin, CuratedForm):
    # Declared (not only added in __init__) so that the admin's fieldsets render it.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    #: Set when the form restores an earlier version: the record's current version.
    current_version = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.current_version is not None:
            # A restore starts from an old version of the record: the save must be
            # checked against (and numbered after) the version in the database now.
            self.initial[self.version_field_name] = self.current_version


class ParentCachedInlineFormSet(forms.BaseInlineFormSet):
    """Each inline row knows its parent without a query (for its label)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk is not None:
            self.fk.set_cached_value(form.instance, self.instance)
        return form


class CuratedFieldsMixin:
    """The fields of every curated admin and inline: workflow fields read-only, links
    assumed https://, foreign keys through the autocomplete that labels from the row."""

    def get_readonly_fields(self, request, obj=None):
        return _with_workflow_fields(self.model, super().get_readonly_fields(request, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoiceAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return super().formfield_for_dbfield(db_field, request, **assume_https(db_field, kwargs))


class CuratedInlineMixin(CuratedFieldsMixin):
    formset: type[forms.BaseInlineFormSet] = ParentCachedInlineFormSet
    form: type[forms.ModelForm] = CuratedForm
    extra = 0
    show_change_link = False


class CuratedTabularInline(CuratedInlineMixin, admin.TabularInline):
    pass


class CuratedStackedInline(CuratedInlineMixin, admin.StackedInline):
    pass


class CuratedAdmin(CuratedFieldsMixin, SimpleHistoryAdmin):
    """Base of every admin of the curated records."""

    form = CuratedForm
    show_full_result_count = False
    list_per_page = 50

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if issubclass(model, VersionedModel):
            if self.form is CuratedForm:
                self.form = VersionedCuratedForm
            assert issubclass(self.form, VersionedCuratedForm), (
                f"{type(self).__name__}.form must subclass VersionedCuratedForm"
            )
            self.readonly_fields = (*self.readonly_fields, "version")

    # Forms, history and restore -------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.model, VersionedModel):
            return fieldsets
        name = VersionedCuratedForm.version_field_name
        listed = {
            field
            for _title, options in fieldsets
            for line in options["fields"]
            for field in (line if isinstance(line, list | tuple) else [line])
        }
        if name in listed:
            return fieldsets
        # Explicit fieldsets must still carry the version the form was loaded at.
        title, options = fieldsets[0]
        return [(title, {**options, "fields": (*options["fields"], name)}), *fieldsets[1:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        history_id = getattr(request, "_restoring_history_id", None)
        if history_id is None or obj is None:
            return form
        current = self.keep_current_values(obj, form)
        attrs = {"restored_m2m": self.historical_m2m(obj, history_id)}
        if issubclass(self.model, VersionedModel):
            attrs["current_version"] = current.version if current else None
        return type(form.__name__, (form,), attrs)

    def keep_current_values(self, restored, form):
        """A restore brings back what the form edits; the rest stays as it is now.

        ``restored`` is the old version rebuilt by simple-history, every field of it
        (publication state, verified mark, ...). Each field the form does not edit
        (read-only, such as the workflow fields, or not shown) gets the value in the
        database now, so the restore page shows, and its save writes, today's values.
        """
        current = self.model._default_manager.filter(pk=restored.pk).first()
        if current is None:
            return None
        for field in self.model._meta.concrete_fields:
            if field.primary_key or field.name in form.base_fields:
                continue
            setattr(restored, field.attname, getattr(current, field.attname))
        return current

    def historical_m2m(self, obj, history_id):
        """The many-to-many values kept with a version (the form would show today's)."""
        key = self.model._meta.pk.attname  # on a historical model, ``pk`` is history_id
        record = self.model.history.filter(**{key: obj.pk, "history_id": history_id}).first()
        values = {}
        for field in getattr(record, "_history_m2m_fields", ()):
            target = get_m2m_reverse_field_name(field)
            rows = getattr(record, field.name).all()
            values[field.name] = [getattr(row, f"{target}_id") for row in rows]
        return values

    def history_view(self, request, object_id, extra_context=None):
        self._check_object_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def _check_object_id(self, object_id, version_id=None):
        # simple-history looks the ids up as they are; a non-numeric one raised ValueError.
        checks = [(self.model._meta.pk, unquote(object_id))]
        if version_id is not None:
            checks.append((self.model.history.model._meta.pk, version_id))
        try:
            for field, value in checks:
                field.to_python(value)
        except ValidationError:
            raise Http404 from None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone else's save came between this form's check and its write, and all
            # of this one (fields, many-to-many, inlines, log) was rolled back. Handled
            # again, the form's check now sees their version and names their changes.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_object_id(object_id, version_id)
        # A restore is a save like any other: checked against the current version as
        # it writes, in one transaction with its many-to-many values and history.
        if request.method == "POST":
            # simple-history saves a restore for anyone who may *view* the history.
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        request._restoring_history_id = version_id
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except EditConflict:  # as in changeform_view
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_queryset(self, request, queryset):
        # One by one, so each deletion is kept in the history.
        for obj in queryset:
            obj._history_user = request.user
            obj.delete()


class CuratedImportExportMixin(ImportExportMixin):
    """CSV import (curators only, previewed, all or nothing) and export of the filtered list."""

    def has_import_permission(self, request):
        return (
            is_curator(request.user)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_queryset(self, request):
        # The changelist answers a filter it does not know with its "?e=1" page; the
        # export page has no such page, and let the error through (a 500).
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters:
            raise BadRequest("A filter this list does not have.") from None


# The mail queue ---------------------------------------------------------------


class OutgoingEmailStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return OutgoingEmail.Status.choices

    def queryset(self, request, queryset):
        if self.value() == OutgoingEmail.Status.SENT:
            return queryset.filter(sent_at__isnull=False)
        if self.value() == OutgoingEmail.Status.FAILING:
            return queryset.failing()
        if self.value() == OutgoingEmail.Status.QUEUED:
            return queryset.unsent().filter(attempts=0)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The mail queue, for curators to see what waits or fails (read-only but for
    "Send again now"); ``manage.py sendmail`` does the sending."""

    list_display = ["subject", "recipients", "status", "attempts", "next_attempt_at",
                    "last_error", "created_at", "sent_at"]  # fmt: skip
    list_filter = [OutgoingEmailStatusFilter]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = ["send_again_now"]
    readonly_fields = ("status", "from_email", "to", "cc", "bcc", "subject", "body",
                       "attempts", "last_error", "next_attempt_at", "created_at",
                       "sent_at")  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("status"))
    def status(self, obj):
        return obj.status.label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again now"), permissions=["change"])
    def send_again_now(self, request, queryset):
        count = queryset.unsent().update(next_attempt_at=timezone.now())
        self.message_user(
            request,
            _("%(count)d email(s) will be sent on the sender's next run.") % {"count": count},
        )
