from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import CuratedAdmin, CuratedStackedInline, CuratedTabularInline

from .models import (
    Clause,
    Endorsement,
    FigureClaim,
    Forum,
    ForumParticipation,
    ForumPartner,
    Framework,
    FrameworkItem,
    GoodPractice,
    OutcomeDocument,
    Replication,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(CuratedAdmin):
    list_display = ("name", "name_es", "name_fr", "slug", "updated_at")
    search_fields = ("name", "name_es", "name_fr", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")


@admin.register(Framework)
class FrameworkAdmin(CuratedAdmin):
    list_display = ("code", "name", "adopted_display", "adopted_at")
    search_fields = ("code", "name", "name_es", "name_fr")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("adopted"), ordering="adopted_on")
    def adopted_display(self, obj):
        return obj.adopted_display


@admin.register(FrameworkItem)
class FrameworkItemAdmin(CuratedAdmin):
    list_display = ("code", "title", "framework", "parent")
    list_filter = ("framework",)
    list_select_related = ("framework", "parent")
    search_fields = ("code", "title", "title_es", "title_fr")
    autocomplete_fields = ["framework", "parent"]
    readonly_fields = ("created_at", "updated_at")


class ParticipationInline(CuratedTabularInline):
    model = ForumParticipation
    autocomplete_fields = ["city"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city")


class PartnerInline(CuratedTabularInline):
    model = ForumPartner
    autocomplete_fields = ["organization"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


class FigureInline(CuratedStackedInline):
    """Figures as their sources give them; several may disagree, and all are kept."""

    model = FigureClaim
    fields = (
        ("counted", "value", "qualifier", "to_date"),
        "wording",
        ("as_of", "as_of_precision"),
        ("source_url", "source_citation"),
    )


class ForumFigureInline(FigureInline):
    fk_name = "forum"


class OutcomeFigureInline(FigureInline):
    fk_name = "outcome_document"


@admin.register(Forum)
class ForumAdmin(CuratedAdmin):
    list_display = ("edition", "title", "host_city", "dates_display", "year")
    list_display_links = ("edition", "title")
    list_filter = ("year", "host_city__region")
    list_select_related = ("host_city",)
    search_fields = ("title", "theme", "slug", "host_city__name")
    autocomplete_fields = ["host_city"]
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("year", "created_at", "updated_at")
    inlines = [ParticipationInline, PartnerInline, ForumFigureInline]

    @admin.display(description=_("dates"), ordering="start_date")
    def dates_display(self, obj):
        return obj.dates_display


class ClauseInline(CuratedStackedInline):
    model = Clause
    fields = (("number", "position"), "text")


class EndorsementInline(CuratedTabularInline):
    model = Endorsement
    autocomplete_fields = ["city"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city")


@admin.register(OutcomeDocument)
class OutcomeDocumentAdmin(CuratedAdmin):
    list_display = ("title", "kind", "forum", "adopted_display", "language")
    list_filter = ("kind", "forum", "language", "themes")
    list_select_related = ("forum",)
    search_fields = ("title", "slug", "summary")
    autocomplete_fields = ["forum", "themes", "framework_items"]
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = [ClauseInline, EndorsementInline, OutcomeFigureInline]

    @admin.display(description=_("adopted"), ordering="adopted_on")
    def adopted_display(self, obj):
        return obj.adopted_display


@admin.register(FigureClaim)
class FigureClaimAdmin(CuratedAdmin):
    list_display = ("__str__", "counted", "value", "qualifier", "as_of", "source_url")
    list_filter = ("counted", "forum", "outcome_document")
    list_select_related = ("forum", "outcome_document")
    search_fields = ("wording", "source_citation", "forum__title", "outcome_document__title")
    autocomplete_fields = ["forum", "outcome_document"]
    readonly_fields = ("created_at", "updated_at")


@admin.register(Clause)
class ClauseAdmin(CuratedAdmin):
    list_display = ("document", "number", "short_text")
    list_filter = ("document",)
    list_select_related = ("document",)
    search_fields = ("number", "text", "document__title")
    autocomplete_fields = ["document"]

    def get_queryset(self, request):
        # Autocomplete results label a clause by its document.
        return super().get_queryset(request).select_related("document")

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:120]


@admin.register(Endorsement)
class EndorsementAdmin(CuratedAdmin):
    list_display = ("city", "document", "endorsed_display")
    list_filter = ("document",)
    list_select_related = ("city", "document")
    search_fields = ("city__name", "document__title")
    autocomplete_fields = ["document", "city"]

    @admin.display(description=_("endorsed on"), ordering="endorsed_on")
    def endorsed_display(self, obj):
        return obj.endorsed_display


@admin.register(ForumParticipation)
class ForumParticipationAdmin(CuratedAdmin):
    list_display = ("city", "forum", "role")
    list_filter = ("role", "forum")
    list_select_related = ("city", "forum")
    search_fields = ("city__name", "forum__title")
    autocomplete_fields = ["forum", "city"]


@admin.register(ForumPartner)
class ForumPartnerAdmin(CuratedAdmin):
    list_display = ("organization", "forum", "role")
    list_filter = ("role", "forum")
    list_select_related = ("organization", "forum")
    search_fields = ("organization__name", "forum__title")
    autocomplete_fields = ["forum", "organization"]


class ReplicationInline(CuratedTabularInline):
    model = Replication
    autocomplete_fields = ["city"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city")


@admin.register(GoodPractice)
class GoodPracticeAdmin(CuratedAdmin):
    list_display = ("title", "city", "forum", "updated_at")
    list_filter = ("forum", "themes")
    list_select_related = ("city", "forum")
    search_fields = ("title", "slug", "city__name")
    autocomplete_fields = ["city", "forum", "themes"]
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = [ReplicationInline]


@admin.register(Replication)
class ReplicationAdmin(CuratedAdmin):
    list_display = ("city", "practice")
    list_select_related = ("city", "practice")
    search_fields = ("city__name", "practice__title")
    autocomplete_fields = ["practice", "city"]
