"""An agency's IT officer subscribes its system to dossier events in Chromium: reads the event types
beside the services and one type's schema, subscribes by webhook (the signing secret shown once),
pauses the subscription, and opens the dead-letter list — each page checked with axe-core (no serious
or critical violation)."""

import pytest

from congso.agencies.models import AgencyKind
from congso.lgsp import services
from congso.lgsp.models import Subscription, SubscriptionState
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.identity import PASSWORD
from tests.support.browser import collect_axe_violations, database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_officer_subscribes_a_system_to_dossier_events(browser, live_server, make_user):
    with database_work():
        justice = AgencyFactory(code="000.00.03.H08", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)
        system = services.register_system(services.member_for_agency(justice), "HOTICH", "Phần mềm hộ tịch")
        types = {t.code: t for t in services.ensure_domain_event_types()}
        services.grant_events(types["dossier.result_ready"], system=system)  # by the platform, beforehand
        officer = make_user("it.tuphap", kind="official")
        StaffMembershipFactory(user=officer, agency=justice, role="agency_admin")
        system_pk = system.pk
    found: list = []

    context = browser.new_context(locale="vi-VN", base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/tai-khoan/dang-nhap/?next=/can-bo/lgsp/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("it.tuphap")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/lgsp/")
    assert page.get_by_role("heading", name="Loại sự kiện", exact=True).is_visible()

    page.get_by_role("link", name="Đã có kết quả giải quyết").click()
    page.get_by_role("heading", name="Lược đồ JSON của nội dung").wait_for()
    assert page.get_by_text('"additionalProperties": false').is_visible()
    collect_axe_violations(page, "event type", found)

    page.goto(f"/can-bo/lgsp/he-thong/{system_pk}/")
    page.get_by_role("link", name="Các đăng ký nhận sự kiện của hệ thống").click()
    page.get_by_role("heading", name="Đăng ký nhận sự kiện").wait_for()
    page.get_by_role("button", name="Đăng ký", exact=True).click()  # push without an address: an error
    assert page.locator(".error-summary").is_visible()
    collect_axe_violations(page, "subscription form with errors", found)
    page.get_by_label("Loại sự kiện").select_option(label="Đã có kết quả giải quyết (dossier.result_ready)")
    page.get_by_label("Địa chỉ nhận").fill("https://hotich.example/congso-events")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.get_by_role("heading", name="Đã đăng ký nhận sự kiện").wait_for()
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    collect_axe_violations(page, "secret shown once", found)

    page.get_by_role("link", name="Quay lại danh sách đăng ký").click()
    page.get_by_role("button", name="Tạm dừng nhận dossier.result_ready").click()
    page.get_by_text("Đã tạm dừng nhận sự kiện.").wait_for()
    collect_axe_violations(page, "subscriptions", found)
    page.goto("/can-bo/lgsp/that-bai/")
    page.get_by_text("Không có lượt chuyển nào thất bại.").wait_for()
    collect_axe_violations(page, "dead letters", found)
    context.close()

    with database_work():
        subscription = Subscription.objects.get()
        assert subscription.state == SubscriptionState.PAUSED and subscription.created_by == officer
        assert services.subscription_secret(subscription) == secret
    assert not found, f"accessibility violations: {found}"
