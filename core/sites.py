"""The admin site: every admin view refuses a query string it cannot look up safely.

A NUL byte in a filter, a search or an autocomplete term reaches PostgreSQL, which
refuses it (a 500), while SQLite silently matches nothing. No record contains one
(forms refuse them), so such a request is refused with 400 before any view runs,
for every admin view at once: the changelists, autocomplete, history, import and
export pages that the apps and django-import-export add.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import BadRequest


def has_nul_byte(query):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class CuratorsAdminSite(admin.AdminSite):
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
