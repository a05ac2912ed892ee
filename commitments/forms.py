"""What every form that edits a commitment shares, in the admin and in the portal."""

import datetime

from django.utils.text import Truncator

from core.forms import GroupedModelMultipleChoiceField, natural_key


class ClausesFormMixin:
    """Has Commitment.clean() judge the clauses chosen on the form, not those saved.

    Django saves many-to-many values after the model is cleaned; without this, a
    form that changes the outcome document and its clauses together would be judged
    against the old clauses.
    """

    def clean(self):
        # Before the other checks, which may raise: the model is cleaned regardless.
        if "clauses" in self.fields:
            # A refused value has its own error by the field; judge the rest as empty.
            self.instance.clauses_to_save = list(self.cleaned_data.get("clauses") or [])
        return super().clean()


class FrameworkItemsField(GroupedModelMultipleChoiceField):
    """Framework items grouped by framework, in their natural order (GCM-2 before
    GCM-10)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("framework"), **kwargs)

    def group_of(self, item):
        return item.framework.code, item.framework.name

    def sort_key(self, item):
        return item.framework.code, natural_key(item.code)


class ClausesField(GroupedModelMultipleChoiceField):
    """Clauses grouped by outcome document, in the documents' order of adoption."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("document"), **kwargs)

    def group_of(self, clause):
        return clause.document_id, clause.document.title

    def sort_key(self, clause):
        document = clause.document
        adopted = document.adopted_on or datetime.date.max
        return adopted, document.title, document.pk, clause.position, natural_key(clause.number)

    def label_from_instance(self, clause):
        return f"§ {clause.number} – {Truncator(clause.text).chars(160)}"
