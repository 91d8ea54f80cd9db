import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories.identity import CITIZEN_ID, PASSWORD
from tests.support.html import has_link, links, one, select

LOGIN = "/tai-khoan/dang-nhap/"


def _sign_in_form(response):
    """The sign-in form's markup alone (the layout around it is another engineer's)."""
    html = response.content.decode()
    start = html.index(f'<form method="post" action="{LOGIN}"')
    return html[start : html.index("</form>", start)]


def _signed_in_as(client, user):
    return client.session.get(SESSION_KEY) == str(user.pk)


@pytest.mark.django_db
def test_sign_in_page_is_an_accessible_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert one(html, 'label[for="id_username"]').text == "Tên đăng nhập hoặc số định danh cá nhân"
    assert one(html, 'label[for="id_password"]').text == "Mật khẩu"
    assert one(html, "#id_username")["autocomplete"] == "username"
    assert one(html, "#id_password")["autocomplete"] == "current-password"
    assert select(html, 'input[name="csrfmiddlewaretoken"]')
    assert has_link(html, "/tai-khoan/quen-mat-khau/")
    assert "error-summary" not in html
    assert select(html, "script:not([src])") == [] and select(html, "[style]") == []  # strict CSP


@pytest.mark.django_db
def test_sign_in_with_user_name(sign_in, client, citizen):
    response = sign_in("an.nguyen", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert _signed_in_as(client, citizen)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [CITIZEN_ID, "074 090 000 123", " AN.NGUYEN "])
def test_sign_in_with_national_id_or_another_spelling(sign_in, client, citizen, typed):
    response = sign_in(typed, PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client, citizen)


@pytest.mark.django_db
def test_officials_land_in_the_workspace(sign_in, client, official):
    response = sign_in("canbo.mot", PASSWORD)
    assert response["Location"] == reverse("workspace:home")


@pytest.mark.django_db
def test_an_official_signing_in_from_the_citizen_home_page_lands_in_the_workspace(sign_in, official):
    # What the header's sign-in link used to carry from the home page: "back to /" is no page of its own.
    response = sign_in("canbo.mot", PASSWORD, next_url="/")
    assert response["Location"] == reverse("workspace:home")


@pytest.mark.django_db
def test_a_page_asked_for_still_wins_over_the_home_of_the_account(sign_in, citizen, official):
    assert sign_in("canbo.mot", PASSWORD, next_url="/thu-tuc/")["Location"] == "/thu-tuc/"
    other = Client()
    response = sign_in("an.nguyen", PASSWORD, client=other, next_url="/")
    assert response["Location"] == reverse("portal:home")
    unsafe = sign_in("an.nguyen", PASSWORD, client=Client(), next_url="https://evil.example/")
    assert unsafe["Location"] == reverse("portal:home")


@pytest.mark.django_db
def test_platform_administrators_land_where_they_work(sign_in, make_user):
    make_user(username="root.admin", password=PASSWORD, is_superuser=True, is_staff=True)
    assert sign_in("root.admin", PASSWORD, next_url="/")["Location"] == reverse("workspace:home")
    # Staff without an administrative role: the admin would turn them away, so the portal's home.
    make_user(username="staff.only", password=PASSWORD, is_staff=True)
    response = sign_in("staff.only", PASSWORD, client=Client())
    assert response["Location"] == reverse("portal:home")


@pytest.mark.django_db
def test_the_header_sign_in_link_carries_no_next_from_the_home_page(client):
    home = client.get(reverse("portal:home")).content.decode()
    assert has_link(home, LOGIN) and f"{LOGIN}?next=" not in home
    procedures = client.get("/thu-tuc/").content.decode()
    assert has_link(procedures, f"{LOGIN}?next=/thu-tuc/")


@pytest.mark.django_db
def test_a_safe_next_page_is_respected_for_officials_too(sign_in, official):
    response = sign_in("canbo.mot", PASSWORD, next_url="/ho-so/123/?tab=1")
    assert response["Location"] == "/ho-so/123/?tab=1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "https:evil.example", "/\\evil"]
)
def test_next_to_another_site_is_refused(sign_in, client, citizen, next_url):
    page = client.get(LOGIN, {"next": next_url})
    assert page.context["next"] == ""
    assert "evil" not in _sign_in_form(page)  # not carried in the form either
    response = sign_in("an.nguyen", PASSWORD, next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


@pytest.mark.django_db
def test_next_from_the_query_string_is_carried_in_the_form(client):
    form = _sign_in_form(client.get(LOGIN, {"next": "/ho-so/"}))
    next_field = one(form, 'input[name="next"]')
    assert (next_field["type"], next_field["value"]) == ("hidden", "/ho-so/")


def _comparable(response, typed):
    """The page with what differs by nature (CSRF token, echoed user name) blanked out."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return html.replace(f'value="{typed}"', 'value=""')


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_get_the_same_page(sign_in, citizen, make_user):
    make_user(username="inactive.user", password=PASSWORD, is_active=False)
    known = sign_in("an.nguyen", "wrong-password")
    unknown = sign_in("nobody.here", "wrong-password", REMOTE_ADDR="10.0.0.2")
    inactive = sign_in("inactive.user", PASSWORD, REMOTE_ADDR="10.0.0.3")
    assert known.status_code == unknown.status_code == inactive.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in known.content.decode()
    assert _comparable(known, "an.nguyen") == _comparable(unknown, "nobody.here")
    assert _comparable(known, "an.nguyen") == _comparable(inactive, "inactive.user")


@pytest.mark.django_db
def test_errors_are_summarised_with_links_to_the_fields(sign_in):
    response = sign_in("", "")
    html = response.content.decode()
    assert response.status_code == 200
    assert one(html, "div.error-summary")["role"] == "alert"
    assert links(html, ".error-summary a") == [
        ("#id_username", "Nhập tên đăng nhập hoặc số định danh cá nhân."),
        ("#id_password", "Nhập mật khẩu."),
    ]
    assert select(html, "#id_username_error") and select(html, "#id_password_error")
    assert one(html, "title").text.startswith("Lỗi: Đăng nhập")


@pytest.mark.django_db
def test_wrong_credentials_link_to_the_first_field_and_the_form_error(sign_in, citizen):
    html = sign_in("an.nguyen", "wrong").content.decode()
    assert has_link(html, "#id_username", "Tên đăng nhập hoặc mật khẩu không đúng.")
    assert select(html, "#form-error")
    assert one(html, "#id_username")["aria-describedby"] == "id_username_helptext form-error"
    assert one(html, "#id_username")["value"] == "an.nguyen"  # what was typed is kept, the password is not
    assert "wrong" not in html


@pytest.mark.django_db
def test_signing_in_gives_a_new_session_key(sign_in, client, citizen):
    session = client.session
    session["chosen_language"] = "vi"
    session.save()
    before = session.session_key
    client.cookies["congso_session"] = before
    sign_in("an.nguyen", PASSWORD)
    assert client.cookies["congso_session"].value != before
    assert _signed_in_as(client, citizen)


@pytest.mark.django_db
def test_signed_in_people_are_sent_on_from_the_sign_in_page(client, official):
    client.force_login(official)
    response = client.get(LOGIN)
    assert response["Location"] == reverse("workspace:home")


@pytest.mark.django_db
def test_after_login_page_sends_each_kind_home(client, citizen, official):
    assert client.get(reverse("identity:after-login"))["Location"] == "/"
    client.force_login(official)
    assert client.get(reverse("identity:after-login"))["Location"] == "/can-bo/"
    client.force_login(citizen)
    assert client.get(reverse("identity:after-login"))["Location"] == "/"


@pytest.mark.django_db
def test_sign_out_by_get_only_asks_for_confirmation(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("identity:logout"))
    assert response.status_code == 200
    html = response.content.decode()
    assert one(html, 'main form[action="/tai-khoan/dang-xuat/"]')["method"] == "post"
    assert "Bạn muốn đăng xuất?" in html
    assert _signed_in_as(client, citizen)


@pytest.mark.django_db
def test_sign_out_by_post(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert SESSION_KEY not in client.session
    assert "Bạn đã đăng xuất." in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_sign_out_needs_the_csrf_token(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post(reverse("identity:logout")).status_code == 403
    assert _signed_in_as(client, citizen)
    token = client.get(reverse("identity:logout")).context["csrf_token"]
    assert client.post(reverse("identity:logout"), {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_sign_out_page_without_a_session_goes_home(client):
    assert client.get(reverse("identity:logout"))["Location"] == "/"


@pytest.mark.django_db
def test_sign_out_keeps_only_a_safe_next(client, citizen):
    client.force_login(citizen)
    assert client.post(reverse("identity:logout"), {"next": "https://evil.example/"})["Location"] == "/"
    client.force_login(citizen)
    assert client.post(reverse("identity:logout"), {"next": "/thu-tuc/"})["Location"] == "/thu-tuc/"


@pytest.mark.django_db
def test_page_title_keeps_the_platform_name(client, settings):
    html = client.get(LOGIN).content.decode()
    assert one(html, "title").text == f"Đăng nhập – {settings.CONGSO_SITE_NAME}"


@pytest.mark.django_db
def test_next_pointing_back_to_the_sign_in_page_is_ignored(client, sign_in, citizen):
    assert sign_in("an.nguyen", PASSWORD, next_url=LOGIN)["Location"] == "/"
    # Signed in, the same link would otherwise loop back to itself.
    assert client.get(LOGIN, {"next": f"{LOGIN}?a=1"})["Location"] == "/"
