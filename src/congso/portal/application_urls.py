"""URLs of the online application, meant to be included in the portal's urlconf (namespace ``portal``)::

    path("nop-ho-so/", include("congso.portal.application_urls")),

No ``app_name`` here on purpose: the names live in the ``portal`` namespace (``portal:apply``…).
Fixed prefixes come before ``<procedure_code>/`` so that no procedure code can shadow them.
"""

from django.urls import path

from . import application_views as views

draft = "ban-nhap/<uuid:draft_id>/"

urlpatterns = [
    path("", views.drafts, name="drafts"),
    path("bien-nhan/<uuid:dossier_id>/", views.receipt, name="receipt"),
    path(draft, views.resume, name="apply-draft"),
    path(draft + "nguoi-nop/", views.who, name="apply-who"),
    path(draft + "nguoi-duoc-dai-dien/", views.acting_for, name="apply-acting-for"),
    path(draft + "noi-nop/", views.agency, name="apply-agency"),
    path(draft + "buoc/<slug:step_id>/", views.step, name="apply-step"),
    path(draft + "giay-to/", views.papers, name="apply-papers"),
    path(draft + "giay-to/<int:file_id>/", views.download_file, name="draft-file"),
    path(draft + "giay-to/<int:file_id>/xoa/", views.delete_file, name="draft-file-delete"),
    path(draft + "kiem-tra/", views.review, name="apply-review"),
    path(draft + "nop/", views.submit, name="apply-submit"),
    path(draft + "da-nop/", views.done, name="apply-done"),
    path(draft + "lam-lai/", views.restart, name="apply-restart"),
    path(draft + "xoa/", views.draft_delete, name="draft-delete"),
    path("<str:procedure_code>/", views.apply, name="apply"),
]
