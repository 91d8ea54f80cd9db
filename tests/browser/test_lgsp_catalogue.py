"""An agency's IT officer (its agency administrator) in the LGSP service catalogue, in Chromium: registers
a system and a service with its OpenAPI file, grants another agency's system access, and reads the
service page — each page checked with axe-core (no serious or critical violation)."""

import json

import pytest

from congso.agencies.models import AgencyKind
from congso.lgsp import services
from congso.lgsp.models import AccessRight, Service
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.identity import PASSWORD
from tests.support.browser import collect_axe_violations, database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "Văn bản", "version": "1.0"},
    "paths": {
        "/van-ban/{so}": {
            "get": {
                "summary": "Một văn bản",
                "parameters": [{"name": "so", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Văn bản"}},
            }
        }
    },
}


def test_it_officer_registers_a_system_and_a_service_and_grants_access(
    browser, live_server, make_user, tmp_path
):
    with database_work():
        office = AgencyFactory(code="000.00.01.H08", name="Văn phòng UBND tỉnh", kind=AgencyKind.DEPARTMENT)
        justice = AgencyFactory(code="000.00.03.H08", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)
        consumer = services.register_system(services.member_for_agency(justice), "HOTICH", "Phần mềm hộ tịch")
        consumer_label = str(consumer)
        officer = make_user("it.vanphong", kind="official")
        StaffMembershipFactory(user=officer, agency=office, role="agency_admin")
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(OPENAPI, ensure_ascii=False), encoding="utf-8")
    found: list = []

    context = browser.new_context(locale="vi-VN", base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/tai-khoan/dang-nhap/?next=/can-bo/lgsp/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("it.vanphong")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/lgsp/")
    collect_axe_violations(page, "catalogue", found)

    page.get_by_role("link", name="Đăng ký hệ thống").click()
    page.get_by_role("button", name="Đăng ký hệ thống").click()  # empty: errors first
    assert page.locator(".error-summary").is_visible()
    collect_axe_violations(page, "system form with errors", found)
    page.get_by_label("Mã hệ thống").fill("QLVB")
    page.get_by_label("Tên hệ thống").fill("Quản lý văn bản và điều hành")
    page.get_by_label("Hệ thống phục vụ người dân, doanh nghiệp").check()
    page.get_by_role("button", name="Đăng ký hệ thống").click()
    page.get_by_role("heading", name="Quản lý văn bản và điều hành").wait_for()
    collect_axe_violations(page, "system page", found)

    page.get_by_role("link", name="Đăng ký dịch vụ").click()
    page.get_by_label("Mã dịch vụ").fill("van-ban")
    page.get_by_label("Tên dịch vụ").fill("Tra cứu văn bản")
    page.get_by_label("Địa chỉ máy chủ cung cấp").fill("https://qlvb.example/api")
    page.get_by_label("Tài liệu OpenAPI (JSON)").set_input_files(str(document))
    page.get_by_role("button", name="Đăng ký dịch vụ").click()
    page.get_by_role("heading", name="Tra cứu văn bản").wait_for()
    assert page.get_by_role(
        "heading", name="GET /van-ban/{so} — Một văn bản"
    ).is_visible()  # the OpenAPI document

    page.get_by_label("Hệ thống được cấp quyền").select_option(label=consumer_label)
    page.get_by_role("button", name="Cấp quyền", exact=True).click()
    page.get_by_text("Đã cấp quyền truy cập.").wait_for()
    assert page.get_by_role("cell", name="Phần mềm hộ tịch GOV/000.00.03.H08/HOTICH").is_visible()
    collect_axe_violations(page, "service page", found)
    # On a phone the access-rights table scrolls in its own box; its hidden "Thao tác" header used to be
    # placed past that box and widened the whole page.
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

    with database_work():
        service = Service.objects.get(code="van-ban")
        assert AccessRight.objects.get().granted_by == officer
        assert services.is_allowed(consumer, service, "GET", "/van-ban/12-UBND")
    assert not found, f"accessibility violations: {found}"
