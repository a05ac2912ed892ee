from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def home(request):
    from cities.models import City
    from commitments.models import Commitment
    from forums.models import Forum, OutcomeDocument

    context = {
        "city_count": City.objects.count(),
        "forum_count": Forum.objects.count(),
        "outcome_count": OutcomeDocument.objects.count(),
        "commitment_count": Commitment.objects.published().count(),
        "latest_forum": Forum.objects.select_related("host_city").latest_first().first(),
    }
    return render(request, "home.html", context)


def search(request):
    return render(request, "search.html", {"q": request.GET.get("q", "")})
