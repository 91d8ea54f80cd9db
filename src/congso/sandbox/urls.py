"""The sandbox's addresses, mounted by the project at /sandbox/ outside production."""

from django.urls import path

from . import (
    business,
    document_axis,
    dvcqg,
    dvcqg_pages,
    land,
    payment_gateway,
    population,
    remote_signing,
    sms,
    views,
    vneid,
)

app_name = "sandbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("csdlqg-dan-cu/openapi.json", population.openapi_document, name="population-openapi"),
    # Before the lookup: "xac-thuc" would otherwise be read as a (malformed) national ID.
    path("csdlqg-dan-cu/api/v1/cong-dan/xac-thuc", population.check, name="population-check"),
    path("csdlqg-dan-cu/api/v1/cong-dan/<str:national_id>", population.citizen, name="population-citizen"),
    path("dang-ky-kinh-doanh/openapi.json", business.openapi_document, name="business-openapi"),
    path("dang-ky-kinh-doanh/api/v1/doanh-nghiep/<str:tax_code>", business.business, name="business"),
    # The simulated National Public Service Portal: its adapter protocol, then its pages.
    path("dvcqg/api/auth", dvcqg.auth, name="dvcqg-auth"),
    path("dvcqg/api/share", dvcqg.share, name="dvcqg-share"),
    path("dvcqg/api/integration", dvcqg.integration, name="dvcqg-integration"),
    path("dvcqg/", dvcqg_pages.index, name="dvcqg"),
    path("dvcqg/nop-ho-so/", dvcqg_pages.submit, name="dvcqg-submit"),
    path("dvcqg/trang-thai/", dvcqg_pages.switch, name="dvcqg-switch"),
    path("dvcqg/ho-so/<str:code>/", dvcqg_pages.dossier, name="dvcqg-dossier"),
    # The simulated national e-ID (VNeID) OpenID Connect provider.
    path("vneid/", vneid.root, name="vneid-root"),
    path("vneid/.well-known/openid-configuration", vneid.discovery, name="vneid-discovery"),
    path("vneid/jwks", vneid.jwks, name="vneid-jwks"),
    path("vneid/auth", vneid.authorize, name="vneid-authorize"),
    path("vneid/token", vneid.token, name="vneid-token"),
    path("vneid/userinfo", vneid.userinfo, name="vneid-userinfo"),
    path("vneid/logout", vneid.logout, name="vneid-logout"),
    path("vnpay/paymentv2/vpcpay.html", payment_gateway.vnpay_pay, name="vnpay-pay"),
    path("vnpay/paymentv2/<int:payment_id>/", payment_gateway.vnpay_complete, name="vnpay-complete"),
    path("vnpay/merchant_webapi/api/transaction", payment_gateway.vnpay_transaction_api, name="vnpay-api"),
    path("vnpay/merchant_webapi/statement", payment_gateway.vnpay_statement, name="vnpay-statement"),
    path("dvcqg-thanh-toan/api/init", payment_gateway.dvcqg_init, name="dvcqg-init"),
    path("dvcqg-thanh-toan/api/query", payment_gateway.dvcqg_query, name="dvcqg-query"),
    path("dvcqg-thanh-toan/thanh-toan/<int:payment_id>/", payment_gateway.dvcqg_pay, name="dvcqg-pay"),
    path("dat-dai/openapi.json", land.openapi_document, name="land-openapi"),
    path("dat-dai/api/v1/thua-dat/<str:parcel_id>", land.parcel, name="land-parcel"),
    # The simulated national document axis: send, pull and acknowledge edXML packages and statuses.
    path("truc-van-ban/openapi.json", document_axis.openapi_document, name="axis-openapi"),
    path("truc-van-ban/api/goi-tin", document_axis.send_package, name="axis-package"),
    path("truc-van-ban/api/trang-thai", document_axis.send_status, name="axis-status"),
    path("truc-van-ban/api/hop-thu", document_axis.mailbox, name="axis-mailbox"),
    path("truc-van-ban/api/xac-nhan", document_axis.acknowledge_view, name="axis-acknowledge"),
    # The simulated remote signing service (Cloud Signature Consortium API v2), devpki keys.
    path("ky-so-tu-xa/csc/v2/info", remote_signing.info, name="csc-info"),
    path("ky-so-tu-xa/csc/v2/oauth2/token", remote_signing.token, name="csc-token"),
    path("ky-so-tu-xa/csc/v2/credentials/list", remote_signing.credentials_list, name="csc-list"),
    path("ky-so-tu-xa/csc/v2/credentials/info", remote_signing.credentials_info, name="csc-credential"),
    path(
        "ky-so-tu-xa/csc/v2/credentials/authorize", remote_signing.credentials_authorize, name="csc-authorize"
    ),
    path("ky-so-tu-xa/csc/v2/signatures/signHash", remote_signing.sign_hash, name="csc-sign-hash"),
    path("sms/", sms.messages_page, name="sms"),
    path("sms/MainService.svc/json/SendMultipleMessage_V4_post_json/", sms.send, name="sms-send"),
    path("<path:rest>", views.unknown, name="unknown"),
]
