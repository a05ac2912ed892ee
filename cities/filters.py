import django_filters
from django.utils.translation import gettext_lazy as _

from core import geo
from core.filters import PublicFilterSet, SlugMultipleFilter

from .models import City, Network


class CityFilterSet(PublicFilterSet):
    region = django_filters.MultipleChoiceFilter(choices=geo.REGION_CHOICES, label=_("UN region"))
    country = django_filters.MultipleChoiceFilter(choices=geo.COUNTRY_CHOICES, label=_("Country"))
    kind = django_filters.MultipleChoiceFilter(choices=City.Kind.choices, label=_("Kind"))
    network = SlugMultipleFilter(
        field_name="networks", queryset=Network.objects.all(), label=_("Network")
    )
    forum = SlugMultipleFilter(
        field_name="participations__forum",
        queryset=None,
        label=_("Took part in forum"),
    )

    class Meta:
        model = City
        fields = ["q", "region", "country", "kind", "network", "forum"]

    def __init__(self, *args, **kwargs):
        from forums.models import Forum

        super().__init__(*args, **kwargs)
        self.filters["forum"].queryset = Forum.objects.all()
