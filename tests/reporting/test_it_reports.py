"""The periodic IT-application reports: a call for reports, an agency filling and submitting, the
coordinating department returning it for correction and accepting the new version, the consolidated
report of three agencies, reminders, and who may do what."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from congso.core.models import OutboxEvent
from congso.reporting import it_reports
from congso.reporting.models import AgencyReport, ReportRequest, ReportStatus, RequestKind
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.support.html import texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting_up(settings):
    coordinator = AgencyFactory(name="Sở Khoa học và Công nghệ", kind="department")
    settings.CONGSO_REPORTING_COORDINATOR_CODE = coordinator.code
    agencies = [AgencyFactory(name=f"Sở thử {n}", kind="department") for n in (1, 2, 3)]
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
    return call, agencies, reviewer, clerks


def complete(n=1):
    return {
        "infrastructure": "Mạng LAN, 40 máy trạm",
        "systems": "Quản lý văn bản, một cửa điện tử",
        "difficulties": "Thiếu nhân lực",
        "budget.plan": "500",
        "budget.estimate": "450",
        "budget.actual": str(400 + n),
        "it_staff.plan": "2",
        "it_staff.estimate": "2",
        "it_staff.actual": "1",
    }


def report_of(call, agency):
    return AgencyReport.objects.get(request=call, agency=agency)


def test_a_call_creates_a_draft_per_agency_with_the_indicators_filled(setting_up):
    call, agencies, _reviewer, _clerks = setting_up
    reports = AgencyReport.objects.filter(request=call)
    assert reports.count() == 3 and {r.status for r in reports} == {ReportStatus.DRAFT}
    answers = reports.first().answers
    indicators = {"online_submission", "on_time", "satisfaction", "digitised_papers", "digitised_results"}
    assert set(answers) == indicators | {"data_reuse"}
    assert answers["on_time"]["available"] is True and answers["data_reuse"]["available"] is True
    assert OutboxEvent.objects.filter(name="reporting.report_requested").count() == 1


def test_only_the_coordinating_department_opens_a_call(setting_up):
    _call, agencies, _reviewer, clerks = setting_up
    with pytest.raises(PermissionDenied):
        it_reports.create_request(
            template=it_reports.default_template(),
            title="x",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30),
            due_date=date(2026, 7, 10),
            agencies=agencies,
            by=clerks[0],
        )


def test_submit_refuses_missing_sections_and_bad_figures_and_changes_nothing(setting_up):
    call, agencies, _reviewer, clerks = setting_up
    report = report_of(call, agencies[0])
    with pytest.raises(it_reports.ReportError, match="Còn thiếu"):
        it_reports.submit(report, clerks[0])
    with pytest.raises(it_reports.ReportError, match="số không âm"):
        it_reports.save_draft(report, {**complete(), "budget.actual": "-3"}, clerks[0])
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and "budget" not in report.answers
    with pytest.raises(PermissionDenied):
        it_reports.save_draft(report, complete(), clerks[1])  # another agency's clerk


def test_return_for_correction_then_resubmit_then_accept(setting_up):
    call, agencies, reviewer, clerks = setting_up
    report = report_of(call, agencies[0])
    it_reports.save_draft(report, complete(), clerks[0])
    it_reports.submit(report, clerks[0])
    with pytest.raises(it_reports.ReportError):
        it_reports.save_draft(report, complete(), clerks[0])  # sent: locked until returned
    with pytest.raises(it_reports.ReportError, match="nội dung cần chỉnh sửa"):
        it_reports.return_for_correction(report, reviewer, "  ")
    with pytest.raises(PermissionDenied):
        it_reports.return_for_correction(report, clerks[0], "tự trả lại")
    it_reports.return_for_correction(report, reviewer, "Bổ sung số liệu kinh phí thực hiện")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    it_reports.save_draft(report, complete(n=50), clerks[0])
    second = it_reports.submit(report, clerks[0])
    assert second.number == 2
    it_reports.accept(report, reviewer)
    report.refresh_from_db()
    versions = list(report.versions.order_by("number").values_list("outcome", "review_comment"))
    assert versions == [("returned", "Bổ sung số liệu kinh phí thực hiện"), ("accepted", "")]
    assert report.status == ReportStatus.ACCEPTED


def test_consolidated_report_sums_the_three_agencies(setting_up):
    call, agencies, reviewer, clerks = setting_up
    for n, (agency, clerk) in enumerate(zip(agencies, clerks, strict=True), start=1):
        report = report_of(call, agency)
        it_reports.save_draft(report, complete(n), clerk)
        it_reports.submit(report, clerk)
    rows, totals = it_reports.consolidated(call)
    assert {row.agency.pk for row in rows} == {a.pk for a in agencies}
    assert totals["budget"]["actual"] == 401 + 402 + 403
    assert totals["budget"]["plan"] == 1500


def test_reminders_once_a_day_for_reports_not_sent(setting_up):
    call, agencies, _reviewer, clerks = setting_up
    report = report_of(call, agencies[0])
    it_reports.save_draft(report, complete(), clerks[0])
    it_reports.submit(report, clerks[0])
    assert it_reports.remind_due_soon(today=date(2026, 12, 15)) == 2
    assert it_reports.remind_due_soon(today=date(2026, 12, 15)) == 0
    assert it_reports.remind_due_soon(today=date(2026, 12, 1)) == 0  # more than a week before
    assert OutboxEvent.objects.filter(name="reporting.report_due_soon").count() == 2


def test_the_december_call_opens_once_from_the_first_of_december(setting_up):
    assert it_reports.ensure_yearly_request(2026, today=date(2026, 11, 30)) is None
    first = it_reports.ensure_yearly_request(2026, today=date(2026, 12, 1))
    again = it_reports.ensure_yearly_request(2026, today=date(2026, 12, 2))
    assert first.pk == again.pk and first.kind == RequestKind.YEARLY
    assert ReportRequest.objects.filter(kind=RequestKind.YEARLY).count() == 1


# --- The pages ---------------------------------------------------------------------------------------


def test_pages_fill_return_and_consolidate(client, setting_up):
    call, agencies, reviewer, clerks = setting_up
    report = report_of(call, agencies[0])
    page = reverse("reporting:it_report", args=[report.pk])
    client.force_login(clerks[1])
    assert client.get(page).status_code == 403
    client.force_login(clerks[0])
    assert client.get(page).status_code == 200
    refused = client.post(page, {**complete(), "budget.actual": "abc", "action": "submit"})
    assert refused.status_code == 200 and "số không âm" in refused.content.decode()
    assert texts(refused.content.decode(), ".error-summary h2") == ["Có lỗi cần khắc phục"]
    assert client.post(page, {**complete(), "action": "submit"}).status_code == 302
    client.force_login(reviewer)
    client.post(page, {"action": "return", "comment": "Sửa mục hạ tầng"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    consolidated = reverse("reporting:it_request", args=[call.pk])
    assert client.get(consolidated).status_code == 200
    assert client.get(consolidated + "?xuat=xlsx").content[:2] == b"PK"
    assert client.get(consolidated + "?xuat=pdf").content[:5] == b"%PDF-"
    client.force_login(clerks[0])
    assert client.get(consolidated).status_code == 403
    assert client.get(reverse("reporting:it_reports")).status_code == 200
