from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("", views.outcome_list, name="list"),
    path("<slug:slug>/", views.outcome_detail, name="detail"),
]
