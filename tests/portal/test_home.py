"""The portal home page: content, search form, navigation without dead links, language switch."""

import pytest
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404

from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.support.html import has_link, links, one, select

HOME = "/"


@pytest.mark.django_db
def test_home_renders_in_vietnamese_by_default(client):
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert one(html, "html")["lang"] == "vi"
    assert one(html, "title").text == "Trang chủ – Cổng dịch vụ công tỉnh Bình Dương"
    assert "Làm thủ tục hành chính trực tuyến" in html
    assert "Dịch vụ công trực tuyến toàn trình" in html
    assert "Dịch vụ công trực tuyến một phần" in html
    assert "mức độ 4" in html and "mức độ 3" in html
    assert "Cách thực hiện" in html


@pytest.mark.django_db
def test_switching_language_with_the_real_set_language_post(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert response.status_code == 302
    assert response["Location"] == HOME
    english = client.get(HOME).content.decode()
    assert one(english, "html")["lang"] == "en"
    # The switch now offers Vietnamese, marked as such for screen readers.
    offered = one(english, 'form.lang-switch button[name="language"]')
    assert (offered["type"], offered["value"], offered["lang"], offered.text) == (
        "submit",
        "vi",
        "vi",
        "Tiếng Việt",
    )

    client.post(reverse("set_language"), {"language": "vi", "next": HOME})
    assert one(client.get(HOME), "html")["lang"] == "vi"


@pytest.mark.django_db
def test_language_switch_is_a_post_form_returning_to_the_same_page(client):
    html = client.get(HOME, {"q": "khai sinh"}).content.decode()
    form = one(html, "form.lang-switch")
    assert (form["action"], form["method"]) == (reverse("set_language"), "post")
    assert select(form, 'input[name="csrfmiddlewaretoken"]')
    next_field = one(form, 'input[name="next"]')
    assert (next_field["type"], next_field["value"]) == ("hidden", "/?q=khai+sinh")
    offered = one(form, 'button[name="language"]')
    assert (offered["type"], offered["value"], offered["lang"], offered.text) == (
        "submit",
        "en",
        "en",
        "English",
    )
    current = one(form, "span.lang-switch__current")
    assert (current["lang"], current["aria-current"], current.text) == ("vi", "true", "Tiếng Việt")


@pytest.mark.django_db
def test_search_form_and_menu_lead_to_the_catalogue_search(client):
    search_url = reverse("catalog:search")
    html = client.get(HOME, {"q": "kết hôn"}).content.decode()
    form = one(html, "form.search-form")
    assert (form["role"], form["method"], form["action"]) == ("search", "get", search_url)
    assert one(form, 'label[for="home-search"]').text == "Tìm thủ tục hành chính"
    assert one(form, 'input[name="q"]')["value"] == "kết hôn"
    assert has_link(html, search_url, "Thủ tục hành chính")


@pytest.mark.django_db
def test_menu_has_no_dead_links(client, make_user):
    """Sections that do not exist yet are left out of the menu rather than linked. (An official whose
    memberships have all ended still sees the workspace link and gets the 403 page explaining why.)"""
    official = make_user("canbo", kind="official")
    agency = AgencyFactory(code="000.00.12.H08", name="Sở Tư pháp", kind="department")
    StaffMembershipFactory(user=official, agency=agency, role="specialist")
    for user in (None, make_user("congdan"), official):
        if user:
            client.force_login(user)
        html = client.get(HOME).content.decode()
        for href in {href for href, _text in links(html) if not href.startswith("#")}:
            target = href.split("?")[0]
            try:
                resolve(target)
            except Resolver404:
                pytest.fail(f"dead link {href}")
            assert client.get(href).status_code in {200, 302}, href


@pytest.mark.django_db
def test_header_shows_sign_in_for_visitors(client):
    html = client.get(HOME).content.decode()
    # From the home page the link asks for no page to come back to: each person lands on their work.
    assert has_link(html, reverse("identity:login")) and "?next=/" not in html
    assert "Đăng xuất" not in html


@pytest.mark.django_db
def test_header_shows_name_and_post_sign_out_when_signed_in(client, make_user):
    client.force_login(make_user("congdan", full_name="Nguyễn Văn An"))
    html = client.get(HOME).content.decode()
    assert "Nguyễn Văn An" in html
    sign_out = one(html, f'form[action="{reverse("identity:logout")}"]')
    assert sign_out["method"] == "post"
    assert select(sign_out, 'input[name="csrfmiddlewaretoken"]')
    assert "Không gian làm việc" not in html  # citizens have no workspace


@pytest.mark.django_db
def test_header_offers_the_workspace_to_officials(client, make_user):
    client.force_login(make_user("canbo", kind="official"))
    html = client.get(HOME).content.decode()
    assert has_link(html, reverse("workspace:home"), "Không gian làm việc")


@pytest.mark.django_db
def test_sign_out_form_signs_out(client, make_user):
    client.force_login(make_user("congdan"))
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert has_link(client.get(HOME), reverse("identity:login"))
