"""The admin site: the curators' room, and no query string it cannot look up safely.

Django lets anyone with ``is_staff`` into the admin and then asks each model admin
what they may do. Here the site itself asks ``is_curator`` before any admin page,
so an account that has ``is_staff`` by mistake still gets nothing but the login
page, on every admin URL alike (no page tells a non-curator whether a record
exists). City staff work in the portal only.

A NUL byte in a filter, a search or an autocomplete term reaches PostgreSQL, which
refuses it (a 500), while SQLite silently matches nothing. No record contains one
(forms refuse them), so such a request is refused with 400 before any view runs,
for every admin view at once: the changelists, autocomplete, history, import and
export pages that the apps and django-import-export add.
"""

from functools import wraps

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import BadRequest

from core.permissions import is_curator


def has_nul_byte(query):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class CuratorsAdminSite(AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and is_curator(request.user)

    @property
    def login_form(self):
        # Imported here: the auth forms need the app registry, which is not ready
        # when this module is imported (from INSTALLED_APPS).
        from core.admin import CuratorAuthenticationForm

        return CuratorAuthenticationForm

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def refuse_nul_bytes(request, *args, **kwargs):
            if has_nul_byte(request.GET):
                raise BadRequest("A NUL byte in the query string.")
            return checked(request, *args, **kwargs)

        return refuse_nul_bytes


class CuratorsAdminConfig(AdminConfig):
    default_site = "core.sites.CuratorsAdminSite"
