from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReleaseQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-date")


class Release(models.Model):
    """A dated release of the whole public record, frozen as files.

    The files are under ``RELEASES_ROOT/<date>/`` and never change once written;
    this row keeps what the release page shows without opening them: the checksum of
    each file, the headline figures and what changed since the previous release.
    """

    date = models.DateField(_("date"), unique=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    checksums = models.JSONField(
        _("checksums"), default=dict, help_text=_("SHA-256 of each file, by file name.")
    )
    sizes = models.JSONField(_("sizes"), default=dict, help_text=_("Bytes of each file."))
    figures = models.JSONField(_("headline figures"), default=dict)
    changes = models.JSONField(_("changes since the previous release"), default=dict, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("data release")
        verbose_name_plural = _("data releases")
        ordering = ["-date"]

    def __str__(self):
        return self.date.isoformat()

    def get_absolute_url(self):
        return reverse("opendata:release", args=[self.date.isoformat()])

    def file_url(self, name):
        return reverse("opendata:release-file", args=[self.date.isoformat(), name])
