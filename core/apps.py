from django.apps import AppConfig

# The module, not the class: a class named in this module would be one more candidate
# config for "core" in Django's eyes.
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True  # of the two configs here, the one "core" in INSTALLED_APPS names
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core import signals  # noqa: PLC0415 (models load only once the registry is ready)

        signals.connect()


class CuratorsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the curators' site (``core.admin_site``).

    Declared here rather than in ``core.admin_site`` so that INSTALLED_APPS does not import
    the site, whose login form needs the app registry, before the registry is ready:
    Django imports ``default_site`` only once every app is loaded.
    """

    default = False
    default_site = "core.admin_site.CuratorsAdminSite"
