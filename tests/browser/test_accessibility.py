"""Accessibility of the citizen portal, checked with axe-core in Chromium: no serious or critical violation
on the pages a citizen goes through — home, sign-in, search results, a procedure page, the application
(start, a step showing errors, a date in three boxes with its error, papers, check your answers, the
declaration), "Hồ sơ của tôi", a dossier's page, the supplement and withdrawal forms, the public status
page (form, not found, result) and the rating form; and an admin form with autocomplete boxes.

axe-core comes from npm (``package.json``; ``node_modules/axe-core/axe.min.js``). Without it the tests are
skipped with the reason shown, except in CI (``CI`` set), where it is a failure — the policy of the
browser fixture. axe is injected as a script tag, so the pages are opened in a context that bypasses the
Content-Security-Policy (the pages themselves never need it).
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories.identity import PASSWORD
from tests.portal.dossier_world import build_world, drive
from tests.samples import PDF_BYTES
from tests.support.browser import database_work

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing in CI: run `npm ci` (package.json) before the tests.")
        pytest.skip("axe-core is not installed (run `npm ci`); accessibility checks skipped.")
    return str(AXE)


@pytest.fixture
def audit(browser, live_server, axe_source):
    """``audit.open(url)`` then ``audit.check(name)``: runs axe on the current page and keeps the
    serious and critical violations; ``audit.assert_clean()`` fails listing every one with its nodes."""

    class Audit:
        def __init__(self):
            self.context = browser.new_context(locale="vi-VN", base_url=live_server.url, bypass_csp=True)
            self.page = self.context.new_page()
            self.page.set_default_timeout(15_000)
            self.found: list[tuple[str, dict]] = []
            self.checked: list[str] = []

        def open(self, url):
            self.page.goto(url)
            return self.page

        def check(self, name):
            self.page.add_script_tag(path=axe_source)
            result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            self.checked.append(name)
            for violation in result["violations"]:
                if violation["impact"] in BLOCKING:
                    self.found.append((name, violation))

        def sign_in(self, identifier):
            self.open(reverse("identity:login"))
            self.page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(identifier)
            self.page.get_by_label("Mật khẩu").fill(PASSWORD)
            self.page.get_by_role("button", name="Đăng nhập").click()
            self.page.wait_for_load_state()

        def report(self) -> str:
            lines = []
            for name, violation in self.found:
                lines.append(
                    f"[{name}] {violation['id']} ({violation['impact']}): {violation['help']} — "
                    f"{violation['helpUrl']}"
                )
                for node in violation["nodes"]:
                    lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}")
                    lines.append(f"       {node['html'][:300]}")
                    lines.append("       " + node.get("failureSummary", "").replace("\n", "\n       "))
            return "\n".join(lines)

        def assert_clean(self):
            assert self.checked, "no page was checked"
            assert not self.found, "Serious or critical accessibility violations:\n" + self.report()

    audit = Audit()
    yield audit
    audit.context.close()


@pytest.fixture
def catalog(db, settings, tmp_path):
    from congso.catalog.demo import seed_demo_catalog
    from congso.catalog.models import ProcedureVersion
    from congso.formengine import examples

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_catalog()
    schema, ui = examples.load("2.000815")
    ProcedureVersion.objects.filter(procedure__code="2.000815").update(form_schema=schema, form_ui=ui)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def test_public_pages(catalog, world, audit):
    audit.open("/")
    audit.check("trang chủ")
    audit.open(reverse("identity:login"))
    audit.check("đăng nhập")
    audit.open("/thu-tuc/?q=khai+sinh")
    audit.check("kết quả tìm kiếm thủ tục")
    audit.open("/thu-tuc/2.000815/")
    audit.check("trang thủ tục")

    with database_work():
        dossier = drive(world, 5)
    page = audit.open(reverse("portal:dossier-lookup"))
    audit.check("tra cứu hồ sơ: biểu mẫu")
    page.get_by_label("Mã hồ sơ").fill(dossier.code[:-4] + "9999")
    page.get_by_role("button", name="Tra cứu").click()
    audit.check("tra cứu hồ sơ: không tìm thấy")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_role("button", name="Tra cứu").click()
    audit.check("tra cứu hồ sơ: tình trạng công khai")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label(re.compile("^Mã tra cứu hoặc số điện thoại")).fill("SAIMA234")
    page.get_by_role("button", name="Tra cứu").click()
    audit.check("tra cứu hồ sơ: sai mã tra cứu")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label(re.compile("^Mã tra cứu hoặc số điện thoại")).fill(dossier.lookup_pin)
    page.get_by_role("button", name="Tra cứu").click()
    assert page.get_by_text("N. V. A.").is_visible()
    audit.check("tra cứu hồ sơ: quá trình giải quyết")
    audit.assert_clean()


def test_local_account_pages(audit):
    """Registering with a phone or e-mail, its errors, the code page and the reset-by-code page."""
    page = audit.open(reverse("identity:register"))
    audit.check("đăng ký tài khoản")
    page.get_by_role("button", name="Đăng ký và nhận mã kích hoạt").click()
    audit.check("đăng ký tài khoản: lỗi")
    page.get_by_label("Họ và tên").fill("Lê Thị Hoa")
    page.get_by_label("Số điện thoại hoặc địa chỉ email").fill("hoa.a11y@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký và nhận mã kích hoạt").click()
    page.wait_for_url("**/tai-khoan/dang-ky/xac-minh/")
    audit.check("nhập mã kích hoạt")
    page.get_by_label("Mã xác minh").fill("000000")
    page.get_by_role("button", name="Kích hoạt tài khoản").click()
    audit.check("nhập mã kích hoạt: mã sai")
    audit.open(reverse("identity:password-reset-by-code"))
    audit.check("đặt lại mật khẩu bằng mã")
    audit.assert_clean()


def test_application_pages(catalog, make_user, audit, tmp_path):
    with database_work():
        make_user(
            "dan", national_id="074090005555", full_name="Lê Văn Dân", phone="0987654321", password=PASSWORD
        )
    audit.sign_in("074090005555")
    page = audit.open("/nop-ho-so/2.000815/")
    audit.check("nộp hồ sơ: bắt đầu")
    page.get_by_label("Cho bản thân tôi").check()
    page.get_by_role("button", name="Bắt đầu").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.get_by_text("Có lỗi cần khắc phục").is_visible()
    audit.check("nộp hồ sơ: chọn nơi nộp, có lỗi")
    page.get_by_label("Ủy ban nhân dân phường Phú Lợi").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.get_by_text("Có lỗi cần khắc phục").is_visible()
    audit.check("nộp hồ sơ: bước của tờ khai, có lỗi")
    page.get_by_label("Tên giấy tờ, văn bản cần chứng thực").fill("Bằng tốt nghiệp")
    page.get_by_label("Tiếng Việt", exact=True).check()
    page.get_by_label("Số trang của bản chính").fill("2")
    page.get_by_label("Số bản sao cần chứng thực").fill("1")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Nhận trực tiếp tại Bộ phận Một cửa").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    audit.check("nộp hồ sơ: giấy tờ đính kèm")
    scan = tmp_path / "ban-chinh.pdf"
    scan.write_bytes(PDF_BYTES)
    for label in ("^Chọn tệp — Bản chính giấy tờ", "^Chọn tệp — Bản sao cần chứng thực"):
        page.get_by_label(re.compile(label)).set_input_files(str(scan))
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kiểm tra thông tin trước khi nộp"
    audit.check("nộp hồ sơ: kiểm tra thông tin")
    page.get_by_role("link", name="Tiếp tục đến bước cam đoan và nộp hồ sơ").click()
    audit.check("nộp hồ sơ: cam đoan")
    audit.assert_clean()


def test_date_in_three_boxes(catalog, make_user, audit):
    """The birth registration's child step: a date asked in three boxes, shown with its error."""
    from congso.catalog.models import ProcedureVersion
    from congso.formengine import examples

    schema, ui = examples.load("1.001193")
    with database_work():
        ProcedureVersion.objects.filter(procedure__code="1.001193").update(form_schema=schema, form_ui=ui)
        make_user(
            "dan", national_id="074090005555", full_name="Lê Văn Dân", phone="0987654321", password=PASSWORD
        )
    audit.sign_in("074090005555")
    page = audit.open("/nop-ho-so/1.001193/")
    page.get_by_label("Cho con tôi hoặc người tôi giám hộ").check()
    page.get_by_role("button", name="Bắt đầu").click()
    page.get_by_label("Ủy ban nhân dân phường Phú Lợi").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Nơi cư trú", exact=True).fill("Số 5 đường Yersin, phường Phú Lợi")
    page.get_by_label("Không", exact=True).check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    audit.check("nộp hồ sơ: ngày sinh (ba ô)")
    page.get_by_role("group", name=re.compile("^Ngày sinh của trẻ")).get_by_label("Năm", exact=True).fill(
        "25"
    )
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert page.get_by_text("Có lỗi cần khắc phục").is_visible()
    audit.check("nộp hồ sơ: ngày sinh, có lỗi")
    audit.assert_clean()


def test_follow_up_pages(world, audit):
    with database_work():
        waiting = drive(world, 5)
        finished = drive(world, 10, result_file=True)
    audit.sign_in("074090000001")
    page = audit.open(reverse("portal:my-dossiers"))
    assert page.get_by_role("link", name=waiting.code).is_visible()
    audit.check("hồ sơ của tôi")
    audit.open(reverse("portal:my-dossier", kwargs={"public_id": waiting.public_id}))
    audit.check("trang hồ sơ: chờ bổ sung")
    page = audit.open(reverse("portal:my-dossier-supplement", kwargs={"public_id": waiting.public_id}))
    audit.check("nộp giấy tờ bổ sung")
    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    assert page.get_by_text("Có lỗi cần khắc phục").is_visible()
    audit.check("nộp giấy tờ bổ sung: có lỗi")
    page = audit.open(reverse("portal:my-dossier-withdraw", kwargs={"public_id": waiting.public_id}))
    page.get_by_role("button", name="Rút hồ sơ").click()
    assert page.get_by_text("Có lỗi cần khắc phục").is_visible()
    audit.check("rút hồ sơ: có lỗi")
    audit.open(reverse("portal:my-dossier", kwargs={"public_id": finished.public_id}))
    audit.check("trang hồ sơ: đã có kết quả")
    page = audit.open(reverse("portal:my-dossier-feedback", kwargs={"public_id": finished.public_id}))
    audit.check("đánh giá")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert page.get_by_text("Có lỗi cần khắc phục").is_visible()
    audit.check("đánh giá: có lỗi")
    audit.assert_clean()


def test_sandbox_index(audit):
    """The simulators' index page (demo only): its bilingual warning, services and identifiers to try."""
    from congso.sandbox.demo import KnownBusiness, Person, seed_demo_sandbox

    with database_work():
        seed_demo_sandbox(
            [Person("074090001234", "Nguyễn Văn An")],
            [KnownBusiness("3700123456", "Trần Thị Bình")],
            citizens=50,
            business_count=5,
        )
    audit.open(reverse("sandbox:index"))
    audit.check("sandbox index")
    audit.assert_clean()


def test_admin_autocomplete_boxes_are_named(make_user, audit):
    """The admin's autocomplete boxes (select2) were comboboxes with no name while empty (axe:
    aria-input-field-name), a tabular inline's fields had no label; congso/js/admin-a11y.js names them."""
    with database_work():
        make_user("quantri", kind="official", is_staff=True, is_superuser=True)
    audit.sign_in("quantri")
    page = audit.open("/quan-tri/agencies/unitsuccession/add/")
    page.get_by_role("combobox", name=re.compile("^Đơn vị trước")).wait_for()
    assert page.get_by_role("combobox", name=re.compile("^Đơn vị kế thừa")).is_visible()
    audit.check("quản trị: thêm đơn vị kế thừa")
    # A tabular inline (the agency's staff), a two-list selector (a group's permissions), date shortcuts
    # and a multiple autocomplete (a procedure version): each field named, each link told apart.
    for address, name in (
        ("/quan-tri/agencies/agency/add/", "quản trị: thêm cơ quan (cán bộ, bảng)"),
        ("/quan-tri/auth/group/add/", "quản trị: thêm nhóm (hai danh sách)"),
        ("/quan-tri/catalog/procedureversion/add/", "quản trị: thêm phiên bản thủ tục"),
    ):
        audit.open(address).locator("#content").wait_for()
        audit.check(name)
    audit.assert_clean()
