"""Forms of the staff portal.

Every choice of a city is limited to the cities the user acts for, so a tampered id
is refused by the form (a field error) before anything is saved.
"""

import datetime
import decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import City
from commitments.models import Commitment, ProgressUpdate, Transfer
from core.forms import IdsModelMultipleChoiceField, VersionedFormMixin


class PortalForm:
    """Marks the row of a field with an error so the CSS can show it by the field."""

    error_css_class = "field-error"
    required_css_class = "required"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


COMMITMENT_FIELDS = [
    "title",
    "description",
    "outcome_document",
    "themes",
    "framework_items",
    "status",
    "progress",
    "start_date",
    "target_date",
    "resources_needed",
    "resources_secured",
    "currency",
    "resources_note",
]


class CommitmentForm(PortalForm, VersionedFormMixin, forms.ModelForm):
    """Edit a commitment's content; the city and the workflow fields are not on it."""

    class Meta:
        model = Commitment
        fields = COMMITMENT_FIELDS
        widgets = {
            "start_date": DateInput(),
            "target_date": DateInput(),
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
            "resources_note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {
            "themes": IdsModelMultipleChoiceField,
            "framework_items": IdsModelMultipleChoiceField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
            return field.to_python(pending[field.name])
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


class ReturnForm(PortalForm, forms.Form):
    comment = forms.CharField(
        label=_("What should the city change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the city's staff and shown on their portal."),
    )


class RejectChangesForm(PortalForm, forms.Form):
    comment = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressUpdateForm(PortalForm, forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "text", "percent", "evidence_url"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "text": _("What happened since the last update (Markdown)."),
            "evidence_url": _("A public page or document that shows it, if any."),
        }

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commitment = commitment
        self.fields["date"].initial = timezone.localdate
        self.fields["percent"].initial = commitment.progress


class TransferForm(PortalForm, forms.ModelForm):
    """A transfer under one agreement, reported by the user's city on that agreement."""

    class Meta:
        model = Transfer
        fields = ["reported_by_city", "date", "people", "notes"]
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
        self.fields["date"].initial = timezone.localdate


def to_json(value):
    """A reviewed field's value as stored in ``pending_changes``."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value
