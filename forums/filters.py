import django_filters
from django.utils.translation import gettext_lazy as _

from cities.models import City, Network
from core import geo
from core.filters import PublicFilterSet, SlugMultipleFilter, YearFilter

from .models import Forum, Framework, FrameworkItem, GoodPractice, OutcomeDocument, Theme


class CityFilterSet(PublicFilterSet):
    """The cities list. It lives here, not in ``cities/``, for its ``forum`` filter:
    which forums a city took part in is the forums app's to know (cities sit below)."""

    region = django_filters.MultipleChoiceFilter(choices=geo.REGION_CHOICES, label=_("UN region"))
    country = django_filters.MultipleChoiceFilter(choices=geo.COUNTRY_CHOICES, label=_("Country"))
    kind = django_filters.MultipleChoiceFilter(choices=City.Kind.choices, label=_("Kind"))
    network = SlugMultipleFilter(
        field_name="networks", queryset=Network.objects.all(), label=_("Network")
    )
    forum = SlugMultipleFilter(
        field_name="participations__forum",
        queryset=Forum.objects.all(),
        label=_("Took part in forum"),
    )

    class Meta:
        model = City
        fields = ["q", "region", "country", "kind", "network", "forum"]


class ForumFilterSet(PublicFilterSet):
    year = YearFilter(field_name="year", label=_("Year"))
    country = django_filters.MultipleChoiceFilter(
        field_name="host_city__country",
        choices=geo.COUNTRY_CHOICES,
        label=_("Host country"),
    )

    class Meta:
        model = Forum
        fields = ["q", "year", "country"]


class OutcomeFilterSet(PublicFilterSet):
    forum = SlugMultipleFilter(field_name="forum", queryset=Forum.objects.all(), label=_("Forum"))
    kind = django_filters.MultipleChoiceFilter(
        choices=OutcomeDocument.Kind.choices, label=_("Kind")
    )
    year = YearFilter(field_name="adopted_on__year", label=_("Year adopted"))
    theme = SlugMultipleFilter(field_name="themes", queryset=Theme.objects.all(), label=_("Theme"))
    endorsed_by = SlugMultipleFilter(
        field_name="endorsements__city", queryset=City.objects.all(), label=_("Endorsed by")
    )

    class Meta:
        model = OutcomeDocument
        fields = ["q", "forum", "kind", "year", "theme", "endorsed_by"]


YES_NO = [("yes", _("yes")), ("no", _("no"))]


class PracticeFilterSet(PublicFilterSet):
    theme = SlugMultipleFilter(field_name="themes", queryset=Theme.objects.all(), label=_("Theme"))
    city = SlugMultipleFilter(
        field_name="city", queryset=City.objects.all(), label=_("City that presented it")
    )
    region = django_filters.MultipleChoiceFilter(
        field_name="city__region", choices=geo.REGION_CHOICES, label=_("UN region")
    )
    # ``replicated`` is an annotation of the list's queryset (see practices_with_counts).
    replicated = django_filters.MultipleChoiceFilter(choices=YES_NO, label=_("Replicated"))

    class Meta:
        model = GoodPractice
        fields = ["q", "theme", "city", "region", "replicated"]


class FrameworkFilterSet(PublicFilterSet):
    class Meta:
        model = Framework
        fields = ["q"]


class FrameworkItemFilterSet(PublicFilterSet):
    # ``answered`` is an annotation of the items' queryset (see framework_views).
    answered = django_filters.MultipleChoiceFilter(
        choices=YES_NO, label=_("Answered by a published commitment")
    )

    class Meta:
        model = FrameworkItem
        fields = ["q", "answered"]
