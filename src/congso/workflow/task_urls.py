"""Officers' work items; the project mounts them at ``/can-bo/cong-viec/`` with the namespace
``workflow_tasks`` (``path("can-bo/cong-viec/", include("congso.workflow.task_urls"))``)."""

from django.urls import path

from . import task_views

app_name = "workflow_tasks"

urlpatterns = [
    path("", task_views.inbox_view, name="inbox"),
    path("<int:pk>/", task_views.detail, name="detail"),
]
