from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import CuratedAdmin, CuratedImportExportMixin, CuratedTabularInline

from .models import City, CityStaffMembership, Network, Organization, SteeringPartner
from .resources import CityResource


@admin.register(Network)
class NetworkAdmin(CuratedAdmin):
    list_display = ("name", "slug", "updated_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")


class CityStaffInline(CuratedTabularInline):
    model = CityStaffMembership
    fk_name = "city"
    autocomplete_fields = ["user"]
    verbose_name = _("staff member")
    verbose_name_plural = _("staff who act for this city")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(City)
class CityAdmin(CuratedImportExportMixin, CuratedAdmin):
    resource_classes = [CityResource]
    list_display = ("name", "kind", "country", "region", "subregion", "population", "updated_at")
    list_filter = ("kind", "region", "subregion", "networks")
    search_fields = ("name", "slug", "leader_name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["networks"]
    readonly_fields = ("region", "subregion", "created_at", "updated_at")
    inlines = [CityStaffInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "country", "region", "subregion")}),
        (
            _("Profile"),
            {
                "fields": (
                    "population",
                    "latitude",
                    "longitude",
                    "website",
                    "leader_name",
                    "leader_title",
                    "profile",
                    "networks",
                )
            },
        ),
        (_("Source"), {"fields": ("source_url", "source_citation")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return City.objects.for_user(request.user)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("networks")


@admin.register(CityStaffMembership)
class CityStaffMembershipAdmin(CuratedAdmin):
    list_display = ("user", "city", "created_at")
    list_select_related = ("user", "city")
    search_fields = ("user__username", "user__email", "city__name")
    autocomplete_fields = ["user", "city"]
    readonly_fields = ("created_at",)


class SteeringPartnerInline(CuratedTabularInline):
    model = SteeringPartner
    fk_name = "organization"
    autocomplete_fields = ["partner"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


@admin.register(Organization)
class OrganizationAdmin(CuratedAdmin):
    list_display = ("name", "kind", "website", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = [SteeringPartnerInline]


# The User admin, with the cities each user acts for -------------------------------


class CityStaffMembershipInline(CuratedTabularInline):
    model = CityStaffMembership
    fk_name = "user"
    autocomplete_fields = ["city"]
    verbose_name = _("city this user acts for")
    verbose_name_plural = _("cities this user acts for")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city")


User = get_user_model()

if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [CityStaffMembershipInline]
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    show_full_result_count = False
