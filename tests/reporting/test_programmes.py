"""Supervision of IT programmes and investment: progress reported by the lead agency, budget checks,
roll-ups by programme and agency, overdue milestones flagged, the year-end evaluation, and who may do
what."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from congso.reporting import programmes
from congso.reporting.models import Milestone, Programme, ProgrammeTask
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(settings):
    coordinator = AgencyFactory(name="Sở Khoa học và Công nghệ", kind="department")
    settings.CONGSO_REPORTING_COORDINATOR_CODE = coordinator.code
    justice, ward = AgencyFactory(name="Sở Tư pháp"), AgencyFactory(name="UBND phường Một")
    programme = Programme.objects.create(
        code="CĐS-01", name="Chuyển đổi số", lead_agency=coordinator, start_year=2026, end_year=2027
    )
    first = ProgrammeTask.objects.create(
        programme=programme,
        name="Số hóa sổ hộ tịch",
        lead_agency=justice,
        budget_planned=1000,
        budget_allocated=800,
    )
    second = ProgrammeTask.objects.create(
        programme=programme,
        name="Wi-Fi bộ phận một cửa",
        lead_agency=ward,
        budget_planned=200,
        budget_allocated=200,
    )
    today = timezone.localdate()
    late = Milestone.objects.create(task=first, title="Số hóa 50 %", due_date=today - timedelta(days=3))
    Milestone.objects.create(task=second, title="Lắp đặt", due_date=today + timedelta(days=30))
    return {
        "programme": programme,
        "tasks": (first, second),
        "late": late,
        "justice_clerk": StaffMembershipFactory(agency=justice, role="clerk").user,
        "ward_clerk": StaffMembershipFactory(agency=ward, role="clerk").user,
        "reviewer": StaffMembershipFactory(agency=coordinator, role="specialist").user,
    }


def test_the_lead_agency_reports_progress_within_the_allocation(plan):
    first, _second = plan["tasks"]
    programmes.report_progress(first, progress="40", disbursed="300", note="Đợt 1", by=plan["justice_clerk"])
    first.refresh_from_db()
    assert (first.progress, first.budget_disbursed) == (40, Decimal(300))
    assert first.progress_reports.get().note == "Đợt 1"
    with pytest.raises(PermissionDenied):
        programmes.report_progress(first, progress="50", disbursed="0", note="", by=plan["ward_clerk"])


def test_bad_progress_reports_are_refused_and_change_nothing(plan):
    first, _second = plan["tasks"]
    for progress, disbursed in (("140", "10"), ("abc", "10"), ("10", "-5"), ("10", "900")):
        with pytest.raises(programmes.ProgrammeError):
            programmes.report_progress(
                first, progress=progress, disbursed=disbursed, note="", by=plan["justice_clerk"]
            )
    first.refresh_from_db()
    assert (first.progress, first.budget_disbursed, first.progress_reports.count()) == (0, 0, 0)


def test_rollups_by_programme_and_agency_flag_overdue_milestones(plan):
    first, second = plan["tasks"]
    programmes.report_progress(first, progress="40", disbursed="400", note="", by=plan["justice_clerk"])
    by_programme, by_agency = programmes.rollups()
    (row,) = by_programme
    assert (row.tasks, row.planned, row.allocated, row.disbursed) == (2, 1200, 1000, 400)
    assert row.disbursement_rate == 40.0 and row.overdue_milestones == 1
    assert {r.label: r.overdue_milestones for r in by_agency} == {"Sở Tư pháp": 1, "UBND phường Một": 0}
    assert list(programmes.overdue_milestones()) == [plan["late"]]
    programmes.complete_milestone(plan["late"], done_on=timezone.localdate(), by=plan["justice_clerk"])
    assert programmes.rollups()[0][0].overdue_milestones == 0


def test_year_end_evaluation_by_the_coordinating_department_once(plan):
    first, _second = plan["tasks"]
    with pytest.raises(PermissionDenied):
        programmes.evaluate(first, year=2026, met=True, assessment="Đạt", by=plan["justice_clerk"])
    programmes.evaluate(first, year=2026, met=False, assessment="Mới số hóa 40 %", by=plan["reviewer"])
    with pytest.raises(programmes.ProgrammeError):
        programmes.evaluate(first, year=2026, met=True, assessment="Lần hai", by=plan["reviewer"])
    assert first.evaluations.get().met is False


@pytest.mark.parametrize("year", ["99999999999999999999", "abc", "²", "1999", "2028"])
def test_the_evaluation_page_refuses_a_year_outside_the_programme(client, plan, year):
    """Twenty digits were a 500; "abc" showed Python's own error text; a year outside 2026–2027 was
    stored."""
    first, _second = plan["tasks"]
    client.force_login(plan["reviewer"])
    posted = {"action": "evaluate", "year": year, "met": "yes", "assessment": "Đạt"}
    response = client.post(reverse("reporting:task", args=[first.pk]), posted)
    page = response.content.decode()
    assert response.status_code == 200 and "Năm đánh giá phải là một năm của chương trình (2026–2027)" in page
    assert "invalid literal" not in page and not first.evaluations.exists()
    posted["year"] = "2027"
    assert client.post(reverse("reporting:task", args=[first.pk]), posted).status_code == 302
    assert first.evaluations.get().year == 2027


def test_pages(client, plan):
    first, _second = plan["tasks"]
    client.force_login(plan["justice_clerk"])
    listing = client.get(reverse("reporting:programmes"))
    assert listing.status_code == 200 and "Số hóa 50 %" in listing.content.decode()
    assert client.get(reverse("reporting:programme", args=[plan["programme"].pk])).status_code == 200
    task_url = reverse("reporting:task", args=[first.pk])
    refused = client.post(task_url, {"action": "progress", "progress": "101", "disbursed": "1"})
    assert refused.status_code == 200 and "từ 0 đến 100" in refused.content.decode()
    assert (
        client.post(task_url, {"action": "progress", "progress": "60", "disbursed": "500"}).status_code == 302
    )
    first.refresh_from_db()
    assert first.progress == 60
    # Bad input gets the page's own message and changes nothing: never a 500 (twenty digits overflow a
    # key) nor Python's error text ("invalid literal for int()", "day is out of range for month").
    for bad in ({"milestone": "abc", "done_on": "2026-01-05"}, {"milestone": "99999999999999999999"}):
        assert client.post(task_url, {"action": "milestone", **bad}).status_code == 404
    impossible = {"action": "milestone", "milestone": plan["late"].pk, "done_on": "2026-02-30"}
    refused = client.post(task_url, impossible)
    assert refused.status_code == 200 and "Vui lòng nhập ngày hoàn thành" in refused.content.decode()
    assert "out of range" not in refused.content.decode()
    milestone = {"action": "milestone", "milestone": plan["late"].pk, "done_on": date.today().isoformat()}
    assert client.post(task_url, milestone).status_code == 302
    outsider = StaffMembershipFactory(agency=AgencyFactory(), role="one_stop_officer").user
    client.force_login(outsider)
    assert client.get(reverse("reporting:programmes")).status_code == 403
    assert client.get(task_url).status_code == 403


def test_demo_seeding_is_idempotent(settings):
    from congso.reporting.demo import seed_demo_reporting
    from congso.reporting.models import ReportRequest

    coordinator = AgencyFactory(code="000.00.06.H08", kind="department")
    AgencyFactory(code="000.00.03.H08", kind="department")
    settings.CONGSO_REPORTING_COORDINATOR_CODE = coordinator.code
    seed_demo_reporting()
    seed_demo_reporting()
    assert Programme.objects.count() == 1 and ProgrammeTask.objects.count() == 3
    assert ReportRequest.objects.count() == (1 if timezone.localdate().month == 12 else 0)
