from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cities.models import City


@login_required
def dashboard(request):
    cities = City.objects.for_user(request.user)
    return render(request, "portal/dashboard.html", {"cities": cities})
