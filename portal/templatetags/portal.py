from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def lockout_ends(context, username):
    """When the lockout of this username from this address lifts by itself.

    Every failed attempt during a lockout restarts it, so it ends one cool-off after
    the latest attempt.
    """
    request = context.get("request")
    cool_off = get_cool_off(request)
    ip_address = getattr(request, "axes_ip_address", None)
    if request is None or cool_off is None or not ip_address:
        return None
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .first()
    )
    return attempt.attempt_time + cool_off if attempt else None


@register.filter
def minutes(delta):
    return int(delta.total_seconds() // 60) if delta else ""
