"""URLs for following a dossier, included in the portal's urlconf (namespace ``portal``)::

    path("", include("congso.portal.dossier_urls")),

No ``app_name`` here on purpose: the names live in the ``portal`` namespace (``portal:my-dossiers``…).
"""

from django.urls import path

from . import dossier_views as views

dossier = "ho-so-cua-toi/<uuid:public_id>/"

urlpatterns = [
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    path(dossier, views.my_dossier, name="my-dossier"),
    path(dossier + "bo-sung/", views.supplement, name="my-dossier-supplement"),
    path(dossier + "rut-ho-so/", views.withdraw, name="my-dossier-withdraw"),
    path(dossier + "danh-gia/", views.feedback, name="my-dossier-feedback"),
    path(dossier + "tep/<int:paper_id>/", views.paper_download, name="my-dossier-paper"),
    path(dossier + "giay-tiep-nhan.pdf", views.receipt_pdf, name="my-dossier-receipt"),
    path(dossier + "xac-nhan-nop-ho-so.pdf", views.submission_pdf, name="my-dossier-submission"),
    path("tra-cuu/", views.lookup, name="dossier-lookup"),
    # The address printed, with its QR code, on the receipt (dossiers.standard_forms.status_path).
    path("tra-cuu/<str:code>/", views.lookup, name="dossier-status"),
]
