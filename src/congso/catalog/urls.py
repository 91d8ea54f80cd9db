"""Catalog pages; the project mounts them at /thu-tuc/ under the namespace ``catalog``."""

from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.search, name="search"),
    path("su-kien/", views.life_event_list, name="life-events"),
    path("su-kien/<slug:slug>/", views.life_event_detail, name="life-event"),
    path("co-quan/", views.agency_list, name="agencies"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency"),
    path("<str:code>/mau/<int:paper_id>/", views.paper_template, name="paper-template"),
    path("<str:code>/", views.procedure_detail, name="procedure"),
]
