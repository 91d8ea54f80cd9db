"""A citizen signs in through the sandbox's national e-ID (VNeID) and lands in the portal, then opens
another part without signing in again; an official is asked for the second factor and cannot skip it."""

from datetime import date

import pytest
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from congso.sandbox.models import Citizen, Household
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.identity import PASSWORD
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.second_factor]


@pytest.fixture
def vneid(transactional_db, live_server, settings):
    """The sandbox's VNeID as the portal's national e-ID, with one level-2 citizen."""
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_VNEID_ISSUER = f"{live_server.url}/sandbox/vneid"
    settings.CONGSO_SANDBOX_VNEID_REDIRECT_URIS = []
    cache.clear()
    household = Household.objects.create(
        code="257479001234",
        province_code="79",
        province_name="Thành phố Hồ Chí Minh",
        ward_code="25747",
        ward_name="Phường Thủ Dầu Một",
        street_address="Số 12 đường Yersin",
    )
    Citizen.objects.create(
        national_id="074090001234",
        full_name="Nguyễn Văn An",
        date_of_birth=date(1990, 5, 12),
        sex="1",
        hometown="Bình Dương",
        household=household,
        relation_to_head="Chủ hộ",
        is_generated=False,
    )
    yield
    cache.clear()


def test_citizen_signs_in_with_vneid_and_lands_in_the_portal(vneid, page, live_server):
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url("**/sandbox/vneid/auth?**")
    assert page.get_by_text("ĐÂY LÀ HỆ THỐNG MÔ PHỎNG").is_visible()
    page.get_by_label("Số định danh cá nhân").fill("074090001234")
    page.get_by_label("Mật khẩu").fill("vneid-demo")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("Nguyễn Văn An").first.is_visible()
    # Another part of congso, no second sign-in.
    page.goto("/nop-ho-so/")
    assert "/tai-khoan/dang-nhap/" not in page.url
    assert page.get_by_text("Hồ sơ đang soạn").first.is_visible()


def test_official_is_asked_for_the_second_factor_and_cannot_skip_it(page, live_server, make_user):
    with database_work():
        officer = make_user("motcua", kind="official", full_name="Lê Thị Cúc", password=PASSWORD)
        StaffMembershipFactory(
            user=officer, agency=AgencyFactory(name="UBND phường Phú Lợi"), role="one_stop_officer"
        )
        device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("motcua")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/tai-khoan/xac-thuc-hai-buoc/**")
    assert page.get_by_role("heading", name="Xác thực hai bước").is_visible()
    for address in ("/can-bo/", "/quan-tri/", "/can-bo/ho-so/", "/"):
        page.goto(address)
        assert "/tai-khoan/xac-thuc-hai-buoc/" in page.url, address
    page.get_by_label("Mã xác thực").fill("000000")
    page.get_by_role("button", name="Xác nhận").click()
    assert page.get_by_text("Mã xác thực không đúng").first.is_visible()
    with database_work():
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        device.refresh_from_db()
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url("**/can-bo/**")
    assert page.get_by_text("UBND phường Phú Lợi").first.is_visible()


def _totp_code(device) -> str:
    with database_work():
        device.refresh_from_db()
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in_with_password(page, username):
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/tai-khoan/xac-thuc-hai-buoc/**")


def test_official_registers_a_security_key_signs_in_with_it_and_removes_it(page, live_server, make_user):
    """WebAuthn with Chromium's virtual authenticator (DevTools protocol): register on the security
    page, sign in with the key instead of the app's code, remove it; a recovery code still works."""
    from congso.identity import second_factor
    from congso.identity.models import SecurityKey

    with database_work():
        officer = make_user("khoa.bao.mat", kind="official", full_name="Phạm Văn Khoa", password=PASSWORD)
        device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
        [recovery_code, *_rest] = second_factor.new_recovery_codes(officer)
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    # No key yet: the verify page offers only the app's code.
    _sign_in_with_password(page, "khoa.bao.mat")
    assert page.get_by_role("button", name="Dùng khóa bảo mật").count() == 0
    page.get_by_label("Mã xác thực").fill(_totp_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url("**/can-bo/**")

    page.goto("/tai-khoan/bao-mat/")
    page.get_by_label("Tên khóa").fill("Khóa USB màu xanh")
    page.get_by_role("button", name="Thêm khóa bảo mật").click()
    expect(page.get_by_text("Đã thêm khóa bảo mật")).to_be_visible()
    assert page.locator("#security-keys").get_by_text("Khóa USB màu xanh", exact=True).is_visible()
    with database_work():
        assert SecurityKey.objects.filter(user=officer).count() == 1

    # Sign out and in again: the key passes the second factor, and it cannot be skipped meanwhile.
    page.goto("/tai-khoan/dang-xuat/")
    page.locator("#main").get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server.url}/")
    _sign_in_with_password(page, "khoa.bao.mat")
    page.goto("/can-bo/")
    assert "/tai-khoan/xac-thuc-hai-buoc/" in page.url
    page.get_by_role("button", name="Dùng khóa bảo mật").click()
    page.wait_for_url("**/can-bo/**")
    with database_work():
        key = SecurityKey.objects.get(user=officer)
        assert key.last_used_at is not None and key.sign_count >= 1

    # Remove it; the next sign-in goes by a recovery code.
    page.goto("/tai-khoan/bao-mat/")
    page.get_by_role("button", name="Gỡ khóa Khóa USB màu xanh").click()
    expect(page.get_by_text("Đã gỡ khóa bảo mật")).to_be_visible()
    with database_work():
        assert not SecurityKey.objects.filter(user=officer).exists()
    page.goto("/tai-khoan/dang-xuat/")
    page.locator("#main").get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server.url}/")
    _sign_in_with_password(page, "khoa.bao.mat")
    assert page.get_by_role("button", name="Dùng khóa bảo mật").count() == 0
    page.get_by_label("Mã xác thực").fill(recovery_code)
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url("**/can-bo/**")


def test_the_second_factor_setup_fits_a_phone(browser, live_server, make_user):
    """At 360 px the authenticator key (32 characters in one <code>) widened the page sideways; it wraps."""
    with database_work():
        officer = make_user("motcua", kind="official", full_name="Lê Thị Cúc", password=PASSWORD)
        StaffMembershipFactory(
            user=officer, agency=AgencyFactory(name="UBND phường Phú Lợi"), role="one_stop_officer"
        )
    context = browser.new_context(
        locale="vi-VN", base_url=live_server.url, viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("motcua")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/tai-khoan/xac-thuc-hai-buoc/dang-ky/**")
    assert page.locator("#totp-secret").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
