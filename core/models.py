from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class SourcedModel(models.Model):
    """A record that states facts says where a reader can check them."""

    source_url = models.URLField(
        _("source link"),
        max_length=500,
        blank=True,
        help_text=_("Where the facts can be checked."),
    )
    source_citation = models.CharField(
        _("source citation"),
        max_length=500,
        blank=True,
        help_text=_("Author, title, publisher and date of the source, for readers."),
    )

    class Meta:
        abstract = True


# Not subscripted: Django's fields are generic for mypy only (without django-stubs-ext).
class UpdatedAtField(models.DateTimeField):  # type: ignore[type-arg]
    """``auto_now``, except on a save marked ``_keep_updated_at``.

    A change proposed to a published record waits for review: the public still sees
    the approved version, so its "updated" time (and the home page's "recently
    updated" order) must not move until the change is accepted.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if not add and getattr(model_instance, "_keep_updated_at", False):
            return getattr(model_instance, self.attname)
        return super().pre_save(model_instance, add)

    def deconstruct(self) -> tuple[str, str, Any, Any]:
        # A plain DateTimeField to the migrations: the column is the same.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = UpdatedAtField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class EditConflict(ValidationError):
    """A save made from a version of a record that is no longer the current one."""


class VersionedModel(models.Model):
    """Optimistic locking: every save numbers the record's next version.

    An edit form carries the version it was loaded at (see
    ``core.forms.VersionedFormMixin``) and hands it to the save as
    ``expected_version``. The save then compares and bumps in the one statement that
    writes, ``UPDATE … SET version = <loaded> + 1 WHERE pk = … AND version = <loaded>``:
    of two people who press Save at once from the same version, one writes and the
    other's UPDATE matches no row, so it raises ``EditConflict`` and its transaction
    (fields, many-to-many values, history) is rolled back. A check in ``clean()``
    alone is not enough: in 50 trials of four people saving at once on PostgreSQL,
    180 saves were reported as done and 175 of them were lost (the record often held
    one person's fields and another's themes). Like an IntegrityError,
    ``EditConflict`` spoils an enclosing atomic block: catch it outside one (the
    forms and views do).

    A save with no expected version (a service that has just read the row, a command)
    is not checked, but its number is still the database's: ``version + 1`` in the
    UPDATE, read back in the same transaction, so two saves never share a number.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    #: The version an editor loaded; the next save writes only over that version.
    expected_version: int | None = None

    class Meta:
        abstract = True

    def save(self, *args: Any, expected_version: int | None = None, **kwargs: Any) -> None:
        if expected_version is not None:
            self.expected_version = expected_version
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # Fixtures load through ``save_base(raw=True)`` and keep their numbers; only a
        # save through here takes the next one.
        self._numbering_version = True
        try:
            with transaction.atomic(using=using, savepoint=False):
                super().save(*args, **kwargs)
        finally:
            self._numbering_version = False
        self.expected_version = None

    def _do_update(
        self,
        base_qs: models.QuerySet[Self],
        using: str | None,
        pk_val: Any,
        values: Collection[tuple[Any, type[models.Model] | None, Any]],
        update_fields: Iterable[str] | None,
        forced_update: bool,
    ) -> bool:
        if not getattr(self, "_numbering_version", False):
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        field = self._meta.get_field("version")
        kept = [value for value in values if value[0] is not field]
        expected = self.expected_version
        if expected is None:
            kept.append((field, None, F("version") + 1))
            updated = super()._do_update(
                base_qs, using, pk_val, kept, update_fields, forced_update
            )
            if updated:
                self.version = base_qs.filter(pk=pk_val).values_list("version", flat=True).get()
            return updated
        kept.append((field, None, expected + 1))
        if super()._do_update(
            base_qs.filter(version=expected), using, pk_val, kept, update_fields, forced_update
        ):
            self.version = expected + 1
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise EditConflict(
                _("Someone else saved this record while you were editing it."), code="conflict"
            )
        raise EditConflict(_("This record was deleted while you were editing it."), code="deleted")


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def unsent(self) -> Self:
        return self.filter(sent_at__isnull=True)

    def due(self, now: datetime) -> Self:
        return self.unsent().filter(next_attempt_at__lte=now)

    def failing(self) -> Self:
        return self.unsent().filter(attempts__gt=0)


class OutgoingEmail(models.Model):
    """An email waiting in the database until ``manage.py sendmail`` delivers it.

    Every email the site sends is written here by ``core.mail.OutboxBackend``, in the
    same transaction as the change it is about: a rolled-back change sends nothing, and
    a mail server that is down neither breaks the save nor loses the message. The
    sender retries a failed message with exponential backoff (``next_attempt_at``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        FAILING = "failing", _("failing")
        SENT = "sent", _("sent")

    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    from_email = models.CharField(_("from"), max_length=300)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def status(self) -> "OutgoingEmail.Status":
        if self.sent_at:
            return self.Status.SENT
        return self.Status.FAILING if self.attempts else self.Status.QUEUED
