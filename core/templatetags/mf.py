from django import template

from core.dates import format_partial_date
from core.text import render_markdown

register = template.Library()


@register.simple_tag
def partial_date(value, precision="day"):
    return format_partial_date(value, precision)


@register.filter
def markdown(text):
    return render_markdown(text)
