"""URLs for following a dossier, included in the portal's urlconf (namespace ``portal``)::

    path("", include("congso.portal.dossier_urls")),

No ``app_name`` here on purpose: the names live in the ``portal`` namespace (``portal:my-dossiers``…).
"""

from django.urls import path

from .views import dossier_requests, my_dossiers, status_lookup

dossier = "ho-so-cua-toi/<uuid:public_id>/"

urlpatterns = [
    path("ho-so-cua-toi/", my_dossiers.my_dossiers, name="my-dossiers"),
    path(dossier, my_dossiers.my_dossier, name="my-dossier"),
    path(dossier + "bo-sung/", dossier_requests.supplement, name="my-dossier-supplement"),
    path(dossier + "rut-ho-so/", dossier_requests.withdraw, name="my-dossier-withdraw"),
    path(dossier + "danh-gia/", dossier_requests.feedback, name="my-dossier-feedback"),
    path(dossier + "tep/<int:paper_id>/", my_dossiers.paper_download, name="my-dossier-paper"),
    path(dossier + "giay-tiep-nhan.pdf", my_dossiers.receipt_pdf, name="my-dossier-receipt"),
    path(dossier + "xac-nhan-nop-ho-so.pdf", my_dossiers.submission_pdf, name="my-dossier-submission"),
    path("tra-cuu/", status_lookup.lookup, name="dossier-lookup"),
    # The address printed, with its QR code, on the receipt (dossiers.standard_forms.status_path).
    path("tra-cuu/<str:code>/", status_lookup.lookup, name="dossier-status"),
]
