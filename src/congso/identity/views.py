from django.contrib.auth import views as auth_views
from django.shortcuts import redirect


class SignInView(auth_views.LoginView):
    template_name = "identity/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def after_login(request):
    if request.user.is_authenticated and request.user.kind == "official":
        return redirect("workspace:home")
    return redirect("portal:home")
