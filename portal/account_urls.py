"""Accounts: Django's own views (POST-only logout, password reset and change), and its
login view with the per-account throttle (portal/login.py).

Login throttling per username and client address comes from django-axes (its backend
and middleware in settings); the templates live in templates/registration/.
"""

from django.urls import include, path

from .login import ThrottledLoginView

urlpatterns = [
    # Before Django's own "login", which it replaces.
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("", include("django.contrib.auth.urls")),
]
