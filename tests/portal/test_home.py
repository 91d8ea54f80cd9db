"""The portal home page: content, search form, navigation without dead links, language switch."""

import re

import pytest
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404

HOME = "/"


@pytest.mark.django_db
def test_home_renders_in_vietnamese_by_default(client):
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "<title>Trang chủ – Cổng dịch vụ công tỉnh Bình Dương</title>" in html
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
    assert '<html lang="en">' in english
    # The switch now offers Vietnamese, marked as such for screen readers.
    assert '<button type="submit" name="language" value="vi" lang="vi">Tiếng Việt</button>' in english

    client.post(reverse("set_language"), {"language": "vi", "next": HOME})
    assert '<html lang="vi">' in client.get(HOME).content.decode()


@pytest.mark.django_db
def test_language_switch_is_a_post_form_returning_to_the_same_page(client):
    html = client.get(HOME, {"q": "khai sinh"}).content.decode()
    form = re.search(
        r'<form class="lang-switch" action="([^"]+)" method="post"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, "language switch form missing"
    action, body = form.groups()
    assert action == reverse("set_language")
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<input type="hidden" name="next" value="/?q=khai+sinh">' in body
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in body
    assert '<span class="lang-switch__current" lang="vi" aria-current="true">Tiếng Việt</span>' in body


@pytest.mark.django_db
def test_search_form_and_menu_lead_to_the_catalogue_search(client):
    search_url = reverse("catalog:search")
    html = client.get(HOME, {"q": "kết hôn"}).content.decode()
    assert f'<form class="search-form" role="search" method="get" action="{search_url}">' in html
    assert '<label for="home-search">Tìm thủ tục hành chính</label>' in html
    assert 'name="q" value="kết hôn"' in html
    assert f'<a href="{search_url}">Thủ tục hành chính</a>' in html


@pytest.mark.django_db
def test_menu_has_no_dead_links(client, make_user):
    """Sections that do not exist yet are left out of the menu rather than linked. (An official whose
    memberships have all ended still sees the workspace link and gets the 403 page explaining why.)"""
    from congso.agencies.models import Agency, StaffMembership

    official = make_user("canbo", kind="official")
    agency = Agency.objects.create(code="000.00.12.H08", name="Sở Tư pháp", kind="department")
    StaffMembership.objects.create(user=official, agency=agency, role="specialist")
    for user in (None, make_user("congdan"), official):
        if user:
            client.force_login(user)
        html = client.get(HOME).content.decode()
        for href in set(re.findall(r'<a [^>]*href="([^"#][^"]*)"', html)):
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
    assert f'href="{reverse("identity:login")}"' in html and "?next=/" not in html
    assert "Đăng xuất" not in html


@pytest.mark.django_db
def test_header_shows_name_and_post_sign_out_when_signed_in(client, make_user):
    client.force_login(make_user("congdan", full_name="Nguyễn Văn An"))
    html = client.get(HOME).content.decode()
    assert "Nguyễn Văn An" in html
    sign_out = re.search(r'<form action="([^"]+)" method="post">(.*?)</form>', html, re.S)
    assert sign_out and sign_out.group(1) == reverse("identity:logout")
    assert 'name="csrfmiddlewaretoken"' in sign_out.group(2)
    assert "Không gian làm việc" not in html  # citizens have no workspace


@pytest.mark.django_db
def test_header_offers_the_workspace_to_officials(client, make_user):
    client.force_login(make_user("canbo", kind="official"))
    html = client.get(HOME).content.decode()
    assert f'<a href="{reverse("workspace:home")}">Không gian làm việc</a>' in html


@pytest.mark.django_db
def test_sign_out_form_signs_out(client, make_user):
    client.force_login(make_user("congdan"))
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert f'href="{reverse("identity:login")}"' in client.get(HOME).content.decode()
