"""The leaders' dashboard under the workspace (``/can-bo/bao-cao/``)."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("ho-so/<slug:kind>/", views.drill_page, name="drill"),
]
