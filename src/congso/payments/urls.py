"""The citizen's and the providers' addresses, mounted at /thanh-toan/."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<uuid:public_id>/", views.pay, name="pay"),
    path("giao-dich/<str:reference>/", views.intent_page, name="intent"),
    path("giao-dich/<str:reference>/kiem-tra/", views.check_intent, name="check"),
    path("tro-ve/<str:provider_name>/", views.return_from_provider, name="return"),
    # The providers' server-to-server addresses (registered with the provider).
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay-ipn"),
    path("dvcqg/xac-nhan/", views.dvcqg_confirm, name="dvcqg-confirm"),
    path("bien-lai/<str:number>/", views.receipt_pdf, name="receipt"),
    path("kiem-tra-bien-lai/<str:number>/", views.receipt_check, name="receipt-check"),
    path("ket-qua/<str:token>/", views.result_download, name="result"),
    path("xac-minh-ket-qua/<str:token>/", views.result_verify, name="result-verify"),
]
