from typing import Any, Self, TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core import geo
from core.i18n import localized
from core.models import SourcedModel, TimestampedModel, VersionedModel
from core.permissions import is_curator


class Network(SourcedModel, TimestampedModel, VersionedModel):
    """A network of cities, e.g. the inter-EU city solidarity network for refugees."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


_Q = TypeVar("_Q", bound=models.QuerySet[Any])


class CityQuerySet(models.QuerySet["City"]):
    """The staff scope: which cities' records a user may see and change.

    The one rule of who acts for which city. Every other scope derives from it: the
    commitments and agreements querysets (``scoped_to_cities``), the admin's
    ``get_queryset``, the portal's city choices and the cities it reports and confirms
    as (``acted_for_by``).
    """

    def acted_for_by(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """The cities a user works for as staff (a curator too, if attached to one):
        those they report and confirm transfers as, and import commitments for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(staff_memberships__user=user)

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """The cities whose records a user may see and change: every city for
        curators, the cities they act for for staff, none for anyone else."""
        if is_curator(user):
            return self.all()
        return self.acted_for_by(user)


def scoped_to_cities(
    queryset: _Q, user: AbstractBaseUser | AnonymousUser, *city_fields: str
) -> _Q:
    """``queryset`` narrowed to the records whose ``city_fields`` (any of them) name a
    city that ``user`` may act on (``City.objects.for_user``): all for curators.

    A subquery, not a join through the memberships: a join repeats each row once per
    staff member of the city, which inflates sums over the rows.
    """
    if is_curator(user):
        return queryset.all()
    if not user.is_authenticated:
        return queryset.none()
    cities = City.objects.for_user(user).values("pk")
    condition = models.Q()
    for name in city_fields:
        condition |= models.Q(**{f"{name}__in": cities})
    return queryset.filter(condition)


class City(SourcedModel, TimestampedModel, VersionedModel):
    SEARCH_FIELDS = ("name", "leader_name", "profile")

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        METROPOLITAN_AREA = "metropolitan_area", _("metropolitan area")
        REGION = "region", _("region")

    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    country = CountryField(
        _("country"),
        help_text=_("ISO 3166-1 alpha-2 code, e.g. ES for Spain."),
    )
    region = models.CharField(
        _("UN region"), max_length=20, choices=geo.REGION_CHOICES, blank=True, editable=False
    )
    subregion = models.CharField(
        _("UN sub-region"),
        max_length=40,
        choices=geo.SUBREGION_CHOICES,
        blank=True,
        editable=False,
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("website"), blank=True)
    leader_name = models.CharField(_("current leader"), max_length=200, blank=True)
    leader_title = models.CharField(
        _("leader's title"), max_length=100, blank=True, help_text=_("e.g. Mayor")
    )
    profile = models.TextField(
        _("profile"), blank=True, help_text=_("A short profile (Markdown).")
    )
    networks = models.ManyToManyField(
        Network, related_name="cities", blank=True, verbose_name=_("networks")
    )
    history = HistoricalRecords(m2m_fields=[networks])

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        indexes = [
            models.Index(fields=["country"]),
            models.Index(fields=["region"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="city_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="city_longitude_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the active language (English when no translation is given)."""
        return localized(self, "name")

    def get_absolute_url(self) -> str:
        return reverse("cities:detail", args=[self.slug])

    @property
    def country_name(self) -> str:
        return geo.country_name(self.country)

    def clean(self) -> None:
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Give both latitude and longitude, or neither.")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Region and sub-region follow from the country: derived, never typed twice.
        self.region = geo.region_of(self.country)
        self.subregion = geo.subregion_of(self.country)
        super().save(*args, **kwargs)


class CityStaffMembership(models.Model):
    """A user who logs commitments and transfers on behalf of a city."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="city_memberships",
        verbose_name=_("user"),
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="staff_memberships", verbose_name=_("city")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city staff membership")
        verbose_name_plural = _("city staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="unique_city_staff_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.city}"


class Organization(SourcedModel, TimestampedModel, VersionedModel):
    class Kind(models.TextChoices):
        MULTILATERAL = "multilateral", _("multilateral")
        NATIONAL_GOVERNMENT = "national_government", _("national government")
        CITY_NETWORK = "city_network", _("city network")
        CIVIL_SOCIETY = "civil_society", _("civil society")
        ACADEMIC = "academic", _("academic")
        FOUNDATION = "foundation", _("foundation")
        MECHANISM = "mechanism", _("mechanism of a global process")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class SteeringPartner(SourcedModel):
    """An organization that steers another, e.g. UCLG, MMC and IOM steer the Mayors
    Mechanism of the GFMD."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="steering_partnerships",
        verbose_name=_("organization steered"),
    )
    partner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="steers",
        verbose_name=_("steering partner"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "partner__name"]
        verbose_name = _("steering partner")
        verbose_name_plural = _("steering partners")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "partner"], name="unique_steering_partner"
            ),
            models.CheckConstraint(
                condition=~models.Q(organization=models.F("partner")),
                name="steering_partner_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} steers {self.organization}"
