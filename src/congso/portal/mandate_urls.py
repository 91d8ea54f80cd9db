"""“Ủy quyền và đại diện” in the person's account area (names in the ``portal`` namespace)."""

from django.urls import path

from .views import mandates

urlpatterns = [
    path("uy-quyen/", mandates.overview, name="mandates"),
    path("uy-quyen/doanh-nghiep/", mandates.add_business, name="mandates-add-business"),
    path("uy-quyen/con/", mandates.add_child, name="mandates-add-child"),
    path("uy-quyen/doanh-nghiep/<str:tax_code>/uy-quyen-moi/", mandates.grant, name="mandates-grant"),
    path("uy-quyen/<int:mandate_id>/thu-hoi/", mandates.revoke, name="mandates-revoke"),
]
