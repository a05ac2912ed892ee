"""Who is a curator: the one place every queryset's ``for_user`` asks.

Which cities' records a user may act on is ``cities.models.CityQuerySet`` (the staff
scope), built on this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser, User

CURATORS_GROUP = "Curators"
CITY_STAFF_GROUP = "City staff"


def is_curator(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Curators (the secretariat) see and change every record."""
    if not user.is_authenticated:
        return False
    # The site's user model is django.contrib.auth's User (no AUTH_USER_MODEL).
    user = cast("User", user)
    if user.is_superuser:
        return True
    cached: bool | None = getattr(user, "_is_curator", None)
    if cached is None:
        cached = user.groups.filter(name=CURATORS_GROUP).exists()
        user._is_curator = cached  # type: ignore[attr-defined]
    return cached
