"""A citizen signs in through the sandbox's national e-ID (VNeID) and lands in the portal, then opens
another part without signing in again; an official is asked for the second factor and cannot skip it."""

from datetime import date

import pytest
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    page.get_by_role("button", name="Đăng nhập / Sign in").click()
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
