"""The documents exchange service's receiving end, mounted by the project at /lien-thong-van-ban/."""

from django.urls import path

from . import exchange_views

app_name = "documents_exchange"

urlpatterns = [
    path("", exchange_views.health, name="health"),
    path("goi-tin", exchange_views.receive_package, name="package"),
    path("trang-thai", exchange_views.receive_status, name="status"),
]
