"""The link's workspace pages, mounted at /can-bo/dvcqg/."""

from django.urls import path

from . import views

app_name = "nationalportal"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("dong-bo/<int:pk>/gui-lai/", views.retry, name="retry"),
    path("ho-so-den/<int:pk>/nhan-lai/", views.retry_incoming, name="retry_incoming"),
    path("danh-muc/", views.catalogue, name="catalogue"),
    path("danh-muc/lay-ve/", views.pull_catalogue, name="pull_catalogue"),
]
