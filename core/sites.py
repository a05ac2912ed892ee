"""The admin is the curators' room: city staff work in the portal only.

Django lets anyone with ``is_staff`` into the admin and then asks each model admin
what they may do. Here the site itself asks ``is_curator`` before any admin page,
so an account that has ``is_staff`` by mistake still gets nothing but the login
page, on every admin URL alike (no page tells a non-curator whether a record
exists).
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

from core.permissions import is_curator


class CuratorsAdminSite(AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and is_curator(request.user)

    @property
    def login_form(self):
        # Imported here: the auth forms need the app registry, which is not ready
        # when this module is imported (from INSTALLED_APPS).
        from core.admin import CuratorAuthenticationForm

        return CuratorAuthenticationForm


class CuratorsAdminConfig(AdminConfig):
    default_site = "core.sites.CuratorsAdminSite"
