"""Monitoring pages of the workflow block; the project mounts them at ``/can-bo/quy-trinh/`` with the
namespace ``workflow``."""

from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("", views.process_list, name="monitoring"),
    path("ho-so/<int:dossier_id>/", views.dossier_flow, name="dossier_flow"),
    path("<slug:key>/", views.process_detail, name="process_detail"),
    path("<slug:key>/xuat-excel/", views.process_export, name="process_export"),
]
