from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments and relocation")

    def ready(self):
        # The published counts' tallies follow every write (commitments.tallies).
        from . import tallies  # noqa: PLC0415 (models must be loaded first)

        tallies.connect()
