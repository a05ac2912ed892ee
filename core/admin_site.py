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

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import BadRequest

from core.permissions import is_curator


def has_nul_byte(query):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class CuratorAuthenticationForm(AdminAuthenticationForm):
    """The admin's login takes curators only; city staff sign in to the portal."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_curator(user):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class CuratorsAdminSite(AdminSite):
    login_form = CuratorAuthenticationForm

    def has_permission(self, request):
        return super().has_permission(request) and is_curator(request.user)

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def refuse_nul_bytes(request, *args, **kwargs):
            if has_nul_byte(request.GET):
                raise BadRequest("A NUL byte in the query string.")
            return checked(request, *args, **kwargs)

        return refuse_nul_bytes
