"""The officers' widest tables fit a 1280 × 800 window: the inbox and the LGSP monitoring tables stay
inside the page (no sideways scrolling of the whole page); a table wider than its column scrolls inside
its own labelled, focusable region."""

import hashlib
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from congso.dossiers.models import Status
from congso.lgsp import demo, messagelog, services
from congso.lgsp.models import Service
from tests.factories.agencies import StaffMembershipFactory
from tests.factories.identity import PASSWORD
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1280, 800
# A folder to keep the screenshots in, when looking at the layout by eye.
SCREENSHOTS = os.environ.get("CONGSO_SCREENSHOTS")

# What the browser measures: the page's own width, and each table's box against its scroll region.
MEASURE = """() => {
  const page = document.documentElement.scrollWidth;
  const tables = [...document.querySelectorAll('main table')].map(t => {
    const region = t.closest('[role=region]');
    return {
      id: t.id || (t.caption && t.caption.textContent.trim().slice(0, 40)) || '?',
      right: Math.round(t.getBoundingClientRect().right),
      regionRight: region ? Math.round(region.getBoundingClientRect().right) : null,
      labelled: !!region && !!(region.getAttribute('aria-labelledby') || region.getAttribute('aria-label')),
      focusable: !!region && region.tabIndex === 0,
      scrolls: !!region && region.scrollWidth > region.clientWidth,
    };
  });
  return {page, tables};
}"""


def _sign_in(browser, live_server, username, start):
    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/tai-khoan/dang-nhap/?next={start}")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{start}")
    return context, page


def _assert_fits(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
    measured = page.evaluate(MEASURE)
    assert measured["tables"], f"{name}: no table on the page"
    assert measured["page"] <= WIDTH, f"{name}: the page is {measured['page']} px wide: {measured}"
    for table in measured["tables"]:
        inside = table["right"] <= WIDTH
        scrolls_in_region = table["regionRight"] is not None and table["regionRight"] <= WIDTH
        assert inside or scrolls_in_region, f"{name}: {table}"
        # Every column is visible at this width: nothing scrolls out of sight.
        assert not table["scrolls"] and inside, f"{name}: {table}"
        # A narrower window scrolls it in a labelled region reachable by keyboard.
        assert table["labelled"] and table["focusable"], f"{name}: {table}"


def _long_names(version):
    version.procedure.name = (
        "Thủ tục đăng ký khai sinh kết hợp đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới "
        "6 tuổi (liên thông các thủ tục hành chính về đăng ký khai sinh)"
    )
    version.procedure.save()


def test_the_inbox_fits_a_1280_pixel_window(drive, actors, version, browser, live_server):
    with database_work():
        _long_names(version)
        for status in (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROCESSING, Status.SUPPLEMENT_REQUESTED):
            drive(status)
        username = actors.one_stop.username
    context, page = _sign_in(browser, live_server, username, "/can-bo/ho-so/")
    _assert_fits(page, "inbox")
    context.close()


def _calls(client, service, n):
    now = timezone.now()
    return [
        {
            "at": now - timedelta(seconds=n - i),
            "message_id": f"wide-{service}-{i}",
            "client": client,
            "service": service,
            "method": "GET",
            "path": f"/ho-so/{i}",
            "user_id": "",
            "issue": "",
            "data_subject": "",
            "status": 200 if i % 5 else 502,
            "source": "" if i % 5 else "provider",
            "request_bytes": 0,
            "response_bytes": 2,
            "duration_us": 2_000_000 + 1000 * i,
            "request_sha256": hashlib.sha256(b"").hexdigest(),
            "response_sha256": hashlib.sha256(b"{}").hexdigest(),
        }
        for i in range(n)
    ]


def test_the_lgsp_monitoring_tables_fit_a_1280_pixel_window(make_user, browser, live_server):
    with database_work():
        systems = demo.seed_demo_lgsp(verbose=False)
        consumer = systems["CONGDVC"].identifier
        for service in Service.objects.all():
            messagelog.append(_calls(consumer, service.path_identifier, 12))
        services.check_services()  # the placeholder upstreams fail: the health column's longest text
        admin = make_user("quantri", kind="official")
        StaffMembershipFactory(user=admin, agency=systems["CONGDVC"].owner_agency, role="platform_admin")
    context, page = _sign_in(browser, live_server, "quantri", "/can-bo/lgsp/giam-sat/")
    _assert_fits(page, "lgsp-monitoring")
    page.locator("#by-service tbody a").first.click()
    page.locator("#breakdown").wait_for()
    _assert_fits(page, "lgsp-monitoring-service")
    context.close()
