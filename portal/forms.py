"""Forms of the staff portal.

Every choice of a city is limited to the cities the user acts for, so a tampered id
is refused by the form (a field error) before anything is saved.
"""

import datetime
import decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import City
from commitments.models import Commitment, ProgressUpdate, Transfer
from core.dates import DatePrecision
from core.forms import IdsModelMultipleChoiceField, VersionedFormMixin


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

    def conflicting_changes(self, current):
        """What the other person changed: the version this form was loaded at (from the
        commitment's history) against the one saved since."""
        loaded = self.cleaned_data.get(self.version_field_name)
        before = (
            current.history.filter(version=loaded).order_by("-history_date").first()
            if loaded
            else None
        )
        if before is None:
            return super().conflicting_changes(current)
        changes = []
        for name in self.fields:
            try:
                field = current._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                continue
            if field.many_to_many:
                continue
            old, new = getattr(before, field.attname), getattr(current, field.attname)
            if old != new:
                changes.append(f"{field.verbose_name}: {old or '–'!s:.80} → {new or '–'!s:.80}")
        for name, value in (current.pending_changes or {}).items():
            if (before.pending_changes or {}).get(name) != value:
                label = current._meta.get_field(name).verbose_name
                changes.append(
                    _("%(field)s (awaiting review): %(value).80s")
                    % {"field": label, "value": value}
                )
        return changes


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


def to_json(value):
    """A reviewed field's value as stored in ``pending_changes``."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value
