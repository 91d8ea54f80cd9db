"""The reporting block in a browser: a leader opens the dashboard, drills from a late-dossier count to
the dossiers behind it and downloads the XLSX and the PDF; an agency sends its IT-application report, the
coordinating department returns it for correction, it is sent again, and the consolidated report holds
the three agencies."""

from datetime import date, datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from congso.dossiers.models import Channel, Status
from congso.reporting import aggregates, facts, it_reports
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.dossiers import DossierFactory
from tests.support.browser import database_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(month, day):
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


def signed_in(browser, live_server, user):
    """A browser context carrying ``user``'s own session (made by a test client of its own: signing a
    second person in on one client would end the first one's session)."""
    from django.test import Client

    client = Client()
    with database_work():
        client.force_login(user)
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def march(transactional_db):
    ward = AgencyFactory(name="UBND phường Chánh Nghĩa")
    late = [
        DossierFactory(
            receiving_agency=ward,
            channel=Channel.ONLINE,
            submitted_at=at(3, 2 + n),
            finished_at=at(3, 20 + n),
            timeliness="late",
            status=Status.RESULT_RETURNED,
        )
        for n in range(2)
    ]
    on_time = DossierFactory(
        receiving_agency=ward,
        channel=Channel.COUNTER,
        submitted_at=at(3, 3),
        finished_at=at(3, 9),
        timeliness="on_time",
        status=Status.RESULT_RETURNED,
    )
    facts.refresh([d.pk for d in [*late, on_time]])
    aggregates.refresh_all_stale()
    leader = StaffMembershipFactory(agency=ward, role="leader").user
    return ward, late, leader


def test_leader_drills_from_a_late_count_to_the_dossiers_and_exports(march, browser, live_server):
    ward, late, leader = march
    page = signed_in(browser, live_server, leader)
    page.goto("/can-bo/bao-cao/?nam=2026&ky=m3")
    assert page.get_by_role("heading", name="Chỉ số phục vụ người dân, doanh nghiệp").is_visible()
    on_time = page.locator("#indicators tr", has_text="Tỷ lệ hồ sơ giải quyết đúng hạn")
    assert "1 / 3" in on_time.inner_text()
    row = page.locator("#breakdown tr", has_text=ward.name)
    row.locator("td").nth(2).get_by_role("link").click()  # the late count
    page.wait_for_url("**/can-bo/bao-cao/ho-so/qua-han/**")
    listed = page.locator("#drill tbody tr")
    assert listed.count() == 2
    assert {listed.nth(i).locator("td").first.inner_text() for i in range(2)} == {d.code for d in late}

    # The same month by procedure: the late dossier of one procedure, from the late-dossiers table.
    page.goto("/can-bo/bao-cao/?nam=2026&ky=m3")
    page.get_by_role("navigation", name="Phân tích theo").get_by_role(
        "link", name="Thủ tục hành chính"
    ).click()
    page.wait_for_url("**theo=thu-tuc**")
    assert page.locator("#breakdown tbody tr").count() == 3  # one procedure per dossier here
    assert page.locator("#breakdown svg, .reporting-chart svg").count() >= 1
    first_late = late[0].procedure_version.procedure
    page.locator("#late-pairs tr", has_text=first_late.name).get_by_role("link").click()
    page.wait_for_url("**/can-bo/bao-cao/ho-so/qua-han/**thu_tuc=**")
    assert page.locator("#drill tbody tr").count() == 1
    assert page.locator("#drill tbody td").first.inner_text() == late[0].code

    page.goto("/can-bo/bao-cao/?nam=2026&ky=m3")
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Xuất Excel").click()
    assert xlsx.value.suggested_filename == "chi-so-2026-m3.xlsx"
    with page.expect_download() as document:
        page.get_by_role("link", name="Tải PDF").click()
    with open(document.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@pytest.fixture
def call_for_reports(transactional_db, settings):
    """A call for reports to three departments; the second and third have already sent theirs."""
    coordinator = AgencyFactory(name="Sở Khoa học và Công nghệ", kind="department")
    settings.CONGSO_REPORTING_COORDINATOR_CODE = coordinator.code
    agencies = [AgencyFactory(name=f"Sở thử nghiệm {n}", kind="department") for n in (1, 2, 3)]
    reviewer = StaffMembershipFactory(agency=coordinator, role="specialist").user
    clerks = [StaffMembershipFactory(agency=agency, role="clerk").user for agency in agencies]
    call = it_reports.create_request(
        template=it_reports.default_template(),
        title="Báo cáo ứng dụng CNTT năm 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        due_date=date(2026, 12, 20),
        agencies=agencies,
        by=reviewer,
    )
    answers = {
        "infrastructure": "Mạng nội bộ, 40 máy trạm",
        "systems": "Quản lý văn bản",
        "difficulties": "Thiếu nhân lực",
        "budget.plan": "500",
        "budget.estimate": "450",
        "budget.actual": "420",
        "it_staff.plan": "2",
        "it_staff.estimate": "2",
        "it_staff.actual": "1",
    }
    for agency, clerk in zip(agencies[1:], clerks[1:], strict=True):
        report = call.reports.get(agency=agency)
        it_reports.save_draft(report, answers, clerk)
        it_reports.submit(report, clerk)

    return call, agencies, reviewer, clerks, answers


def test_a_report_is_returned_for_correction_sent_again_and_consolidated(
    call_for_reports, browser, live_server
):
    call, agencies, reviewer, clerks, answers = call_for_reports
    with database_work():
        first = call.reports.get(agency=agencies[0])

    clerk_page = signed_in(browser, live_server, clerks[0])
    clerk_page.goto("/can-bo/bao-cao/dinh-ky/")
    clerk_page.get_by_role("link", name="Báo cáo ứng dụng CNTT năm 2026").click()
    for name, value in answers.items():
        clerk_page.locator(f'[name="{name}"]').fill(value)
    clerk_page.get_by_role("button", name="Gửi báo cáo").click()
    assert clerk_page.locator("#report-status").inner_text() == "Đã gửi"

    reviewer_page = signed_in(browser, live_server, reviewer)
    reviewer_page.goto(f"/can-bo/bao-cao/dinh-ky/{first.pk}/")
    reviewer_page.get_by_label("Nội dung cần chỉnh sửa (khi trả lại)").fill("Ghi rõ số máy chủ")
    reviewer_page.get_by_role("button", name="Trả lại để chỉnh sửa").click()
    assert reviewer_page.locator("#report-status").inner_text() == "Bị trả lại để chỉnh sửa"

    clerk_page.reload()
    assert clerk_page.get_by_text("Ghi rõ số máy chủ").first.is_visible()
    clerk_page.locator('[name="infrastructure"]').fill("Mạng nội bộ, 40 máy trạm, 2 máy chủ")
    clerk_page.get_by_role("button", name="Gửi báo cáo").click()
    assert clerk_page.locator("#report-status").inner_text() == "Đã gửi"
    assert clerk_page.locator("#versions li").count() == 2

    reviewer_page.goto(f"/can-bo/bao-cao/dinh-ky/dot/{call.pk}/")
    rows = reviewer_page.locator("#consolidated tbody tr")
    assert rows.count() == 3
    assert all("Đã gửi" in rows.nth(i).inner_text() for i in range(3))
    # budget: plan 3 × 500, estimate 3 × 450, actual 3 × 420
    assert "1500 / 1350 / 1260" in reviewer_page.locator("#consolidated tfoot").inner_text()
