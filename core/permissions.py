"""Who is a curator: the one place every queryset's ``for_user`` asks."""

CURATORS_GROUP = "Curators"
CITY_STAFF_GROUP = "City staff"


def is_curator(user):
    """Curators (the secretariat) see and change every record."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_curator", None)
    if cached is None:
        cached = user.groups.filter(name=CURATORS_GROUP).exists()
        user._is_curator = cached
    return cached
