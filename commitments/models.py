import datetime
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cities.models import City, Network, scoped_to_cities
from core.counts import subquery_count
from core.dates import (
    DatePrecision,
    coarser_precision,
    format_partial_date,
    precision_field,
    truncate,
)
from core.models import SourcedModel, TimestampedModel, VersionedModel
from core.permissions import is_curator
from forums.models import Clause, FrameworkItem, OutcomeDocument, Theme, validate_pdf


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.STALE_AFTER_DAYS)


# What the derived flags and figures mean: ONE text each, the home of the rule beside
# its query below, read by the API's schema, the data dictionary (/data/), the filters
# and the pages' badges.
OVERDUE_MEANING = _(
    "True when the commitment is open (neither achieved, withdrawn nor of unreported "
    "state) and its target date has passed."
)


def _stale_meaning() -> str:
    # Read when shown, so that it says the STALE_AFTER_DAYS in force.
    return gettext(
        "True when the commitment is open (neither achieved, withdrawn nor of unreported "
        "state) and has had no progress update for {days} days, counted from its last "
        "update or, if it has none, from its publication."
    ).format(days=settings.STALE_AFTER_DAYS)


STALE_MEANING = lazy(_stale_meaning, str)()
LAST_UPDATE_MEANING = _("Date of the latest progress update, if any.")
RELOCATED_MEANING = _(
    "Number of people relocated: the people of transfers confirmed by the other city."
)
AWAITING_MEANING = _(
    "People of transfers reported and not yet confirmed (not counted as relocated)."
)
REMAINING_MEANING = _(
    "People pledged and not yet reported as moved, so that pledged = relocated + "
    "awaiting confirmation + remaining."
)


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def published(self) -> Self:
        """What the public may see: the only starting point of every public view."""
        return self.filter(publication_state=Commitment.PublicationState.PUBLISHED)

    # The published count: ONE definition, used by the lists (outcome documents,
    # frameworks) and the API.
    def published_count_per(self, lookup: str) -> Any:
        """An expression: how many published commitments have ``lookup`` equal to the
        outer row (0 for none), e.g. ``City.objects.annotate(n=Commitment.objects
        .published_count_per("city"))``. A subquery, not ``Count()``: a list's filters
        join many-valued relations (themes, networks), which would inflate a join."""
        return subquery_count(self.published(), lookup, distinct=True)

    def involving(self, city: City | int) -> Self:
        """Commitments a city made, as the lead city or as a partner."""
        partners = CommitmentPartner.objects.filter(city=city).values("commitment")
        return self.filter(Q(city=city) | Q(pk__in=partners))

    def published_by_initiative(self) -> list[tuple[str, int, datetime.date | None]]:
        """``[(initiative, count, latest start date)]`` of the published commitments,
        most first: what the record holds and where it comes from, in one query."""
        return list(
            self.published()
            .order_by()
            .values("initiative")
            .annotate(count=models.Count("pk"), newest=models.Max("start_date"))
            .order_by("-count", "initiative")
            .values_list("initiative", "count", "newest")
        )

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """What a user may see and change in the portal and the admin.

        Curators: everything. City staff: their own cities' commitments, whatever the
        state. Anyone else: nothing.
        """
        return scoped_to_cities(self, user, "city")

    # Overdue and stale are derived, not stored: one definition each, used by the pages,
    # the filters, the downloads and the API.
    def _flag_aliases(self, today: datetime.date) -> Self:
        # Neither closed nor of unknown state: a source that gives no state says
        # nothing of being late or stale.
        closed = Commitment.SETTLED
        cutoff = stale_cutoff(today)
        return self.alias(
            _last_update_on=Subquery(
                ProgressUpdate.objects.filter(commitment=OuterRef("pk"))
                .order_by("-date")
                .values("date")[:1]
            ),
            # A commitment that never had an update is stale counting from its
            # publication (from its creation while it is not published).
            _stale_since=TruncDate(Coalesce("published_at", "created_at")),
        ).alias(
            # The last update, or else the publication: the last update's subquery
            # runs once per row, not once per side of an OR.
            _stale_from=Coalesce("_last_update_on", "_stale_since"),
            # CASE, not a bare condition: never NULL (no target date, no update), so
            # that "not overdue" and "not stale" select the complement exactly.
            _is_overdue=Case(
                When(Q(target_date__lt=today) & ~Q(status__in=closed), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            _is_stale=Case(
                When(~Q(status__in=closed) & Q(_stale_from__lt=cutoff), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def with_flags(self, today: datetime.date | None = None) -> Self:
        """Annotates ``last_update_on``, ``is_overdue`` and ``is_stale``: see
        ``OVERDUE_MEANING`` and ``STALE_MEANING``."""
        today = today or timezone.localdate()
        return self._flag_aliases(today).annotate(
            last_update_on=F("_last_update_on"),
            is_overdue=F("_is_overdue"),
            is_stale=F("_is_stale"),
        )

    def overdue(self, value: bool = True, today: datetime.date | None = None) -> Self:
        """Overdue commitments (``value=False``: those that are not)."""
        qs = self._flag_aliases(today or timezone.localdate())
        return qs.filter(_is_overdue=value)

    def stale(self, value: bool = True, today: datetime.date | None = None) -> Self:
        """Stale commitments (``value=False``: those that are not)."""
        qs = self._flag_aliases(today or timezone.localdate())
        return qs.filter(_is_stale=value)


class Commitment(SourcedModel, TimestampedModel, VersionedModel):
    SEARCH_FIELDS = ("title", "city__name", "description")
    #: Set by the review workflow's actions (``services``) only: read-only in every
    #: admin form, kept as they are by a restore from the history.
    WORKFLOW_FIELDS = (
        "publication_state",
        "submitted_at",
        "published_at",
        "review_comment",
        "pending_changes",
    )

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        ACHIEVED = "achieved", _("achieved")
        STALLED = "stalled", _("stalled")
        WITHDRAWN = "withdrawn", _("withdrawn")
        # A record from a public page that gives no state: never a guessed status.
        NOT_REPORTED = "not_reported", _("not reported")

    #: Neither overdue nor stale, whatever the dates (``OVERDUE_MEANING``).
    SETTLED = (Status.ACHIEVED, Status.WITHDRAWN, Status.NOT_REPORTED)

    class Initiative(models.TextChoices):
        """Where a commitment was pledged or reported, as its source says."""

        CALL_TO_LOCAL_ACTION = "call_to_local_action", _("Call to Local Action")
        UN_NETWORK_PLEDGE = "un_network_pledge", _("UN Network on Migration pledge")
        GFMD_PLATFORM = "gfmd_platform", _("GFMD Platform for Partnerships")
        GLOBAL_CITIES_FUND = "global_cities_fund", _("Global Cities Fund")
        LOCAL_COALITION = "local_coalition", _("Local Coalition for Migrants and Refugees")
        PORTAL = "portal", _("the city, through this site")
        CITY = "city", _("the city's own announcement")
        OTHER = "other", _("other public report")

    class PublicationState(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for review")
        PUBLISHED = "published", _("published")
        RETURNED = "returned", _("returned to the city")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("city")
    )
    outcome_document = models.ForeignKey(
        OutcomeDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("outcome document"),
        help_text=_("The outcome document this commitment answers, if any."),
    )
    clauses = models.ManyToManyField(
        Clause,
        related_name="commitments",
        blank=True,
        verbose_name=_("clauses answered"),
        help_text=_("Clauses of the outcome document that this commitment answers."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown; sanitized when shown.")
    )
    themes = models.ManyToManyField(
        Theme, related_name="commitments", blank=True, verbose_name=_("themes")
    )
    framework_items = models.ManyToManyField(
        FrameworkItem, related_name="commitments", blank=True, verbose_name=_("framework items")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_precision = precision_field(_("precision of the start date"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    target_precision = precision_field(_("precision of the target date"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Progress in percent (0 to 100); empty when not reported, never counted as "
            "zero or in an average."
        ),
    )
    reported_state = models.CharField(
        _("state in the source's words"),
        max_length=200,
        blank=True,
        help_text=_("What the source says of the state, e.g. “grant awarded”."),
    )
    initiative = models.CharField(
        _("initiative"),
        max_length=30,
        choices=Initiative.choices,
        default=Initiative.PORTAL,
        db_index=True,
        help_text=_("The pledging initiative or report the commitment comes from."),
    )
    partner_cities: "models.ManyToManyField[City, CommitmentPartner]" = models.ManyToManyField(
        City,
        through="CommitmentPartner",
        related_name="partner_commitments",
        blank=True,
        verbose_name=_("partner cities"),
        help_text=_("Other cities that made this commitment with the lead city."),
    )
    answers = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_by",
        verbose_name=_("answers"),
        help_text=_("The pledge this one matches or answers, if any."),
    )
    resources_needed = models.DecimalField(
        _("resources needed"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("An amount cannot be negative."))],
    )
    resources_secured = models.DecimalField(
        _("resources secured"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("An amount cannot be negative."))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. EUR or USD.")
    )
    resources_note = models.TextField(
        _("resources"),
        blank=True,
        help_text=_("Where additional resources are required (plain text)."),
    )
    publication_state = models.CharField(
        _("publication state"),
        max_length=20,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
    )
    review_comment = models.TextField(
        _("curator's comment"), blank=True, help_text=_("Shown to the city when returned.")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # A change proposed by city staff to a published commitment: the public keeps
    # seeing the approved values until a curator accepts it.
    pending_changes = models.JSONField(_("changes awaiting review"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords(m2m_fields=[themes, framework_items, clauses])

    objects = CommitmentQuerySet.as_manager()

    # A form that edits the clauses sets this to the ones it is about to save: a form
    # saves many-to-many fields only after the model is cleaned, so clean() would
    # otherwise judge the clauses saved before.
    clauses_to_save = None

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["publication_state", "status"]),
            models.Index(fields=["publication_state", "-updated_at"]),
            models.Index(fields=["target_date"]),
            # What the public list's counts read (by status, initiative, outcome, year;
            # by the lead city's region, country or name): a narrow copy of the
            # published rows, read without the table on PostgreSQL. (SQLite has no
            # covering index, and makes none.)
            models.Index(
                fields=["city"],
                include=["id", "status", "initiative", "outcome_document", "start_date"],
                condition=Q(publication_state="published"),
                name="commitment_published_facets",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="commitment_progress_0_100",
            ),
            models.CheckConstraint(
                condition=~Q(status="achieved") | Q(progress=100),
                name="commitment_achieved_at_100",
            ),
            # A target known only to the month or the year is stored as the first day
            # of its period, so it may precede a start in the same period: clean()
            # compares such dates at the coarser precision.
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gte=F("start_date"))
                | ~Q(target_precision=DatePrecision.DAY),
                name="commitment_target_not_before_start_at_precision",
            ),
            models.CheckConstraint(
                condition=Q(resources_needed__isnull=True) | Q(resources_needed__gte=0),
                name="commitment_resources_needed_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(resources_secured__isnull=True) | Q(resources_secured__gte=0),
                name="commitment_resources_secured_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.pk])

    @property
    def overdue(self) -> bool:
        if hasattr(self, "is_overdue"):
            annotated: bool = self.is_overdue  # by with_flags()
            return annotated
        return bool(
            self.target_date
            and self.target_date < timezone.localdate()
            and self.status not in self.SETTLED
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors["progress"] = _("Progress is a percentage between 0 and 100.")
        # Achieved with its progress not reported is what a source may say.
        if self.status == self.Status.ACHIEVED and self.progress not in (None, 100):
            errors["progress"] = _("An achieved commitment is at 100% progress.")
        if self.start_date and self.target_date:
            coarser = coarser_precision(self.start_precision, self.target_precision)
            if truncate(self.target_date, coarser) < truncate(self.start_date, coarser):
                errors["target_date"] = _("The target date cannot be before the start date.")
        if self.currency and (len(self.currency) != 3 or not self.currency.isalpha()):
            errors["currency"] = _("Use a three-letter ISO 4217 code such as EUR.")
        errors.update(self._clause_errors())
        if errors:
            raise ValidationError(errors)

    def _clause_errors(self) -> dict[str, Any]:
        """The clauses answered must be clauses of the commitment's outcome document."""
        if self.clauses_to_save is not None:
            documents = {clause.document_id for clause in self.clauses_to_save}
            field = "clauses"
        elif self.pk is not None:
            documents = set(self.clauses.values_list("document_id", flat=True))
            # Without the clauses on the form, the outcome document is what changed.
            field = "outcome_document"
        else:
            return {}
        if not documents:
            return {}
        if self.outcome_document_id is None:
            return {"outcome_document": _("Clauses answered need their outcome document.")}
        if documents == {self.outcome_document_id}:
            return {}
        if field == "clauses":
            return {field: _("Choose clauses of the outcome document this commitment answers.")}
        return {field: _("This commitment answers clauses of another outcome document.")}

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start_date, self.start_precision)

    @property
    def target_display(self) -> str:
        return format_partial_date(self.target_date, self.target_precision)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.currency:
            self.currency = self.currency.upper()
        self.start_date = truncate(self.start_date, self.start_precision)
        self.target_date = truncate(self.target_date, self.target_precision)
        super().save(*args, **kwargs)


class CommitmentPartner(SourcedModel):
    """A partner city of a commitment several cities made (a city-to-city partnership,
    a joint pledge), with the source that names it and its role."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="partnerships"
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("city")
    )
    role = models.CharField(_("role"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("partner city")
        verbose_name_plural = _("partner cities")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "city"], name="unique_commitment_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.city} – {self.commitment}"


class ProgressUpdate(TimestampedModel):
    """A dated report of progress on a commitment: the public timeline."""

    #: What a curator's verification vouches for: a change to any of them (moving the
    #: update to another commitment too) takes the verified mark away.
    VERIFIED_CONTENT = ("commitment_id", "date", "date_precision", "text", "percent",
                        "evidence_url", "evidence_file")  # fmt: skip
    WORKFLOW_FIELDS = ("reported_by_city", "verified", "verified_by", "verified_at")

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("commitment")
    )
    date = models.DateField(_("date"))
    date_precision = precision_field(_("precision of the date"))
    text = models.TextField(_("what happened"), help_text=_("Markdown; sanitized when shown."))
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Empty when the report gives no share done."),
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    # Checked like an outcome document's PDF: extension, size and the PDF magic bytes.
    evidence_file = models.FileField(
        _("evidence document (PDF)"),
        upload_to="evidence/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
        help_text=_("A PDF that shows it, if any; shown publicly with the update."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_by_city = models.BooleanField(
        _("reported by the city"),
        default=True,
        help_text=_("Self-reported by the city's staff (unticked: entered by a curator)."),
    )
    verified = models.BooleanField(_("verified by a curator"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [
            models.Index(fields=["commitment", "-date"]),
            # Newest first, as the home page and the feeds list them ((date, id): a day
            # can hold thousands of updates, which -date alone would all read and sort).
            models.Index(fields=["-date", "-id"], name="progressupdate_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="progress_update_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} – {self.date_display}"

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    def _content(self, name: str) -> Any:
        value = getattr(self, name)
        # A file compares by its stored name ("" when there is none).
        return (value.name or "") if name == "evidence_file" else value

    def clean(self) -> None:
        super().clean()
        if self.percent is not None and not 0 <= self.percent <= 100:
            raise ValidationError({"percent": _("Progress is a percentage between 0 and 100.")})
        if self.date and truncate(self.date, self.date_precision) > timezone.localdate():
            raise ValidationError({"date": _("A progress update cannot be dated in the future.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.date = truncate(self.date, self.date_precision)
        # A curator verified what the update said then; once its content changes, the
        # public must not see the new content marked as verified.
        if self.pk is not None and self.verified:
            before = type(self).objects.filter(pk=self.pk).values(*self.VERIFIED_CONTENT).first()
            if before and any(before[name] != self._content(name) for name in before):
                self.verified, self.verified_by, self.verified_at = False, None, None
        super().save(*args, **kwargs)


# People relocated: ONE definition, used by the agreement page, the lists, the home
# page, the charts, the API, the downloads and the feeds.
#
# A transfer counts as relocated once it is confirmed (``confirmed_at`` is set): one
# party city reports it and the other confirms it. A transfer the secretariat entered
# (``reported_by_city`` empty) counts on the same condition, so no figure rests on one
# side's word alone; until then it is shown beside the total as awaiting confirmation.
# The pledge limit is another matter: it counts every transfer, confirmed or not
# (``agreement.transfers.people()``), so that what is awaiting confirmation can never
# push the total past the pledge once it is confirmed.
RELOCATED = Q(confirmed_at__isnull=False)


class TransferQuerySet(models.QuerySet["Transfer"]):
    def relocated(self) -> Self:
        """Transfers that count as relocated (see ``RELOCATED``)."""
        return self.filter(RELOCATED)

    def awaiting_confirmation(self) -> Self:
        """Transfers reported and not yet confirmed: shown beside, never in, the total."""
        return self.exclude(RELOCATED)

    def people(self) -> int:
        """Sum of ``people`` over these transfers (0 when there are none)."""
        total: int = self.aggregate(total=Coalesce(Sum("people"), Value(0)))["total"]
        return total


def _people_of(transfers: TransferQuerySet) -> Coalesce:
    """A subquery: the people of ``transfers`` (a Transfer queryset) per agreement row."""
    return Coalesce(
        Subquery(
            transfers.filter(agreement=OuterRef("pk"))
            .order_by()
            .values("agreement")
            .annotate(total=Sum("people"))
            .values("total"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _people_sums() -> dict[str, Any]:
    """The sums of the agreements' people figures, for ``aggregate`` or a grouped
    ``annotate``."""
    return {
        "pledged": Coalesce(Sum("people_pledged"), Value(0)),
        "relocated": Coalesce(Sum(_people_of(Transfer.objects.relocated())), Value(0)),
        "awaiting": Coalesce(Sum(_people_of(Transfer.objects.awaiting_confirmation())), Value(0)),
        "count": models.Count("pk"),
    }


class RelocationAgreementQuerySet(models.QuerySet["RelocationAgreement"]):
    def with_totals(self) -> Self:
        """Annotates the agreement's figures, each from the one definition above:
        ``relocated`` (``RELOCATED_MEANING``), ``awaiting`` (``AWAITING_MEANING``, split
        by who reported them into ``awaiting_by_origin``, ``awaiting_by_destination``
        and ``awaiting_by_secretariat``) and ``remaining`` (``REMAINING_MEANING``).

        Subqueries, not a join: a join with the transfers would multiply rows that
        another join (staff memberships, themes) also multiplies.
        """
        pending = Transfer.objects.awaiting_confirmation()
        return self.annotate(
            relocated=_people_of(Transfer.objects.relocated()),
            awaiting_by_origin=_people_of(pending.filter(reported_by_city=OuterRef("origin"))),
            awaiting_by_destination=_people_of(
                pending.filter(reported_by_city=OuterRef("destination"))
            ),
            awaiting_by_secretariat=_people_of(pending.filter(reported_by_city__isnull=True)),
        ).annotate(
            awaiting=F("awaiting_by_origin")
            + F("awaiting_by_destination")
            + F("awaiting_by_secretariat"),
            remaining=F("people_pledged")
            - F("relocated")
            - F("awaiting_by_origin")
            - F("awaiting_by_destination")
            - F("awaiting_by_secretariat"),
        )

    def people_totals(self) -> dict[str, int]:
        """``{pledged, relocated, awaiting, count}`` of these agreements, in one query:
        the figures of the home page and the charts' summaries."""
        return self.order_by().aggregate(**_people_sums())

    def people_totals_by(self, *fields: str) -> Any:
        """The same figures per group of ``fields`` (e.g. the receiving city): one
        query, one dict per group with the ``fields`` and the four figures."""
        return self.order_by().values(*fields).annotate(**_people_sums())

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """Agreements a user may record transfers for: their cities on either side."""
        return scoped_to_cities(self, user, "origin", "destination")


class RelocationAgreement(SourcedModel, TimestampedModel, VersionedModel):
    SEARCH_FIELDS = ("origin__name", "destination__name", "notes")

    class PopulationGroup(models.TextChoices):
        REFUGEES = "refugees", _("refugees")
        ASYLUM_SEEKERS = "asylum_seekers", _("asylum seekers")
        UNACCOMPANIED_MINORS = "unaccompanied_minors", _("unaccompanied minors")
        MIGRANT_WORKERS = "migrant_workers", _("migrant workers")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        SIGNED = "signed", _("signed")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        SUSPENDED = "suspended", _("suspended")
        #: The cities agreed; a national government must still approve the move.
        PENDING_APPROVAL = "pending_approval", _("agreed, pending approval")

    origin = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        related_name="agreements_as_origin",
        verbose_name=_("origin city"),
    )
    destination = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        related_name="agreements_as_destination",
        verbose_name=_("destination city"),
    )
    population_group = models.CharField(
        _("population group"),
        max_length=30,
        choices=PopulationGroup.choices,
        default=PopulationGroup.REFUGEES,
    )
    people_pledged = models.PositiveIntegerField(_("people pledged"))
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("network"),
    )
    framework_item = models.ForeignKey(
        FrameworkItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("framework item"),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_precision = precision_field(_("precision of the signing date"))
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SIGNED, db_index=True
    )
    reported_state = models.CharField(
        _("state in the source's words"),
        max_length=200,
        blank=True,
        help_text=_("What the source says of the state, e.g. who must still approve it."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = RelocationAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("relocation agreement")
        verbose_name_plural = _("relocation agreements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(origin=F("destination")), name="agreement_origin_not_destination"
            ),
            models.CheckConstraint(
                condition=Q(people_pledged__gte=1), name="agreement_pledge_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="agreement_period_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return _("%(origin)s → %(destination)s: %(people)s %(group)s") % {
            "origin": self.origin,
            "destination": self.destination,
            "people": self.people_pledged,
            "group": self.get_population_group_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("commitments:relocation-detail", args=[self.pk])

    @property
    def signed_display(self) -> str:
        return format_partial_date(self.signed_on, self.signed_precision)

    @property
    def year(self) -> int | None:
        return self.signed_on.year if self.signed_on else None

    def relocated_total(self) -> int:
        if hasattr(self, "relocated"):
            annotated: int = self.relocated  # by with_totals()
            return annotated
        return self.transfers.relocated().people()

    def awaiting_confirmation(self) -> list[dict[str, Any]]:
        """Who reported the people awaiting confirmation, and who must confirm them:
        a list of {"people", "reported_by", "to_confirm"} (city names; the secretariat's
        transfers wait for both cities), from the figures ``with_totals()`` annotates."""
        rows = [
            (self.awaiting_by_origin, self.origin, self.destination),  # type: ignore[attr-defined]
            (self.awaiting_by_destination, self.destination, self.origin),  # type: ignore[attr-defined]
            (self.awaiting_by_secretariat, None, None),  # type: ignore[attr-defined]
        ]
        return [
            {"people": people, "reported_by": reported_by, "to_confirm": to_confirm}
            for people, reported_by, to_confirm in rows
            if people
        ]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.origin_id and self.destination_id and self.origin_id == self.destination_id:
            errors["destination"] = _("The destination must differ from the origin.")
        if self.people_pledged is not None and self.people_pledged < 1:
            errors["people_pledged"] = _("At least one person must be pledged.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The end of the period cannot be before its start.")
        if self.pk and self.people_pledged is not None:
            # Every transfer counts against the pledge, confirmed or not.
            reported = self.transfers.people()
            if reported > self.people_pledged:
                errors["people_pledged"] = _(
                    "%(relocated)d people have already been relocated; the pledge cannot be lower."
                ) % {"relocated": reported}
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.signed_on = truncate(self.signed_on, self.signed_precision)
        super().save(*args, **kwargs)


class Transfer(TimestampedModel):
    """People who actually moved under an agreement.

    Who reported it and who confirmed it is the workflow's (``services.record_transfer``
    and ``services.confirm_transfer``): a transfer one city reported counts as confirmed
    by both once the other city confirms it; one the secretariat entered (no reporting
    city) once both cities have, the first of them kept in ``first_confirmation_city``.
    """

    WORKFLOW_FIELDS = (
        "reported_by_city",
        "confirmed_at",
        "confirmed_by",
        "first_confirmation_city",
    )

    agreement = models.ForeignKey(
        RelocationAgreement,
        on_delete=models.CASCADE,
        related_name="transfers",
        verbose_name=_("agreement"),
    )
    date = models.DateField(_("date"))
    date_precision = precision_field(_("precision of the date"))
    people = models.PositiveIntegerField(_("people"))
    notes = models.TextField(_("notes"), blank=True)
    reported_by_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by city"),
        help_text=_("Empty when a curator entered it."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed by both cities"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    first_confirmation_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed so far by"),
        help_text=_(
            "A transfer the secretariat entered: the city that confirmed it while the other "
            "has not yet."
        ),
    )
    history = HistoricalRecords()

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=Q(people__gte=1), name="transfer_at_least_one_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.people} – {self.date_display}"

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    @property
    def counts_as_relocated(self) -> bool:
        """``RELOCATED`` for a transfer already in memory (a chart of its agreement)."""
        return self.confirmed_at is not None

    def clean(self) -> None:
        """Checks the rules that need the agreement; ``record_transfer`` re-checks under lock."""
        super().clean()
        errors: dict[str, Any] = {}
        if self.people is not None and self.people < 1:
            errors["people"] = _("A transfer moves at least one person.")
        if self.date and truncate(self.date, self.date_precision) > timezone.localdate():
            errors["date"] = _("A transfer cannot be dated in the future.")
        agreement = self.agreement if self.agreement_id else None
        # Compared at the coarser of the two precisions: a transfer in "2016" is not
        # before an agreement signed in June 2016.
        coarser = coarser_precision(
            self.date_precision, agreement.signed_precision if agreement else None
        )
        if (
            agreement
            and self.date
            and agreement.signed_on
            and truncate(self.date, coarser) < truncate(agreement.signed_on, coarser)
        ):
            errors["date"] = _(
                "A transfer cannot be dated before the agreement was signed (%(d)s)."
            ) % {"d": agreement.signed_display}
        if agreement and self.people and "people" not in errors:
            # Every transfer counts against the pledge, confirmed or not.
            others = agreement.transfers.exclude(pk=self.pk).people()
            if others + self.people > agreement.people_pledged:
                errors["people"] = _(
                    "This would bring the people relocated to %(total)d, more than the "
                    "%(pledged)d pledged (%(left)d remaining)."
                ) % {
                    "total": others + self.people,
                    "pledged": agreement.people_pledged,
                    "left": max(agreement.people_pledged - others, 0),
                }
        if agreement:
            self._check_reporting_and_confirmation(agreement, errors)
        if errors:
            raise ValidationError(errors)

    def _check_reporting_and_confirmation(
        self, agreement: "RelocationAgreement", errors: dict[str, Any]
    ) -> None:
        # Non-field errors: the admin's forms show these fields read-only.
        parties = (agreement.origin_id, agreement.destination_id)
        problems = []
        if self.reported_by_city_id is not None and self.reported_by_city_id not in parties:
            problems.append(_("Only a city that is party to the agreement reports its transfers."))
        if (
            self.reported_by_city_id is None
            and self._state.adding
            and self.reported_by_id is not None
            and not is_curator(self.reported_by)  # type: ignore[arg-type]  # not None: checked above
        ):
            problems.append(_("Only the secretariat enters a transfer for no city."))
        first = self.first_confirmation_city_id
        if first is not None and (self.reported_by_city_id is not None or first not in parties):
            problems.append(
                _("Only a transfer the secretariat entered waits for both cities to confirm it.")
            )
        if self.confirmed_at is not None and self.reported_by_city_id is None and first is None:
            problems.append(
                _("A transfer the secretariat entered is confirmed once both cities confirm it.")
            )
        if problems:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(problems)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The pledge must hold even when two transfers are saved at the same moment:
        # lock the agreement row, then re-check the total inside the transaction.
        with transaction.atomic():
            agreement = RelocationAgreement.objects.select_for_update().get(pk=self.agreement_id)
            self.agreement = agreement
            self.date = truncate(self.date, self.date_precision)
            self.clean()
            super().save(*args, **kwargs)
