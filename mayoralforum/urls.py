from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from commitments import evidence
from core import views as core_views
from pages import embed, feeds
from pages import views as page_views

# A database that cannot be reached answers 503 (see core.views.server_error).
handler500 = "core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before any /media/ route: an update's PDF only reaches those who may see it.
    path(
        f"{settings.MEDIA_URL.lstrip('/')}{evidence.FOLDER}<path:name>",
        evidence.evidence_file,
        name="evidence-file",
    ),
]

# Pages people read come in English at the contract's paths (/cities/) and in Spanish
# and French under a prefix (/es/cities/, /fr/cities/). The language is in the URL,
# not in a cookie, so every public page stays cacheable by a CDN (no Vary: Cookie)
# and a link always opens in the language it was shared in.
urlpatterns += i18n_patterns(
    path("", page_views.home, name="home"),
    path("search/", page_views.search, name="search"),
    path("admin/", admin.site.urls),
    path("accounts/", include("portal.account_urls")),
    path("portal/", include("portal.urls")),
    path("feeds/updates/", feeds.NetworkUpdatesFeed(), name="updates-feed"),
    path("feeds/<slug:name>/", feeds.ListFeed(), name="list-feed"),
    # Before the cities/ include, so that this path is not read as a city's page.
    path("cities/<slug:slug>/feed/", feeds.CityUpdatesFeed(), name="city-updates-feed"),
    path("cities/", include("cities.urls")),
    path("forums/", include("forums.urls")),
    path("outcomes/", include("forums.outcome_urls")),
    path("practices/", include("forums.practice_urls")),
    path("frameworks/", include("forums.framework_urls")),
    path("data/", include("opendata.urls")),
    path("embed/cities/<slug:slug>/", embed.city_card, name="embed-city"),
    path("", include("commitments.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
