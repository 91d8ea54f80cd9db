"""The official-documents journey in a browser (issue 12's acceptance): a clerk registers an incoming
document, a leader assigns it, a specialist drafts the reply, the leader approves and signs, the clerk
issues it with the next number and sends it to another agency, which receives it and answers with
status messages the sender sees."""

import re

import pytest

from congso.documents import exchange
from congso.documents.models import IncomingDocument, OutgoingDocument, RecipientStatus
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.identity import PASSWORD
from tests.samples import pdf_for_browser
from tests.support.browser import collect_axe_violations, database_work


@pytest.fixture
def world(db, settings, tmp_path, make_user):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path / "pki")

    class World:
        ward = AgencyFactory(
            code="000.01.12.H08", name="UBND phường Thủ Dầu Một", short_name="UBND", kind="ubnd"
        )
        department = AgencyFactory(
            code="000.00.20.H08", name="Sở Tư pháp", short_name="STP", kind="department"
        )
        clerk = make_user("vanthu", kind="official", full_name="Ngô Thị Kim", password=PASSWORD)
        leader = make_user("lanhdao", kind="official", full_name="Đặng Quốc Huy", password=PASSWORD)
        specialist = make_user("chuyenvien", kind="official", full_name="Hoàng Văn Em", password=PASSWORD)
        clerk_b = make_user("vanthu.stp", kind="official", full_name="Trần Văn Thư", password=PASSWORD)
        leader_b = make_user("lanhdao.stp", kind="official", full_name="Bùi Thanh Hà", password=PASSWORD)

    for user, agency, role in (
        (World.clerk, World.ward, "clerk"),
        (World.leader, World.ward, "leader"),
        (World.specialist, World.ward, "specialist"),
        (World.clerk_b, World.department, "clerk"),
        (World.leader_b, World.department, "leader"),
    ):
        StaffMembershipFactory(user=user, agency=agency, role=role)
    return World


@pytest.fixture
def officer_page(browser, live_server):
    contexts = []

    def open_as(username, start="/can-bo/"):
        # bypass_csp only so that the test can inject axe-core; the pages' own CSP is tested elsewhere.
        context = browser.new_context(locale="vi-VN", base_url=live_server.url, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"/tai-khoan/dang-nhap/?next={start}")
        page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"**{start}")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.browser
def test_incoming_to_reply_issued_sent_and_answered(world, officer_page):
    found = []
    clerk = officer_page("vanthu", "/can-bo/van-ban/den/")
    collect_axe_violations(clerk, "incoming register", found)
    clerk.get_by_role("link", name="Vào sổ văn bản đến").click()
    collect_axe_violations(clerk, "incoming form", found)
    clerk.get_by_label("Cơ quan ban hành").fill("Sở Tư pháp")
    clerk.get_by_label("Số, ký hiệu").fill("125/STP-HCTP")
    clerk.get_by_label("Loại văn bản").select_option("CV")
    clerk.get_by_label("Ngày ban hành").fill("2026-03-02")
    clerk.get_by_label("Trích yếu").fill("Đề nghị báo cáo tình hình hộ tịch quý I")
    clerk.get_by_label("Bản quét (PDF)").set_input_files(pdf_for_browser("cv-125.pdf"))
    clerk.get_by_role("button", name="Vào sổ").click()
    clerk.get_by_text("Đã vào sổ văn bản đến số 1.").wait_for()
    with database_work():
        incoming = IncomingDocument.objects.get()

    leader = officer_page("lanhdao", f"/can-bo/van-ban/den/{incoming.pk}/")
    collect_axe_violations(leader, "incoming document", found)
    leader.get_by_label("Người chủ trì xử lý").select_option(label="Hoàng Văn Em")
    leader.get_by_label("Ý kiến chỉ đạo").fill("Tham mưu trả lời")
    leader.get_by_role("button", name="Phân công", exact=True).click()
    leader.get_by_text("Đã phân công xử lý.").wait_for()

    specialist = officer_page("chuyenvien", f"/can-bo/van-ban/den/{incoming.pk}/")
    specialist.get_by_role("link", name="Soạn văn bản trả lời").click()
    specialist.get_by_label("Loại văn bản").select_option("BC")
    specialist.get_by_label("Trích yếu").fill("Báo cáo tình hình hộ tịch quý I")
    specialist.get_by_role("button", name="Tạo dự thảo").click()
    specialist.get_by_text("Đã tạo dự thảo.").wait_for()
    specialist.get_by_label("Cơ quan nhận").select_option(label="Sở Tư pháp (000.00.20.H08)")
    specialist.get_by_role("button", name="Lưu nơi nhận").click()
    specialist.get_by_text("Đã lưu nơi nhận.").wait_for()
    specialist.get_by_label("Người ký").select_option(label="Đặng Quốc Huy")
    specialist.get_by_role("button", name="Trình duyệt", exact=True).click()
    specialist.get_by_text("Đã trình duyệt.").wait_for()
    reply_url = specialist.url
    collect_axe_violations(specialist, "outgoing document in review", found)

    leader.goto(reply_url)
    leader.get_by_label("Đồng ý").check()
    leader.get_by_role("button", name="Gửi ý kiến").click()
    leader.get_by_text("Đã duyệt.").wait_for()
    leader.get_by_role("button", name="Ký duyệt ban hành").click()
    leader.get_by_text("Đã ký duyệt văn bản").wait_for()

    clerk.goto(reply_url)
    clerk.get_by_role("button", name="Cấp số và ban hành").click()
    clerk.get_by_text(re.compile(r"Đã ban hành văn bản số 01/BC-")).wait_for()
    clerk.get_by_role("button", name="Gửi văn bản").click()
    clerk.get_by_text("Đã gửi văn bản đến nơi nhận.").wait_for()
    clerk.goto("/can-bo/van-ban/di/")
    collect_axe_violations(clerk, "outgoing register", found)
    clerk.goto("/xac-minh-chu-ky-so/")
    collect_axe_violations(clerk, "verification page", found)

    # The outbox subscriber's work, done here instead of by a worker: the package reaches the department.
    with database_work():
        reply = OutgoingDocument.objects.get()
        (received,) = exchange.deliver_dispatched(reply.pk)
        exchange.deliver_status(received.pk, RecipientStatus.ARRIVED)
    clerk.goto(reply_url)
    assert "Đã đến" in clerk.locator("#recipients-title ~ div table").inner_text()

    department = officer_page("lanhdao.stp", "/can-bo/van-ban/den/")
    department.get_by_role("link", name=f"1/{received.year}").click()
    assert "01/BC-UBND" in department.locator(".summary-list").inner_text()
    department.get_by_label("Người chủ trì xử lý").select_option(label="Trần Văn Thư")
    department.get_by_role("button", name="Phân công", exact=True).click()
    department.get_by_text("Đã phân công xử lý.").wait_for()
    with database_work():
        exchange.deliver_status(received.pk, RecipientStatus.ASSIGNED)
    clerk.goto(reply_url)
    assert "Đã phân công" in clerk.locator("#recipients-title ~ div table").inner_text()
    assert not found, f"accessibility violations: {found}"


@pytest.mark.browser
def test_a_configured_chain_and_a_work_files_edit_page(world, officer_page):
    """The leader configures the decisions' chain without JavaScript-only controls; the specialist's
    draft follows it; the clerk edits an open work file. Each page passes axe-core."""
    from congso.documents import workfiles
    from congso.documents.models import ApprovalChain, WorkFile

    found = []
    leader = officer_page("lanhdao", "/can-bo/van-ban/luong-duyet/")
    collect_axe_violations(leader, "approval chains", found)
    leader.get_by_role("link", name="Cấu hình luồng duyệt").click()
    collect_axe_violations(leader, "approval chain form", found)
    leader.get_by_label("Loại văn bản").select_option("QĐ")
    leader.get_by_label("Bước 1: vai trò").select_option("specialist")
    leader.get_by_label("Bước 1: người duyệt").select_option(label="Hoàng Văn Em")
    leader.get_by_label("Người ký").select_option(label="Đặng Quốc Huy")
    leader.get_by_role("button", name="Lưu luồng duyệt").click()
    leader.get_by_text("Đã lưu luồng duyệt").wait_for()
    with database_work():
        chain = ApprovalChain.objects.get()
        assert [(s.role, s.person_id) for s in chain.steps.all()] == [("specialist", world.specialist.pk)]

    clerk = officer_page("vanthu", "/can-bo/van-ban/di/soan/")
    clerk.get_by_label("Loại văn bản").select_option("QĐ")
    clerk.get_by_label("Trích yếu").fill("Về việc công nhận tổ dân phố văn hóa")
    clerk.get_by_role("button", name="Tạo dự thảo").click()
    clerk.get_by_text("Đã tạo dự thảo.").wait_for()
    collect_axe_violations(clerk, "draft on a configured chain", found)
    clerk.get_by_role("button", name="Trình duyệt", exact=True).click()
    clerk.get_by_text("Đã trình duyệt.").wait_for()
    assert "Hoàng Văn Em" in clerk.locator("#chain-title ~ ol").inner_text()

    with database_work():
        work_file = workfiles.create(
            agency=world.ward,
            by=world.clerk,
            year=2026,
            code="05.VP",
            title="Hồ sơ hộ tịch",
            responsible=world.specialist,
            retention_years=5,
        )
    clerk.goto(f"/can-bo/van-ban/ho-so/{work_file.pk}/")
    clerk.get_by_role("link", name="Sửa thông tin hồ sơ").click()
    collect_axe_violations(clerk, "work file edit", found)
    clerk.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ hộ tịch và chứng thực")
    clerk.get_by_role("button", name="Lưu thông tin hồ sơ").click()
    clerk.get_by_text("Đã lưu thông tin hồ sơ 05.VP.").wait_for()
    with database_work():
        assert WorkFile.objects.get().title == "Hồ sơ hộ tịch và chứng thực"
    assert not found, f"accessibility violations: {found}"
