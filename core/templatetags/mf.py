from urllib.parse import urlsplit

from django import template

from core.text import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def site_of(url):
    """The host a link goes to ("gfmd.org"), to name a source in a list."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")
