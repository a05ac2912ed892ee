from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.data_index, name="index"),
    path("releases/<str:date>/", views.release_detail, name="release"),
    path("releases/<str:date>/<str:name>", views.release_file, name="release-file"),
]
