from django.core.exceptions import ValidationError
from django.db import models
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


class UpdatedAtField(models.DateTimeField):
    """``auto_now``, except on a save marked ``_keep_updated_at``.

    A change proposed to a published record waits for review: the public still sees
    the approved version, so its "updated" time (and the home page's "recently
    updated" order) must not move until the change is accepted.
    """

    def pre_save(self, model_instance, add):
        if not add and getattr(model_instance, "_keep_updated_at", False):
            return getattr(model_instance, self.attname)
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        # A plain DateTimeField to the migrations: the column is the same.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = UpdatedAtField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class EditConflict(ValidationError):
    """Raised when a form loaded at one version is saved after someone else's save."""


class VersionedModel(models.Model):
    """Optimistic locking: every save bumps ``version``.

    Forms carry the version they were loaded at (see ``core.forms.VersionedFormMixin``)
    and are refused when the row has moved on, so two people editing at once get a
    conflict message instead of one silently overwriting the other.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)


class LoadedRecord(models.Model):
    """What a loading command last wrote to one record (see ``core.loading``).

    A load compares the record as it is now with these values: any difference was made
    by someone else since (a curator's correction, a script, a restore), and the load
    leaves that record alone. Kept apart from the record so that no edit path (admin,
    portal, import, ``QuerySet.update``) has to remember to maintain it.
    """

    loader = models.CharField(max_length=50)
    key = models.CharField(
        max_length=200, help_text="The loader's stable name for the record, e.g. forum:1."
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    values = models.JSONField(help_text="The loaded fields as they were right after the load.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("loaded record")
        verbose_name_plural = _("loaded records")
        constraints = [
            models.UniqueConstraint(fields=["loader", "key"], name="unique_loaded_record_key")
        ]

    def __str__(self):
        return f"{self.loader}: {self.key}"
