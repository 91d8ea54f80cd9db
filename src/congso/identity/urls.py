from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("sau-dang-nhap/", views.after_login, name="after-login"),
]
