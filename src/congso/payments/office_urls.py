"""The officers' payment pages, mounted at /can-bo/thanh-toan/."""

from django.urls import path

from . import views

app_name = "payments-office"

urlpatterns = [
    path("doi-soat/", views.reconciliation, name="reconciliation"),
    path("doi-soat/chenh-lech/<int:mismatch_id>/", views.resolve, name="resolve"),
    path("giao-dich/<int:intent_id>/hoan-tien/", views.refund_request, name="refund-request"),
    path("hoan-tien/<int:refund_id>/", views.refund_decide, name="refund-decide"),
]
