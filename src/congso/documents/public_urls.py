"""The public page that verifies a signed PDF, at /xac-minh-chu-ky-so/."""

from django.urls import path

from . import views

app_name = "documents_public"

urlpatterns = [path("", views.verify, name="verify")]
