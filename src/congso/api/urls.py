"""The API's addresses; the project mounts them at ``/api/``: ``v1/…`` the operations, ``v1/openapi.json``
the OpenAPI 3 document, ``v1/docs/`` its Swagger UI (served from the pinned sidecar package, no CDN, no
inline script or style). Anything else under /api/ is a problem+json 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import views
from .fallback import not_found

app_name = "api"

urlpatterns = [
    path(
        "v1/openapi.json",
        SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
    path(
        "v1/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema",
            template_name="api/swagger_ui.html",
            authentication_classes=[],
            permission_classes=[],
        ),
        name="docs",
    ),
    path("v1/procedures", views.ProcedureList.as_view(), name="procedures"),
    path("v1/procedures/<str:code>", views.ProcedureDetail.as_view(), name="procedure"),
    path("v1/agencies", views.AgencyList.as_view(), name="agencies"),
    path("v1/agencies/<str:code>", views.AgencyDetail.as_view(), name="agency"),
    path("v1/units", views.UnitList.as_view(), name="units"),
    path("v1/units/<str:code>", views.UnitDetail.as_view(), name="unit"),
    path("v1/dossiers", views.DossierList.as_view(), name="dossiers"),
    path("v1/dossiers/<str:code>", views.DossierDetail.as_view(), name="dossier"),
    path("v1/dossiers/<str:code>/timeline", views.DossierTimeline.as_view(), name="timeline"),
    path("v1/dossiers/<str:code>/papers/<int:paper_id>", views.DossierPaperFile.as_view(), name="paper"),
    path("v1/dossiers/<str:code>/accept", views.Accept.as_view(), name="accept"),
    path(
        "v1/dossiers/<str:code>/request-supplement",
        views.RequestSupplement.as_view(),
        name="request_supplement",
    ),
    path("v1/dossiers/<str:code>/hand-over", views.HandOver.as_view(), name="hand_over"),
    path("v1/dossiers/<str:code>/result", views.RecordResult.as_view(), name="record_result"),
    path("v1/dossiers/<str:code>/return", views.ReturnResult.as_view(), name="return_result"),
    re_path(r"^[\s\S]*$", not_found),  # any rest, new lines included
]
