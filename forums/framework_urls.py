from django.urls import path

from . import framework_views

app_name = "frameworks"
urlpatterns = [
    path("", framework_views.framework_list, name="list"),
    path("<str:code>/", framework_views.framework_detail, name="detail"),
]
