"""Sign-in pages under /tai-khoan/ (Vietnamese paths, English names)."""

from django.urls import path

from . import local_account_views, second_factor_views, views
from .contrib.vneid import plugin as vneid_plugin

app_name = "identity"

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-nhap/<slug:method>/", views.start_sign_in, name="sign-in-method"),
    path("vneid/ve/", vneid_plugin.callback, name="vneid-callback"),
    path("vneid/da-dang-xuat/", vneid_plugin.logged_out, name="vneid-logged-out"),
    path("xac-thuc-hai-buoc/", second_factor_views.verify, name="second-factor"),
    path("xac-thuc-hai-buoc/khoa-bao-mat/", second_factor_views.verify_with_key, name="second-factor-key"),
    path(
        "xac-thuc-hai-buoc/khoa-bao-mat/tuy-chon/",
        second_factor_views.key_authentication_options,
        name="second-factor-key-options",
    ),
    path("xac-thuc-hai-buoc/dang-ky/", second_factor_views.enrol, name="second-factor-enrol"),
    path("xac-thuc-hai-buoc/dang-ky/ma-qr.svg", second_factor_views.enrol_qr, name="second-factor-qr"),
    path("bao-mat/", second_factor_views.security, name="security"),
    path(
        "bao-mat/ma-khoi-phuc/",
        second_factor_views.regenerate_recovery_codes,
        name="recovery-codes",
    ),
    path("bao-mat/khoa-bao-mat/", second_factor_views.add_key, name="security-key-add"),
    path(
        "bao-mat/khoa-bao-mat/tuy-chon/",
        second_factor_views.key_registration_options,
        name="security-key-options",
    ),
    path("bao-mat/khoa-bao-mat/<int:key_id>/go/", second_factor_views.remove_key, name="security-key-remove"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("sau-dang-nhap/", views.after_login, name="after-login"),
    path("dang-ky/", local_account_views.register, name="register"),
    path("dang-ky/xac-minh/", local_account_views.register_verify, name="register-verify"),
    path("quen-mat-khau/", views.PasswordResetRequestView.as_view(), name="password-reset"),
    path("quen-mat-khau/bang-ma/", local_account_views.reset_request, name="password-reset-by-code"),
    path("quen-mat-khau/nhap-ma/", local_account_views.reset_with_code, name="password-reset-code"),
    path("quen-mat-khau/da-gui/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "dat-lai-mat-khau/hoan-tat/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.NewPasswordView.as_view(),
        name="password-reset-confirm",
    ),
]
