from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The site-wide pages that draw on every app: home, search, feeds, charts, maps.

    It sits on top of the other apps (core <- cities <- forums <- commitments <- pages),
    so it may import all of them and none of them imports it.
    """

    name = "pages"
    verbose_name = "Site pages"
