"""The officers' back office of the one-stop shop; the project mounts it at ``/can-bo/ho-so/`` with the
namespace ``dossiers``. Fixed prefixes come before ``<code>/`` so no dossier code can shadow them."""

from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("xuat-excel/", views.inbox_export, name="inbox_export"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("tiep-nhan/<str:procedure_code>/", views.intake_form, name="intake_form"),
    path("so-theo-doi/", views.logbook, name="logbook"),
    path("so-theo-doi/ban-in/", views.logbook_pdf, name="logbook_pdf"),
    path("so-theo-doi/excel/", views.logbook_xlsx, name="logbook_xlsx"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/giay-to/<int:paper_id>/", views.paper, name="paper"),
    path("<str:code>/mau/<str:form_code>/", views.form_pdf, name="form_pdf"),
    path("<str:code>/phieu-kiem-soat/excel/", views.control_sheet_xlsx, name="control_sheet_xlsx"),
    path("<str:code>/<slug:slug>/", views.action, name="action"),
]
