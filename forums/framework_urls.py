from django.urls import path, re_path

from . import framework_views

app_name = "frameworks"
urlpatterns = [
    path("", framework_views.framework_list, name="list"),
    # A framework's code (GCM, SDG, ...): letters, digits, dots and dashes only.
    re_path(r"^(?P<code>[-A-Za-z0-9_.]+)/$", framework_views.framework_detail, name="detail"),
]
