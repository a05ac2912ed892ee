import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cities.models import City
from core import geo
from core.filters import PublicFilterSet, SlugMultipleFilter, TrueFalseFilter, YearFilter
from forums.models import Forum, FrameworkItem, OutcomeDocument, Theme

from .models import (
    OVERDUE_MEANING,
    STALE_MEANING,
    Commitment,
    CommitmentPartner,
    RelocationAgreement,
)

COUNTRY_CHOICES = geo.COUNTRY_CHOICES


def lead_or_partner(qs, path, value):
    """Commitments whose lead city or one of whose partner cities has ``path`` in
    ``value`` ("city", "city__country"...): ``pk IN`` a union of both sides, which
    meets no row twice and reads each side by its index (an OR of the two would make
    the database test every row of the table). The leads are looked for among the
    rows of ``qs`` (the published ones), which an index of their cities holds."""
    if not value:
        return qs
    leads = qs.filter(**{f"{path}__in": value}).order_by().values("pk")
    partners = CommitmentPartner.objects.filter(**{f"{path}__in": value}).values("commitment")
    return qs.filter(pk__in=leads.union(partners))


class LeadOrPartnerCityFilter(SlugMultipleFilter):
    def filter(self, qs, value):
        return lead_or_partner(qs, "city", value)


class LeadOrPartnerChoiceFilter(django_filters.MultipleChoiceFilter):
    def filter(self, qs, value):
        return lead_or_partner(qs, self.field_name, value)


class CommitmentFilterSet(PublicFilterSet):
    # A commitment of several cities is found under each of them.
    city = LeadOrPartnerCityFilter(field_name="city", queryset=City.objects.all(), label=_("City"))
    country = LeadOrPartnerChoiceFilter(
        field_name="city__country", choices=COUNTRY_CHOICES, label=_("Country")
    )
    region = LeadOrPartnerChoiceFilter(
        field_name="city__region", choices=geo.REGION_CHOICES, label=_("UN region")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Commitment.Status.choices, label=_("Status")
    )
    initiative = django_filters.MultipleChoiceFilter(
        choices=Commitment.Initiative.choices, label=_("Initiative")
    )
    theme = SlugMultipleFilter(field_name="themes", queryset=Theme.objects.all(), label=_("Theme"))
    framework = SlugMultipleFilter(
        field_name="framework_items",
        to_field_name="code",
        queryset=FrameworkItem.objects.all(),
        label=_("Framework item"),
    )
    outcome = SlugMultipleFilter(
        field_name="outcome_document",
        queryset=OutcomeDocument.objects.all(),
        label=_("Outcome document"),
    )
    forum = SlugMultipleFilter(
        field_name="outcome_document__forum", queryset=Forum.objects.all(), label=_("Forum")
    )
    year = YearFilter(field_name="start_date__year", label=_("Year started"))
    overdue = TrueFalseFilter(
        method="filter_overdue", label=_("Overdue"), help_text=OVERDUE_MEANING
    )
    stale = TrueFalseFilter(method="filter_stale", label=_("Stale"), help_text=STALE_MEANING)

    class Meta:
        model = Commitment
        fields = [
            "q", "city", "country", "region", "status", "initiative", "theme", "framework",
            "outcome",
            "forum", "year", "overdue", "stale",
        ]  # fmt: skip

    def filter_overdue(self, qs, name, value):
        return qs.overdue(value)

    def filter_stale(self, qs, name, value):
        return qs.stale(value)


class EitherSideFilter(SlugMultipleFilter):
    """A city on either side of an agreement."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(Q(origin__in=value) | Q(destination__in=value))


class EitherSideCountryFilter(django_filters.MultipleChoiceFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(Q(origin__country__in=value) | Q(destination__country__in=value))


class RelocationFilterSet(PublicFilterSet):
    city = EitherSideFilter(queryset=City.objects.all(), label=_("City (either side)"))
    origin = SlugMultipleFilter(
        field_name="origin", queryset=City.objects.all(), label=_("Origin city")
    )
    destination = SlugMultipleFilter(
        field_name="destination", queryset=City.objects.all(), label=_("Destination city")
    )
    country = EitherSideCountryFilter(choices=COUNTRY_CHOICES, label=_("Country (either side)"))
    status = django_filters.MultipleChoiceFilter(
        choices=RelocationAgreement.Status.choices, label=_("Status")
    )
    group = django_filters.MultipleChoiceFilter(
        field_name="population_group",
        choices=RelocationAgreement.PopulationGroup.choices,
        label=_("Population group"),
    )
    year = YearFilter(field_name="signed_on__year", label=_("Year signed"))

    class Meta:
        model = RelocationAgreement
        fields = ["q", "city", "origin", "destination", "country", "status", "group", "year"]
