"""The web shell as a whole: security headers, CSP-safe markup, accessibility smoke checks, page weight,
error pages and the admin theme, over every page the shell owns."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.support.html import has_link, one, select

PAGE_BUDGET_BYTES = 150 * 1024
FOCUSABLE_TAGS = {"a", "button", "input", "select", "textarea", "summary"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    """Collects, in one pass, what the checks below need from a rendered page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.h1_count = 0
        self.focusables = []  # (tag, attrs) in document order
        self.fields = []  # (tag, attrs, inside_label)
        self.label_for = set()
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes = []
        self.stylesheets = []
        self.scripts = []
        self.links = []
        self.main_ids = []
        self.ids = []
        self._label_depth = 0
        self._script_has_src = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if "style" in a:
            self.style_attributes.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "main":
            self.main_ids.append(a.get("id"))
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag == "style":
            self.style_elements += 1
        elif tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.stylesheets.append(a["href"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in {"input", "select", "textarea"} and a.get("type") not in UNLABELLED_INPUT_TYPES:
            self.fields.append((tag, a, self._label_depth > 0))
        is_focusable = (
            (tag == "a" and "href" in a)
            or (tag in FOCUSABLE_TAGS - {"a"} and a.get("type") != "hidden" and "disabled" not in a)
            or ("tabindex" in a and a["tabindex"].lstrip("-").isdigit() and int(a["tabindex"]) >= 0)
        )
        if is_focusable:
            self.focusables.append((tag, a))

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1

    def unlabelled_fields(self):
        missing = []
        for tag, attrs, inside_label in self.fields:
            labelled = (
                inside_label
                or attrs.get("id") in self.label_for
                or attrs.get("aria-label")
                or attrs.get("aria-labelledby")
            )
            if not labelled:
                missing.append((tag, attrs.get("name")))
        return missing


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def officer(make_user):
    """An official with a membership in force in one department."""
    user = make_user("canbo", kind="official", full_name="Trần Thị Bình")
    agency = AgencyFactory(code="000.00.12.H08", name="Sở Tư pháp", kind="department")
    StaffMembershipFactory(user=user, agency=agency, role="specialist")
    return user


def _server_error_html(rf):
    return defaults.server_error(rf.get("/")).content.decode()


def _bad_request_html(rf):
    return defaults.bad_request(rf.get("/"), Exception("bad")).content.decode()


@pytest.fixture
def page(client, make_user, officer, rf):
    """``page(name)`` → the HTML of one page the shell owns, rendered the way a visitor gets it."""

    def get(name):
        if name == "portal home":
            response = client.get(reverse("portal:home"))
        elif name == "portal home, signed in":
            client.force_login(make_user("congdan"))
            response = client.get(reverse("portal:home"))
        elif name == "workspace home":
            client.force_login(officer)
            response = client.get(reverse("workspace:home"))
        elif name == "403":
            client.force_login(make_user("nguoidan"))
            response = client.get(reverse("workspace:home"))
        elif name == "404":
            response = client.get("/khong-co-trang-nay/")
        elif name == "400":
            return _bad_request_html(rf)
        elif name == "500":
            return _server_error_html(rf)
        elif name == "admin sign-in":
            response = client.get(reverse("admin:login"))
        else:
            raise AssertionError(name)
        return response.content.decode()

    return get


SHELL_PAGES = ["portal home", "portal home, signed in", "workspace home", "403", "404", "400", "500"]


# --- Security headers and CSP-safe markup -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["portal:home", "workspace:home"])
def test_security_headers(client, officer, url_name):
    client.force_login(officer)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*SHELL_PAGES, "admin sign-in"])
def test_no_inline_script_or_style(page, name):
    """The CSP blocks inline script and style, so none may be relied on."""
    found = audit(page(name))
    assert found.inline_scripts == 0
    assert found.style_elements == 0
    assert found.style_attributes == []


# --- Accessibility smoke checks (the browser-based axe run comes separately) ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHELL_PAGES)
def test_accessibility_smoke(page, name):
    found = audit(page(name))
    assert found.html_lang in {"vi", "en"}
    assert found.h1_count == 1
    assert found.main_ids == ["main"]
    first_tag, first_attrs = found.focusables[0]
    assert (first_tag, first_attrs.get("href")) == ("a", "#main")
    assert "skip-link" in first_attrs.get("class", "")
    assert found.unlabelled_fields() == []
    assert len(found.ids) == len(set(found.ids)), "duplicate id attributes"


@pytest.mark.django_db
def test_skip_link_text_is_vietnamese(client):
    html = client.get(reverse("portal:home")).content.decode()
    skip = one(html, "a.skip-link")
    assert (skip["href"], skip.text) == ("#main", "Bỏ qua đến nội dung chính")
    main = one(html, "main")
    assert (main["id"], main["class"], main["tabindex"]) == ("main", "main", "-1")


@pytest.mark.django_db
def test_audit_catches_what_it_looks_for():
    """The checks above would fail on a page breaking the rules (guards against a blind parser)."""
    found = audit(
        '<html><body><a href="/x">x</a><h1>a</h1><h1>b</h1><script>alert(1)</script>'
        '<p style="color:red">r</p><input name="q"><label for="n">n</label><input id="n" name="n">'
        "</body></html>"
    )
    assert found.html_lang is None
    assert found.h1_count == 2
    assert found.focusables[0][1]["href"] == "/x"
    assert found.inline_scripts == 1
    assert found.style_attributes == ["p"]
    assert found.unlabelled_fields() == [("input", "q")]


# --- Page weight ------------------------------------------------------------------------------


def page_weight(html: str) -> dict[str, int]:
    """Bytes of the HTML and of every same-origin stylesheet and script it links (images excluded)."""
    found = audit(html)
    sizes = {"html": len(html.encode())}
    for url in found.stylesheets + found.scripts:
        parts = urlsplit(url)
        assert not parts.netloc, f"{url} is not same-origin"  # no CDN (DESIGN §3)
        assert parts.path.startswith(settings.STATIC_URL), url
        path = finders.find(parts.path.removeprefix(settings.STATIC_URL))
        assert path, f"{url} is linked but not found by the static finders"
        with open(path, "rb") as fh:
            sizes[url] = len(fh.read())
    return sizes


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal home", "portal home, signed in", "workspace home"])
def test_page_weight_under_budget(page, name):
    sizes = page_weight(page(name))
    assert any(url.endswith("congso.css") for url in sizes)
    assert any(url.endswith("congso.js") for url in sizes)
    assert sum(sizes.values()) <= PAGE_BUDGET_BYTES, sizes


@pytest.mark.django_db
def test_linked_static_files_are_served(client):
    """What the pages link is actually served (WhiteNoise with finders outside production)."""
    found = audit(client.get(reverse("portal:home")).content.decode())
    for url in found.stylesheets + found.scripts:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


# --- Shared layout parts --------------------------------------------------------------------


@pytest.mark.django_db
def test_sandbox_banner_follows_the_setting(client, settings):
    settings.CONGSO_SANDBOX_ENABLED = True
    banner = "Môi trường thử nghiệm — dữ liệu minh họa, các hệ thống quốc gia là mô phỏng."
    assert banner in client.get(reverse("portal:home")).content.decode()
    settings.CONGSO_SANDBOX_ENABLED = False
    assert banner not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_footer_names_province_and_licence(client, settings):
    settings.CONGSO_PROVINCE_NAME = "Thành phố Hồ Chí Minh"
    html = client.get(reverse("portal:home")).content.decode()
    assert "trên địa bàn Thành phố Hồ Chí Minh" in html
    assert "Phát triển trên nền tảng mã nguồn mở congso (Apache-2.0)." in html


@pytest.mark.django_db
def test_messages_use_live_regions(client, officer):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get("/")
    request.session = {}
    request.user = officer
    request._messages = FallbackStorage(request)
    messages.success(request, "Đã lưu.")
    messages.error(request, "Không lưu được.")
    html = render_to_string("includes/messages.html", request=request)
    assert one(html, "div.notice.notice--success")["role"] == "status"
    assert one(html, "div.notice.notice--error")["role"] == "alert"


def test_pagination_keeps_the_query(rf):
    page_obj = Paginator(list(range(45)), 20).page(2)
    request = rf.get("/tim-kiem/", {"q": "khai sinh", "page": "2"})
    html = render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)
    assert one(html, 'a[rel="prev"]')["href"] == "?q=khai+sinh&page=1"
    assert one(html, 'a[rel="next"]')["href"] == "?q=khai+sinh&page=3"
    assert "Trang 2 / 3" in html
    single = render_to_string(
        "includes/pagination.html", {"page_obj": Paginator([1], 20).page(1)}, request=request
    )
    assert single.strip() == ""


# --- Error pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_not_found_page_is_vietnamese_in_portal_layout(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert select(html, ".site-nav")
    assert has_link(html, reverse("portal:home"))


def test_a_forms_address_opened_directly_is_a_page_not_a_blank_405(client, make_user):
    # Switching the language after a form came back with errors at its own address (/uy-quyen/con/)
    # reloads that address by GET: the view takes only POST and answered an empty 405, a blank page.
    client.force_login(make_user())
    response = client.get("/uy-quyen/con/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Content-Security-Policy" in response and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert one(html, "h1").text == "Không mở trực tiếp được trang này"
    assert select(html, ".site-nav") and has_link(html, reverse("portal:home"))
    client.cookies["congso_language"] = "en"
    english = client.get("/uy-quyen/con/").content.decode()
    assert one(english, "h1").text == "This page cannot be opened directly"
    # A 405 that says something itself (the API's problem+json) is left as it is.
    api = client.delete("/api/v1/procedures")
    assert api.status_code == 405 and api["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_server_error_page_needs_neither_database_nor_urlconf(rf, settings, django_assert_num_queries):
    """500.html renders with no context processors, no query and even with a broken URLconf."""
    settings.ROOT_URLCONF = "congso.no_such_urlconf"
    with django_assert_num_queries(0):
        response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Rất tiếc, hệ thống đang gặp sự cố" in html
    assert "congso/css/congso.css" in html


@pytest.mark.django_db
def test_bad_request_page_is_static_and_vietnamese(rf, settings, django_assert_num_queries):
    settings.ROOT_URLCONF = "congso.no_such_urlconf"
    with django_assert_num_queries(0):
        response = defaults.bad_request(rf.get("/"), Exception("bad"))
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


# --- Admin theme --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_is_named_and_themed(client, make_user, settings):
    html = client.get(reverse("admin:login")).content.decode()
    assert "Quản trị congso" in html
    assert "congso/css/admin.css" in html
    assert has_link(html, reverse("portal:home"))

    admin_user = make_user("quantri", kind="official", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert f"Quản trị congso · {settings.CONGSO_PROVINCE_NAME}" in index
    assert one(index, "title").text == "Quản trị hệ thống | Quản trị congso"


@pytest.mark.django_db
def test_default_forbidden_page_does_not_show_the_exception(rf):
    """Django's own 403 handler passes the exception text; it may be internal, so it is not shown."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = rf.get("/ho-so/123/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied("dossier 123 belongs to user 7"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền xem trang này" in html
    assert "belongs to user 7" not in html
    assert has_link(html, reverse("identity:login"))


@pytest.mark.django_db
def test_a_page_extending_base_directly_gets_the_whole_shell(rf, settings):
    """Pages of other blocks (e.g. sign-in) may extend base.html itself: skip link, main, switch, footer."""
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines

    settings.CONGSO_SANDBOX_ENABLED = True
    request = rf.get("/tai-khoan/vi-du/")
    request.user = AnonymousUser()
    page_source = (
        '{% extends "base.html" %}{% block title %}Ví dụ{% endblock %}'
        "{% block content %}<h1>Ví dụ</h1>{% endblock %}"
    )
    html = engines["django"].from_string(page_source).render(request=request)
    found = audit(html)
    assert found.html_lang == "vi"
    assert one(html, "title").text == "Ví dụ – Cổng dịch vụ công tỉnh Bình Dương"
    assert found.focusables[0][1].get("href") == "#main"
    assert found.main_ids == ["main"]
    assert one(html, 'input[name="next"]')["value"] == "/tai-khoan/vi-du/"
    assert "Môi trường thử nghiệm" in html
    assert "Phát triển trên nền tảng mã nguồn mở congso (Apache-2.0)." in html


def test_definition_lists_use_a_class_the_stylesheets_define():
    """A page's facts (label, value) are laid out by a stylesheet class; an unknown class such as
    "summary" left the dossier page's national-portal panel and the payment pages as bare, indented
    lists unlike the rest of the page."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "src" / "congso"
    styles = "\n".join(path.read_text(encoding="utf-8") for path in root.rglob("*.css"))
    unstyled = []
    for template in root.rglob("templates/**/*.html"):
        for classes in re.findall(r'<dl class="([^"]*)"', template.read_text(encoding="utf-8")):
            if not any(re.search(rf"\.{re.escape(name)}(?![\w-])", styles) for name in classes.split()):
                unstyled.append(f"{template.relative_to(root)}: {classes}")
    assert unstyled == []
