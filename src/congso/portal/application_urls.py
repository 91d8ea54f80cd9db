"""URLs of the online application, meant to be included in the portal's urlconf (namespace ``portal``)::

    path("nop-ho-so/", include("congso.portal.application_urls")),

No ``app_name`` here on purpose: the names live in the ``portal`` namespace (``portal:apply``…).
Fixed prefixes come before ``<procedure_code>/`` so that no procedure code can shadow them. The staff's
form preview, once here, is the catalogue's (``catalog.form_preview_urls``), at the same address.
"""

from django.urls import path

from .views import application_papers, application_start, application_steps, application_submit

draft = "ban-nhap/<uuid:draft_id>/"

urlpatterns = [
    path("", application_start.drafts_list, name="drafts"),
    path("bien-nhan/<uuid:dossier_id>/", application_submit.receipt, name="receipt"),
    path(draft, application_start.resume, name="apply-draft"),
    path(draft + "nguoi-nop/", application_steps.who, name="apply-who"),
    path(draft + "nguoi-duoc-dai-dien/", application_steps.acting_for, name="apply-acting-for"),
    path(draft + "noi-nop/", application_steps.agency, name="apply-agency"),
    path(draft + "buoc/<slug:step_id>/", application_steps.step, name="apply-step"),
    path(draft + "giay-to/", application_papers.papers, name="apply-papers"),
    path(draft + "giay-to/<int:file_id>/", application_papers.download_file, name="draft-file"),
    path(draft + "giay-to/<int:file_id>/xoa/", application_papers.delete_file, name="draft-file-delete"),
    path(draft + "kiem-tra/", application_submit.review, name="apply-review"),
    path(draft + "nop/", application_submit.submit, name="apply-submit"),
    path(draft + "da-nop/", application_submit.done, name="apply-done"),
    path(draft + "lam-lai/", application_start.restart, name="apply-restart"),
    path(draft + "xoa/", application_start.draft_delete, name="draft-delete"),
    path("<str:procedure_code>/", application_start.apply, name="apply"),
]
