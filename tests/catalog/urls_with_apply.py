"""The catalog test URL map plus a ``portal:apply`` route standing in for the online application."""

from django.http import HttpResponse
from django.urls import path

from .urls import build


def _apply(request, procedure_code):
    return HttpResponse(f"apply {procedure_code}")


urlpatterns = build([path("nop-ho-so/<str:procedure_code>/", _apply, name="apply")])
