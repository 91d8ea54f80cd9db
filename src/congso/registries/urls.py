"""The registries' addresses: the citizen's pages in the account area (mounted at /ca-nhan/) and the
officer's re-query (mounted under /can-bo/co-so-du-lieu/)."""

from django.urls import path

from . import views

app_name = "registries"

urlpatterns = [
    path("ca-nhan/ai-da-dung-du-lieu-cua-toi/", views.data_uses, name="data-uses"),
    path("ca-nhan/kho-du-lieu/", views.data_store, name="data-store"),
    path("ca-nhan/kho-du-lieu/<int:item_id>/tai-ve/", views.data_store_download, name="data-store-download"),
    path("ca-nhan/kho-du-lieu/<int:item_id>/xoa/", views.data_store_delete, name="data-store-delete"),
    path("can-bo/co-so-du-lieu/ho-so/<int:pk>/tra-cuu-lai/", views.requery, name="requery"),
]
