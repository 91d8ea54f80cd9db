from django.urls import include, path

from .views.home import home

app_name = "portal"

urlpatterns = [
    path("", home, name="home"),
    path("nop-ho-so/", include("congso.portal.application_urls")),
    path("", include("congso.portal.dossier_urls")),
    path("", include("congso.portal.mandate_urls")),
]
