"""The sandbox's addresses, mounted by the project at /sandbox/ outside production."""

from django.urls import path

from . import business, payment_gateway, population, views

app_name = "sandbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("csdlqg-dan-cu/openapi.json", population.openapi_document, name="population-openapi"),
    # Before the lookup: "xac-thuc" would otherwise be read as a (malformed) national ID.
    path("csdlqg-dan-cu/api/v1/cong-dan/xac-thuc", population.check, name="population-check"),
    path("csdlqg-dan-cu/api/v1/cong-dan/<str:national_id>", population.citizen, name="population-citizen"),
    path("dang-ky-kinh-doanh/openapi.json", business.openapi_document, name="business-openapi"),
    path("dang-ky-kinh-doanh/api/v1/doanh-nghiep/<str:tax_code>", business.business, name="business"),
    path("vnpay/paymentv2/vpcpay.html", payment_gateway.vnpay_pay, name="vnpay-pay"),
    path("vnpay/paymentv2/<int:payment_id>/", payment_gateway.vnpay_complete, name="vnpay-complete"),
    path("vnpay/merchant_webapi/api/transaction", payment_gateway.vnpay_transaction_api, name="vnpay-api"),
    path("vnpay/merchant_webapi/statement", payment_gateway.vnpay_statement, name="vnpay-statement"),
    path("dvcqg-thanh-toan/api/init", payment_gateway.dvcqg_init, name="dvcqg-init"),
    path("dvcqg-thanh-toan/api/query", payment_gateway.dvcqg_query, name="dvcqg-query"),
    path("dvcqg-thanh-toan/thanh-toan/<int:payment_id>/", payment_gateway.dvcqg_pay, name="dvcqg-pay"),
    path("<path:rest>", views.unknown, name="unknown"),
]
