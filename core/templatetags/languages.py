"""The language switcher: ``{% load languages %}{% language_links as links %}``.

Each language is a plain link to the same page under that language's prefix (the
query string kept), so switching needs no form, no cookie and no script, and the
page stays publicly cacheable.
"""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


def _url_in(language, path):
    url = translate_url(path, language)
    if url == path and translation.get_language() != language:
        # A page outside the translated URLs (an error page, the API docs):
        # offer that language's home page instead.
        with translation.override(language):
            url = reverse("home")
    return url


@register.simple_tag(takes_context=True)
def language_links(context):
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": _url_in(code, path),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


# Records are curated in English; a record with its own ``language`` field (an
# outcome document) says which language it was written in.
RECORDS_LANGUAGE = "en"


@register.simple_tag
def record_lang(record=None):
    """The language a record's text is written in, for a ``lang`` attribute."""
    return getattr(record, "language", "") or RECORDS_LANGUAGE
