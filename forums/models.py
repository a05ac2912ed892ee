from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cities.models import City, Organization
from core.counts import subquery_count, yes_if_positive
from core.dates import (
    format_date_range,
    format_partial_date,
    precision_field,
    truncate,
)
from core.i18n import localized
from core.models import SourcedModel, TimestampedModel, VersionedModel


class Theme(SourcedModel, TimestampedModel, VersionedModel):
    """A word of the controlled vocabulary (housing, labour mobility, ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the active language (English when no translation is given)."""
        return localized(self, "name")


class Framework(SourcedModel, TimestampedModel, VersionedModel):
    """An international framework that local action serves (SDGs, New Urban Agenda...)."""

    SEARCH_FIELDS = ("name", "code", "description")

    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Short code, e.g. SDG or NUA.")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_es = models.CharField(_("name in Spanish"), max_length=300, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=300, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_precision = precision_field(_("precision of the adoption date"))
    adopted_at = models.CharField(_("adopted at"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the active language (English when no translation is given)."""
        return localized(self, "name")

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", args=[self.code])

    @property
    def adopted_display(self) -> str:
        return format_partial_date(self.adopted_on, self.adopted_precision)


class FrameworkItem(SourcedModel, TimestampedModel, VersionedModel):
    """A goal, target or section of a framework: e.g. SDG-10 and SDG-10.7."""

    SEARCH_FIELDS = ("title", "code", "description")

    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="items", verbose_name=_("framework")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable code used in links and filters, e.g. SDG-10.7."),
    )
    title = models.CharField(_("title"), max_length=500)
    title_es = models.CharField(_("title in Spanish"), max_length=500, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework__code", "code"]
        verbose_name = _("framework item")
        verbose_name_plural = _("framework items")

    def __str__(self) -> str:
        return f"{self.code} – {self.localized_title}"

    @property
    def localized_title(self) -> str:
        """The title in the active language (English when no translation is given)."""
        return localized(self, "title")

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", args=[self.framework.code]) + f"#item-{self.code}"


class ForumQuerySet(models.QuerySet["Forum"]):
    def latest_first(self) -> Self:
        return self.order_by("-start_date", "-edition")


class Forum(SourcedModel, TimestampedModel, VersionedModel):
    """One annual Mayoral Forum."""

    SEARCH_FIELDS = ("title", "theme", "host_city__name", "summary")

    edition = models.PositiveSmallIntegerField(_("edition"), unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    host_city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="hosted_forums", verbose_name=_("host city")
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False, db_index=True)
    start_date = models.DateField(
        _("start date"), help_text=_("For a month-only date, the first of the month.")
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = precision_field(
        _("date precision"),
        help_text=_("How much of the date the source gives: June 2014 is month precision."),
    )
    summary = models.TextField(_("summary"), blank=True)
    cities: "models.ManyToManyField[City, ForumParticipation]" = models.ManyToManyField(
        City, through="ForumParticipation", related_name="forums", verbose_name=_("cities")
    )
    partners: "models.ManyToManyField[Organization, ForumPartner]" = models.ManyToManyField(
        Organization, through="ForumPartner", related_name="forums", verbose_name=_("partners")
    )
    history = HistoricalRecords()

    objects = ForumQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="forum_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:detail", args=[self.slug])

    @property
    def dates_display(self) -> str:
        return format_date_range(self.start_date, self.end_date, self.date_precision)

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.start_date = truncate(self.start_date, self.date_precision)
        self.year = self.start_date.year
        super().save(*args, **kwargs)


class ForumParticipation(SourcedModel):
    class Role(models.TextChoices):
        HOST = "host", _("host")
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="participations", verbose_name=_("forum")
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="participations", verbose_name=_("city")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating city")
        verbose_name_plural = _("participating cities")
        constraints = [models.UniqueConstraint(fields=["forum", "city"], name="unique_forum_city")]

    def __str__(self) -> str:
        return f"{self.city} at {self.forum} ({self.get_role_display()})"


class ForumPartner(SourcedModel):
    class Role(models.TextChoices):
        CO_FOUNDER = "co_founder", _("co-founder")
        CO_ORGANIZER = "co_organizer", _("co-organizer")
        SUPPORTER = "supporter", _("supporter")
        OBSERVER = "observer", _("observer")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("forum")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "organization", "role"], name="unique_forum_partner_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


def validate_pdf(upload: Any) -> None:
    """Only a real, reasonably sized PDF: checks the size and the file's magic bytes."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)d MB at most).")
            % {"size": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("This file is not a PDF."))


class OutcomeDocument(SourcedModel, TimestampedModel, VersionedModel):
    SEARCH_FIELDS = ("title", "summary", "full_text")

    class Kind(models.TextChoices):
        CALL = "call", _("call")
        AGENDA = "agenda", _("agenda")
        COMMITMENT_TO_ACTION = "commitment_to_action", _("commitment to action")
        DECLARATION = "declaration", _("declaration")
        BLUEPRINT = "blueprint", _("blueprint / guidelines")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome_documents",
        verbose_name=_("forum"),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_precision = precision_field(_("precision of the adoption date"))
    summary = models.TextField(_("summary"), blank=True)
    full_text = models.TextField(
        _("full text"), blank=True, help_text=_("Markdown; sanitized when shown.")
    )
    pdf = models.FileField(
        _("PDF"),
        upload_to="outcomes/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        help_text=_("The language the document was adopted in (ISO 639-1, e.g. en, es)."),
    )
    themes = models.ManyToManyField(
        Theme, related_name="outcome_documents", blank=True, verbose_name=_("themes")
    )
    framework_items = models.ManyToManyField(
        FrameworkItem,
        related_name="outcome_documents",
        blank=True,
        verbose_name=_("framework items"),
    )
    endorsing_cities: "models.ManyToManyField[City, Endorsement]" = models.ManyToManyField(
        City,
        through="Endorsement",
        related_name="endorsed_documents",
        verbose_name=_("endorsed by"),
    )
    history = HistoricalRecords(m2m_fields=[themes, framework_items])

    class Meta:
        ordering = ["-adopted_on", "title"]
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outcomes:detail", args=[self.slug])

    @property
    def adopted_display(self) -> str:
        return format_partial_date(self.adopted_on, self.adopted_precision)

    @property
    def year(self) -> int | None:
        return self.adopted_on.year if self.adopted_on else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.adopted_on = truncate(self.adopted_on, self.adopted_precision)
        super().save(*args, **kwargs)


class Clause(models.Model):
    """A numbered clause of an outcome document, which commitments can answer."""

    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="clauses",
        verbose_name=_("outcome document"),
    )
    number = models.CharField(_("number"), max_length=20, help_text=_("e.g. 3 or 3.a"))
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "position", "number"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_clause_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} § {self.number}"


class Endorsement(models.Model):
    document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("outcome document"),
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("city")
    )
    endorsed_on = models.DateField(_("endorsed on"), null=True, blank=True)
    endorsed_precision = precision_field(_("precision of the date"))
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["endorsed_on", "city__name"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(fields=["document", "city"], name="unique_endorsement")
        ]

    def __str__(self) -> str:
        return f"{self.city} endorsed {self.document}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.endorsed_on = truncate(self.endorsed_on, self.endorsed_precision)
        super().save(*args, **kwargs)

    @property
    def endorsed_display(self) -> str:
        return format_partial_date(self.endorsed_on, self.endorsed_precision)


class FigureClaimQuerySet(models.QuerySet["FigureClaim"]):
    def side_by_side(self) -> Self:
        """Figures grouped by what they count, each with its source, for pages that
        show sources that disagree next to each other."""
        return self.select_related("forum", "outcome_document").order_by(
            "counted", "as_of", "value", "pk"
        )


class FigureClaim(SourcedModel, TimestampedModel, VersionedModel):
    """A figure as one source gives it: how many attended a forum, signed a document...

    Sources disagree (Marrakech signatories: 64, 76, 104 "to date"), so the record keeps
    every figure with its own source and date and never picks or averages one. A count
    of endorsing cities is kept here when the cities themselves are not named.
    """

    class Counted(models.TextChoices):
        PARTICIPANTS = "participants", _("participants")
        MAYORS = "mayors", _("mayors")
        MAYORS_AND_OFFICIALS = "mayors_and_officials", _("mayors and city officials")
        LOCAL_GOVERNMENTS = "local_governments", _("cities and regions taking part")
        COUNTRIES = "countries", _("countries taking part")
        ENDORSING_CITIES = "endorsing_cities", _("endorsing cities")
        SIGNATORIES = "signatories", _("signatory local and regional governments")
        ORGANIZATIONS_CONSULTED = (
            "organizations_consulted",
            _("civil-society organizations consulted"),
        )
        ACTIONS = "actions", _("actions and pledges")
        PLEDGES = "pledges", _("pledges")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        MORE_THAN = "more_than", _("more than")
        ABOUT = "about", _("about")

    forum = models.ForeignKey(
        Forum,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("forum"),
    )
    outcome_document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("outcome document"),
    )
    counted = models.CharField(_("what is counted"), max_length=30, choices=Counted.choices)
    value = models.PositiveIntegerField(_("figure"))
    qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    to_date = models.BooleanField(
        _("running count"),
        default=False,
        help_text=_('The source gives a count so far ("to date"), which was still growing.'),
    )
    wording = models.CharField(
        _("the source's words"),
        max_length=200,
        blank=True,
        help_text=_('How the source puts the figure, e.g. "over 170 mayors".'),
    )
    as_of = models.DateField(
        _("date the source gives"),
        null=True,
        blank=True,
        help_text=_("The date of the source or of its count; empty when it gives none."),
    )
    as_of_precision = precision_field(_("precision of the date"))
    history = HistoricalRecords()

    objects = FigureClaimQuerySet.as_manager()

    class Meta:
        ordering = ["counted", "as_of", "value"]
        verbose_name = _("figure with its source")
        verbose_name_plural = _("figures with their sources")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(forum__isnull=False, outcome_document__isnull=True)
                | models.Q(forum__isnull=True, outcome_document__isnull=False),
                name="figure_about_one_forum_or_document",
            ),
            models.CheckConstraint(
                condition=~models.Q(source_url="", source_citation=""),
                name="figure_has_a_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.value_display} {self.get_counted_display()}"

    @property
    def subject(self) -> "Forum | OutcomeDocument | None":
        return self.forum or self.outcome_document

    @property
    def value_display(self) -> str:
        if self.qualifier == self.Qualifier.EXACT:
            return f"{self.value}"
        return f"{self.get_qualifier_display()} {self.value}"

    @property
    def as_of_display(self) -> str:
        return format_partial_date(self.as_of, self.as_of_precision)

    def clean(self) -> None:
        super().clean()
        if (self.forum_id is None) == (self.outcome_document_id is None):
            raise ValidationError(
                _("A figure is about one forum or one outcome document: give exactly one.")
            )
        if not self.source_url and not self.source_citation:
            raise ValidationError(
                {"source_url": _("Give the source of the figure (a link or a citation).")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.as_of = truncate(self.as_of, self.as_of_precision)
        super().save(*args, **kwargs)


class GoodPracticeQuerySet(models.QuerySet["GoodPractice"]):
    def public(self) -> Self:
        """Every good practice is public (curators enter them): the rows the list, its
        downloads, its feed and the API start from."""
        return self.with_replication().select_related("city", "forum")

    def with_replication(self) -> Self:
        """Annotates ``replication_count`` and ``replicated`` ("yes" or "no"), which the
        list's sort, its ``replicated`` filter and facet, the downloads and the API read.
        A subquery, not a join: the list's filters join themes, which would multiply a
        joined count."""
        count = subquery_count(Replication.objects.all(), "practice")
        return self.annotate(replication_count=count).annotate(
            replicated=yes_if_positive("replication_count")
        )


class GoodPractice(SourcedModel, TimestampedModel, VersionedModel):
    """A practice a city presented, and the cities that replicated it."""

    SEARCH_FIELDS = ("title", "description", "city__name")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="good_practices", verbose_name=_("city")
    )
    forum = models.ForeignKey(
        Forum,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="good_practices",
        verbose_name=_("presented at"),
    )
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        Theme, related_name="good_practices", blank=True, verbose_name=_("themes")
    )
    replicated_by: "models.ManyToManyField[City, Replication]" = models.ManyToManyField(
        City, through="Replication", related_name="replicated_practices", blank=True
    )
    history = HistoricalRecords(m2m_fields=[themes])

    objects = GoodPracticeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.slug])


class Replication(models.Model):
    practice = models.ForeignKey(
        GoodPractice, on_delete=models.CASCADE, related_name="replications"
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="replications")
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        constraints = [
            models.UniqueConstraint(fields=["practice", "city"], name="unique_replication")
        ]

    def __str__(self) -> str:
        return f"{self.city} replicated {self.practice}"

    def clean(self) -> None:
        super().clean()
        if self.practice_id and self.city_id and self.practice.city_id == self.city_id:
            raise ValidationError({"city": _("A city cannot replicate its own practice.")})
