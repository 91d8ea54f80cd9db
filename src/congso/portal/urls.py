from django.urls import include, path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("nop-ho-so/", include("congso.portal.application_urls")),
    path("", include("congso.portal.dossier_urls")),
]
