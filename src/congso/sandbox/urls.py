"""The sandbox's addresses, mounted by the project at /sandbox/ outside production."""

from django.urls import path

from . import business, population, sms, views

app_name = "sandbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("csdlqg-dan-cu/openapi.json", population.openapi_document, name="population-openapi"),
    # Before the lookup: "xac-thuc" would otherwise be read as a (malformed) national ID.
    path("csdlqg-dan-cu/api/v1/cong-dan/xac-thuc", population.check, name="population-check"),
    path("csdlqg-dan-cu/api/v1/cong-dan/<str:national_id>", population.citizen, name="population-citizen"),
    path("dang-ky-kinh-doanh/openapi.json", business.openapi_document, name="business-openapi"),
    path("dang-ky-kinh-doanh/api/v1/doanh-nghiep/<str:tax_code>", business.business, name="business"),
    path("sms/", sms.messages_page, name="sms"),
    path("sms/MainService.svc/json/SendMultipleMessage_V4_post_json/", sms.send, name="sms-send"),
    path("<path:rest>", views.unknown, name="unknown"),
]
