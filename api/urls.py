from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("cities", views.CityViewSet, basename="city")
router.register("forums", views.ForumViewSet, basename="forum")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("relocations", views.RelocationViewSet, basename="relocation")
router.register("practices", views.PracticeViewSet, basename="practice")
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("themes", views.ThemeViewSet, basename="theme")

urlpatterns = [
    path("", views.ApiRootView.as_view(registry=router.registry), name="root"),
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other address ending in a slash is a JSON 404 (without the slash,
    # CommonMiddleware first redirects here).
    re_path(r"^[\s\S]*/$", views.not_found),
]
