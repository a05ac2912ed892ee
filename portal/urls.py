from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("commitments/new/", views.commitment_create, name="commitment-create"),
    path("commitments/import/", views.commitment_import, name="commitment-import"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment-edit"),
    path("commitments/<int:pk>/submit/", views.commitment_submit, name="commitment-submit"),
    path("commitments/<int:pk>/updates/new/", views.update_create, name="update-create"),
    path("commitments/<int:pk>/review/", views.commitment_review, name="commitment-review"),
    path("commitments/<int:pk>/publish/", views.commitment_publish, name="commitment-publish"),
    path("commitments/<int:pk>/return/", views.commitment_return, name="commitment-return"),
    path("commitments/<int:pk>/changes/accept/", views.changes_accept, name="changes-accept"),
    path("commitments/<int:pk>/changes/reject/", views.changes_reject, name="changes-reject"),
    path("updates/<int:pk>/verify/", views.update_verify, name="update-verify"),
    path("relocations/<int:pk>/transfers/new/", views.transfer_create, name="transfer-create"),
    path("transfers/<int:pk>/confirm/", views.transfer_confirm, name="transfer-confirm"),
]
