from django.urls import path

from . import views

app_name = "commitments"
urlpatterns = [
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/<int:pk>/", views.commitment_detail, name="detail"),
    path("relocations/", views.relocation_list, name="relocation-list"),
    path("relocations/<int:pk>/", views.relocation_detail, name="relocation-detail"),
]
