"""A citizen opens the portal and signs in; an officer signs in and lands in the workspace."""

import pytest

from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.identity import PASSWORD
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, identifier):
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(identifier)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_citizen_opens_the_portal_and_signs_in_with_the_national_id(page, make_user):
    with database_work():
        make_user("congdan", national_id="074090001234", full_name="Nguyễn Văn An", password=PASSWORD)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="Đăng nhập").first.click()
    sign_in(page, "074090001234")
    page.wait_for_url("**/")
    assert page.get_by_text("Nguyễn Văn An").first.is_visible()


def test_wrong_password_shows_a_clear_message_and_keeps_the_visitor_signed_out(page, make_user):
    with database_work():
        make_user("congdan", national_id="074090001234", password=PASSWORD)
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill("congdan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").first.is_visible()


def test_officer_signs_in_and_lands_in_the_workspace(page, make_user):
    with database_work():
        officer = make_user("motcua", kind="official", full_name="Lê Thị Cúc", password=PASSWORD)
        agency = AgencyFactory(code="000.01.01.H08", name="UBND phường Phú Lợi", kind="ubnd")
        StaffMembershipFactory(user=officer, agency=agency, role="one_stop_officer")
    page.goto("/tai-khoan/dang-nhap/")
    sign_in(page, "motcua")
    page.wait_for_url("**/can-bo/")
    assert page.get_by_text("UBND phường Phú Lợi").first.is_visible()
