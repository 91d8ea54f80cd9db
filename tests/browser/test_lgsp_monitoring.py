"""Issue 8's acceptance in Chromium: an agency's IT officer registers a system and a service, grants a
consumer access, and sees its traffic on the LGSP monitoring page — the traffic written through the
message log's real API (``messagelog.append``, the gateway's group commit) — each page checked with
axe-core (no serious or critical violation)."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from congso.agencies.models import AgencyKind
from congso.lgsp import messagelog, services
from congso.lgsp.models import Service
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


def _calls(client: str, service: str, statuses: list[int]) -> list[dict]:
    now = timezone.now()
    return [
        {
            "at": now - timedelta(seconds=len(statuses) - n),
            "message_id": f"browser-{n}",
            "client": client,
            "service": service,
            "method": "GET",
            "path": f"/van-ban/{n}-UBND",
            "user_id": "",
            "issue": "",
            "data_subject": "",
            "status": status,
            "source": "provider" if status >= 500 else "",
            "request_bytes": 0,
            "response_bytes": 2,
            "duration_us": 3000 + 1000 * n,
            "request_sha256": hashlib.sha256(b"").hexdigest(),
            "response_sha256": hashlib.sha256(b"{}").hexdigest(),
        }
        for n, status in enumerate(statuses)
    ]


def test_it_officer_registers_grants_and_sees_the_traffic(browser, live_server, make_user, tmp_path):
    with database_work():
        office = AgencyFactory(code="000.00.01.H08", name="Văn phòng UBND tỉnh", kind=AgencyKind.DEPARTMENT)
        justice = AgencyFactory(code="000.00.03.H08", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)
        consumer = services.register_system(services.member_for_agency(justice), "HOTICH", "Phần mềm hộ tịch")
        consumer_label, consumer_id = str(consumer), consumer.identifier
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

    page.get_by_role("link", name="Đăng ký hệ thống").click()
    page.get_by_label("Mã hệ thống").fill("QLVB")
    page.get_by_label("Tên hệ thống").fill("Quản lý văn bản và điều hành")
    page.get_by_role("button", name="Đăng ký hệ thống").click()
    page.get_by_role("heading", name="Quản lý văn bản và điều hành").wait_for()
    page.get_by_role("link", name="Đăng ký dịch vụ").click()
    page.get_by_label("Mã dịch vụ").fill("van-ban")
    page.get_by_label("Tên dịch vụ").fill("Tra cứu văn bản")
    page.get_by_label("Địa chỉ máy chủ cung cấp").fill("https://qlvb.example/api")
    page.get_by_label("Tài liệu OpenAPI (JSON)").set_input_files(str(document))
    page.get_by_role("button", name="Đăng ký dịch vụ").click()
    page.get_by_role("heading", name="Tra cứu văn bản").wait_for()
    page.get_by_label("Hệ thống được cấp quyền").select_option(label=consumer_label)
    page.get_by_role("button", name="Cấp quyền", exact=True).click()
    page.get_by_text("Đã cấp quyền truy cập.").wait_for()

    with database_work():
        service = Service.objects.get(code="van-ban")
        service_id = service.path_identifier
        assert services.is_allowed(consumer, service, "GET", "/van-ban/1-UBND")
        messagelog.append(_calls(consumer_id, service_id, [200, 200, 200, 404, 502, 200]))

    page.get_by_role("link", name="Giám sát LGSP").click()
    page.get_by_role("heading", name="Giám sát LGSP", exact=True).wait_for()
    row = page.locator(f'#by-service tr[data-key="{service_id}"]')
    assert row.locator("td").nth(0).inner_text() == "6"  # requests
    assert row.locator("td").nth(1).inner_text() == "1"  # 4xx
    assert row.locator("td").nth(2).inner_text() == "1"  # 5xx
    assert page.locator("svg.lgsp-chart rect.lgsp-chart-bar--late").count() == 1
    collect_axe_violations(page, "monitoring page", found)

    page.get_by_role("link", name="7 ngày").click()
    page.wait_for_url("**/giam-sat/?ky=7-ngay")
    row.get_by_role("link", name="Tra cứu văn bản").click()
    page.get_by_role("heading", name="Tra cứu văn bản").wait_for()
    assert page.locator(f'#breakdown tr[data-key="{consumer_id}"] td').nth(0).inner_text() == "6"
    collect_axe_violations(page, "service monitoring page", found)
    context.close()
    assert not found, f"accessibility violations: {found}"
