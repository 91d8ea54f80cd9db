"""The public page of the province's headline indicators (``/chi-so/``)."""

from django.urls import path

from . import views

app_name = "reporting_public"

urlpatterns = [path("", views.public_page, name="indicators")]
