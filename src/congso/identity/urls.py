"""Sign-in pages under /tai-khoan/ (Vietnamese paths, English names)."""

from django.urls import path

from . import views
from .contrib.vneid import plugin as vneid_plugin

app_name = "identity"

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-nhap/<slug:method>/", views.start_sign_in, name="sign-in-method"),
    path("vneid/ve/", vneid_plugin.callback, name="vneid-callback"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("sau-dang-nhap/", views.after_login, name="after-login"),
    path("quen-mat-khau/", views.PasswordResetRequestView.as_view(), name="password-reset"),
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
