"""Forms of the staff portal.

Every choice of a city is limited to the cities the user acts for, so a tampered id
is refused by the form (a field error) before anything is saved.
"""

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import City
from commitments import services
from commitments.forms import ClausesField, ClausesFormMixin, FrameworkItemsField
from commitments.models import Commitment, ProgressUpdate, Transfer
from core.dates import DatePrecision
from core.forms import IdsModelMultipleChoiceField, VersionedFormMixin, model_formfield
from core.widgets import CheckboxPicker


class PortalForm:
    """Marks the row of a field with an error so the CSS can show it by the field."""

    error_css_class = "field-error"
    required_css_class = "required"

    def _optional_precisions(self, *names):
        # A date known to the day unless the person says otherwise: a form posted
        # without the choice (an older page, a script) keeps working.
        for name in names:
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = _(
                    "How much of the date is known: a month or year date is shown "
                    "as “June 2014” or “2016” (any day of that period will do above)."
                )

    def _clean_precision(self, name):
        return self.cleaned_data.get(name) or DatePrecision.DAY

    def clean_start_precision(self):
        return self._clean_precision("start_precision")

    def clean_target_precision(self):
        return self._clean_precision("target_precision")

    def clean_date_precision(self):
        return self._clean_precision("date_precision")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


COMMITMENT_FIELDS = [
    "title",
    "description",
    "outcome_document",
    "clauses",
    "themes",
    "framework_items",
    "status",
    "progress",
    "start_date",
    "start_precision",
    "target_date",
    "target_precision",
    "resources_needed",
    "resources_secured",
    "currency",
    "resources_note",
    "source_url",
    "source_citation",
]


class CommitmentForm(PortalForm, ClausesFormMixin, VersionedFormMixin, forms.ModelForm):
    """Edit a commitment's content; the city and the workflow fields are not on it."""

    class Meta:
        model = Commitment
        formfield_callback = model_formfield
        fields = COMMITMENT_FIELDS
        widgets = {
            "start_date": DateInput(),
            "target_date": DateInput(),
            "themes": forms.CheckboxSelectMultiple,
            "framework_items": CheckboxPicker(search_label=_("Find a framework item")),
            "clauses": CheckboxPicker(
                search_label=_("Find a clause"),
                follows="outcome_document",
                follows_hint=_("Choose the outcome document first: its clauses appear here."),
            ),
            "description": forms.Textarea(attrs={"rows": 6}),
            "resources_note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {
            "themes": IdsModelMultipleChoiceField,
            "framework_items": FrameworkItemsField,
            "clauses": ClausesField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._optional_precisions("start_precision", "target_precision")
        self.fields["source_url"].help_text = _(
            "Optional: where a reader can check this commitment (a link)…"
        )
        self.fields["source_citation"].help_text = _(
            "…or a citation: author, title, publisher and date."
        )
        # The database refuses negative amounts; say so by the field, in words.
        for name in ("resources_needed", "resources_secured"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = 0

    def clean_currency(self):
        # Stored upper-case; normalising here keeps "eur" from reading as a change.
        return (self.cleaned_data.get("currency") or "").strip().upper()

    # A published commitment's form shows the version as proposed (approved values
    # with the pending ones over them), so a conflict compares proposals too.

    def record_value(self, record, field):
        pending = record.pending_changes or {}
        if field.name in pending:
            return services.decode_pending(field.name, pending[field.name])
        return super().record_value(record, field)

    def change_label(self, current, field):
        label = super().change_label(current, field)
        if field.name in (current.pending_changes or {}):
            return _("%(field)s (awaiting review)") % {"field": label}
        return label


class CommitmentCreateForm(CommitmentForm):
    """A new commitment, as a draft, for one of the user's cities."""

    class Meta(CommitmentForm.Meta):
        fields = ["city", *COMMITMENT_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cities = City.objects.for_user(user).order_by("name")
        self.fields["city"].queryset = cities
        self.fields["city"].error_messages["invalid_choice"] = _(
            "Choose one of the cities you work for."
        )
        if not self.is_bound and "city" not in self.initial:
            only = list(cities[:2])
            if len(only) == 1:
                self.initial["city"] = only[0].pk


class ReviewForm(PortalForm, forms.Form):
    """A curator's decision on the version of a commitment their page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, commitment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if commitment is not None:
            self.initial.setdefault("version", commitment.version)
        # A hidden field: whatever is wrong with it, the curator can only reload.
        reload = _("This form does not say which version you reviewed: reload the page.")
        for code in ("required", "invalid", "min_value"):
            self.fields["version"].error_messages[code] = reload


class ReturnForm(ReviewForm):
    comment = forms.CharField(
        label=_("What should the city change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the city's staff and shown on their portal."),
    )


class RejectChangesForm(ReviewForm):
    comment = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressUpdateForm(PortalForm, forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        formfield_callback = model_formfield
        fields = ["date", "date_precision", "text", "percent", "evidence_url", "evidence_file"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "text": _("What happened since the last update (Markdown)."),
            "evidence_url": _("A public page or document that shows it, if any."),
            "evidence_file": _("Or a PDF that shows it (10 MB at most); it is public."),
        }

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commitment = commitment
        self._optional_precisions("date_precision")
        self.fields["date"].initial = timezone.localdate
        self.fields["percent"].initial = commitment.progress


class TransferForm(PortalForm, forms.ModelForm):
    """A transfer under one agreement, reported by the user's city on that agreement."""

    class Meta:
        model = Transfer
        formfield_callback = model_formfield
        fields = ["reported_by_city", "date", "date_precision", "people", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"reported_by_city": _("Reported by")}

    def __init__(self, *args, agreement, reporting_cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        field = self.fields["reported_by_city"]
        field.queryset = reporting_cities
        field.error_messages["invalid_choice"] = _("Choose your own city on this agreement.")
        choices = list(reporting_cities)
        # Staff always report for their city; only a curator may leave it empty.
        field.required = bool(choices)
        field.empty_label = None if choices else _("(entered by the secretariat)")
        field.help_text = ""
        if len(choices) == 1:
            self.initial.setdefault("reported_by_city", choices[0].pk)
        self._optional_precisions("date_precision")
        self.fields["date"].initial = timezone.localdate


# CSV import of commitments -----------------------------------------------------------


class CommitmentImportForm(PortalForm, forms.Form):
    """A CSV file of commitments, read into a dataset for the preview."""

    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "The columns of the commitments download: id (empty for a new commitment), "
            "city, title, description, outcome, themes and framework_items (several "
            "separated by ;), status, progress, start_date, target_date, resources_needed, "
            "resources_secured, currency, resources_note, source_url. UTF-8."
        ),
    )

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8.")
            ) from None
        if "\x00" in text:
            raise forms.ValidationError(_("The file is not a CSV file."))
        return text


class ConfirmImportForm(forms.Form):
    """The file the person previewed, signed so that what is applied is what they saw."""

    # Named like Form.data (the submitted values), which a declared field replaces only
    # in the form's fields, not as an attribute: mypy cannot tell the two apart.
    data = forms.CharField(widget=forms.HiddenInput)  # type: ignore[assignment]

    max_age = 60 * 60

    def __init__(self, *args, user, text=None, **kwargs):
        self.salt = f"portal.commitment-import.{user.pk}"
        if text is not None:
            kwargs["initial"] = {"data": signing.dumps(text, salt=self.salt, compress=True)}
        super().__init__(*args, **kwargs)

    def clean_data(self):
        try:
            return signing.loads(self.cleaned_data["data"], salt=self.salt, max_age=self.max_age)
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This preview has expired; choose the file again.")
            ) from None
