from django.shortcuts import get_object_or_404, render

from .models import Commitment, RelocationAgreement


def commitment_list(request):
    commitments = Commitment.objects.published().select_related("city")
    return render(request, "commitments/commitment_list.html", {"commitments": commitments})


def commitment_detail(request, pk):
    commitment = get_object_or_404(Commitment.objects.published().select_related("city"), pk=pk)
    return render(request, "commitments/commitment_detail.html", {"commitment": commitment})


def relocation_list(request):
    agreements = RelocationAgreement.objects.with_totals().select_related("origin", "destination")
    return render(request, "commitments/relocation_list.html", {"agreements": agreements})


def relocation_detail(request, pk):
    agreement = get_object_or_404(
        RelocationAgreement.objects.with_totals().select_related("origin", "destination"), pk=pk
    )
    return render(request, "commitments/relocation_detail.html", {"agreement": agreement})
