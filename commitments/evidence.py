"""Evidence PDFs of progress updates, served only to those who may see the update.

An update's PDF is uploaded under ``evidence/`` with the name the city gave it, so a
name can be guessed. The file is public once its commitment is published (the update
is then on the commitment's page); until then only the commitment's city staff and the
curators get it (``Commitment.objects.for_user``), and a file no update holds any
longer (replaced, or its update deleted) is served to nobody. nginx hands
``/media/evidence/`` to this view instead of serving the folder (deploy/nginx).
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .models import Commitment, ProgressUpdate

FOLDER = ProgressUpdate._meta.get_field("evidence_file").upload_to


@require_safe
def evidence_file(request, name):
    path = FOLDER + name
    commitments = Commitment.objects.published() | Commitment.objects.for_user(request.user)
    state = (
        ProgressUpdate.objects.filter(evidence_file=path, commitment__in=commitments)
        .order_by()
        .values_list("commitment__publication_state", flat=True)
        .first()
    )
    if state is None or not default_storage.exists(path):
        raise Http404("No such evidence document.")
    response = FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    # Never rendered as a page of the site, whatever the file holds (as /media/ in nginx).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if state == Commitment.PublicationState.PUBLISHED:
        # A curator who unpublishes a commitment takes its files down within minutes.
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
