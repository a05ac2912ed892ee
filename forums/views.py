from django.shortcuts import get_object_or_404, render

from .models import Forum, OutcomeDocument


def forum_list(request):
    forums = Forum.objects.select_related("host_city").latest_first()
    return render(request, "forums/forum_list.html", {"forums": forums})


def forum_detail(request, slug):
    forum = get_object_or_404(Forum.objects.select_related("host_city"), slug=slug)
    return render(request, "forums/forum_detail.html", {"forum": forum})


def outcome_list(request):
    outcomes = OutcomeDocument.objects.select_related("forum")
    return render(request, "forums/outcome_list.html", {"outcomes": outcomes})


def outcome_detail(request, slug):
    outcome = get_object_or_404(OutcomeDocument, slug=slug)
    return render(request, "forums/outcome_detail.html", {"outcome": outcome})
