"""The sign-in method registry: the seam for the national e-ID and other methods."""

import pytest
from django.http import HttpResponseRedirect
from django.urls import reverse

from congso.identity.base import SignInMethod
from congso.identity.contrib.password.plugin import PasswordSignIn
from congso.identity.registry import available_sign_in_methods, get_available_sign_in_method, sign_in_methods
from tests.factories.identity import PASSWORD
from tests.support.html import has_link, select


class ProviderSignIn(SignInMethod):
    """A method that happens at an outside identity provider, as the national e-ID will."""

    name = "test-provider"
    label = "Nhà cung cấp thử nghiệm"
    order = 10
    available = True

    def is_available(self, request):
        return self.available

    def start(self, request):
        return HttpResponseRedirect("https://idp.example/authorize?state=x")


@pytest.fixture
def provider(settings):
    settings.CONGSO_VNEID_ISSUER = ""  # the national e-ID method off: only the test's methods are listed
    sign_in_methods.add(ProviderSignIn.name, ProviderSignIn)
    yield ProviderSignIn
    ProviderSignIn.available = True
    sign_in_methods.remove(ProviderSignIn.name)


@pytest.fixture
def password_unavailable(monkeypatch, settings):
    settings.CONGSO_VNEID_ISSUER = ""
    monkeypatch.setattr(PasswordSignIn, "is_available", lambda self, request: False)


def test_password_method_is_registered_under_its_name():
    assert sign_in_methods["password"] is PasswordSignIn
    assert PasswordSignIn.name == "password"


def test_a_method_must_say_how_it_starts():
    with pytest.raises(TypeError):
        SignInMethod()


def test_registering_two_methods_under_one_name_is_refused(provider):
    class Impostor(ProviderSignIn):
        pass

    with pytest.raises(ValueError):
        sign_in_methods.add(ProviderSignIn.name, Impostor)


def test_available_methods_are_ordered_and_filtered(rf, provider):
    request = rf.get("/")
    assert [method.name for method in available_sign_in_methods(request)] == ["test-provider", "password"]
    provider.available = False
    assert [method.name for method in available_sign_in_methods(request)] == ["password"]
    assert get_available_sign_in_method(request, "test-provider") is None
    assert get_available_sign_in_method(request, "no-such-method") is None


@pytest.mark.django_db
def test_vneid_and_password_are_offered_and_vneid_only_when_configured(client, settings):
    response = client.get(reverse("identity:login"))
    assert [method.name for method in response.context["sign_in_methods"]] == ["vneid", "password"]
    assert "Đăng nhập bằng VNeID" in response.content.decode()
    settings.CONGSO_VNEID_ISSUER = ""
    response = client.get(reverse("identity:login"))
    assert [method.name for method in response.context["sign_in_methods"]] == ["password"]
    assert "VNeID" not in response.content.decode()  # no dead link to a method that is not configured


@pytest.mark.django_db
def test_a_registered_method_appears_with_a_link_that_starts_it(client, provider):
    html = client.get(reverse("identity:login"), {"next": "/ho-so/"}).content.decode()
    start_url = reverse("identity:sign-in-method", args=["test-provider"])
    assert has_link(html, f"{start_url}?next=/ho-so/")
    assert "Đăng nhập bằng Nhà cung cấp thử nghiệm" in html
    response = client.get(start_url)
    assert response["Location"] == "https://idp.example/authorize?state=x"


@pytest.mark.django_db
def test_an_unavailable_or_unknown_method_cannot_be_started(client, provider):
    provider.available = False
    assert "test-provider" not in client.get(reverse("identity:login")).content.decode()
    assert client.get(reverse("identity:sign-in-method", args=["test-provider"])).status_code == 404
    assert client.get(reverse("identity:sign-in-method", args=["vneid"])).status_code == 404


@pytest.mark.django_db
def test_starting_the_password_method_shows_its_form_keeping_a_safe_next(client):
    url = reverse("identity:sign-in-method", args=["password"])
    assert (
        client.get(url, {"next": "/ho-so/"})["Location"] == "/tai-khoan/dang-nhap/?next=%2Fho-so%2F#password"
    )
    assert client.get(url, {"next": "https://evil.example/"})["Location"] == "/tai-khoan/dang-nhap/#password"


@pytest.mark.django_db
def test_when_the_password_method_is_off_its_form_is_gone_and_posts_are_refused(
    client, citizen, password_unavailable
):
    response = client.get(reverse("identity:login"))
    assert select(response, '[name="password"]') == []
    assert "Hiện chưa thể đăng nhập trực tuyến." in response.content.decode()
    response = client.post(reverse("identity:login"), {"username": "an.nguyen", "password": PASSWORD})
    assert response.status_code == 403
