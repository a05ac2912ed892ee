"""Accounts: Django's own views (login, POST-only logout, password reset and change).

Login throttling comes from django-axes (its backend and middleware in settings);
the templates live in templates/registration/.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("django.contrib.auth.urls")),
]
