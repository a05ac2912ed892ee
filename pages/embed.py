"""/embed/cities/<slug>/: a small card a city can put in an <iframe> on its own site.

It is the one page another site may frame: ``frame-ancestors *`` in its
Content-Security-Policy and no X-Frame-Options, where every other page answers
``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``. It runs no script, sets no
cookie (no session, no CSRF token is used) and is cached like any public page.
Three queries: the city, its published commitments by status (with their average
progress), its agreements' people totals.
"""

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_exempt

from cities.models import City
from commitments.models import Commitment, RelocationAgreement

EMBED_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors *"
)


@xframe_options_exempt
def city_card(request, slug):
    city = get_object_or_404(City, slug=slug)
    grouped = {
        row["status"]: row
        for row in Commitment.objects.published()
        .involving(city)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"), progress=Avg("progress"))
    }
    statuses = [
        {
            "value": value,
            "label": label,
            "count": grouped.get(value, {}).get("count", 0),
            # The average of the progress reported: a commitment whose progress is not
            # reported counts in no average (None when none is reported).
            "progress": round(average)
            if (average := grouped.get(value, {}).get("progress")) is not None
            else None,
        }
        for value, label in Commitment.Status.choices
    ]
    totals = RelocationAgreement.objects.filter(
        Q(origin=city) | Q(destination=city)
    ).people_totals()
    context = {
        "city": city,
        "statuses": statuses,
        "commitment_count": sum(s["count"] for s in statuses),
        "relocation": totals,
        # The link back opens the site itself, whatever site frames the card.
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    response = render(request, "embed/city_card.html", context)
    response.content_security_policy = EMBED_POLICY
    return response
