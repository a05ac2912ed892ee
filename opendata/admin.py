"""Curators publish a release from the admin: one button on the releases' list.

A release is never edited or deleted here: its files are permanent addresses."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import Release
from .releases import ReleaseExists, publish_release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("date", "published_at", "public_page")
    readonly_fields = ("date", "published_at", "checksums", "sizes", "figures", "changes")
    change_list_template = "admin/opendata/release/change_list.html"
    actions = None

    def get_urls(self):
        publish = self.admin_site.admin_view(self.publish_view)
        return [
            path("publish/", publish, name="opendata_release_publish"),
            *super().get_urls(),
        ]

    def publish_view(self, request):
        if request.method != "POST":
            # Only a POST publishes; a GET shows the list and its button.
            return self.changelist_view(request)
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            release = publish_release()
        except ReleaseExists as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Published the release of %(date)s.") % {"date": release.date.isoformat()},
                messages.SUCCESS,
            )
        return redirect("admin:opendata_release_changelist")

    @admin.display(description="page")
    def public_page(self, release):
        return format_html('<a href="{}">{}</a>', release.get_absolute_url(), release)

    def add_view(self, request, form_url="", extra_context=None):
        # A release is made from the record, never typed in: the list's button
        # publishes it, so "add" shows that list.
        return self.changelist_view(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "publish_url": reverse("admin:opendata_release_publish"),
            "can_publish": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)
