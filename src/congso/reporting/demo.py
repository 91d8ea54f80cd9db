"""Demo data of the reporting block (idempotent): a programme of the plan with three tasks and their
milestones, and, from December on, the year's call for IT-application reports."""

from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from congso.agencies import services as agency_services

from . import it_reports, permissions
from .models import Milestone, Programme, ProgrammeTask

PROGRAMME_CODE = "CDS-2026"


def seed_demo_reporting() -> None:
    today = timezone.localdate()
    try:
        coordinator = permissions.coordinator_agency()
        # The demo's Department of Justice: the same province group as the coordinating department.
        justice = agency_services.get_agency_by_code(f"000.00.03.{coordinator.code.rsplit('.', 1)[-1]}")
    except ObjectDoesNotExist:  # the demo agencies are not there (a partial seed): nothing to attach to
        return
    programme, created = Programme.objects.get_or_create(
        code=PROGRAMME_CODE,
        defaults={
            "name": "Chương trình chuyển đổi số tỉnh giai đoạn 2026–2027",
            "lead_agency": coordinator,
            "start_year": today.year,
            "end_year": today.year + 1,
        },
    )
    if created:
        tasks = [
            ("Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu (LGSP)", coordinator, 4_500_000_000, 4_000_000_000),
            ("Số hóa sổ hộ tịch", justice, 2_000_000_000, 1_500_000_000),
            ("Trang bị máy quét cho bộ phận một cửa cấp xã", coordinator, 800_000_000, 800_000_000),
        ]
        for index, (name, agency, planned, allocated) in enumerate(tasks):
            task = ProgrammeTask.objects.create(
                programme=programme,
                name=name,
                lead_agency=agency,
                budget_planned=planned,
                budget_allocated=allocated,
                target="Hoàn thành trong năm",
            )
            approval = date(today.year, 3 + index, 1)
            Milestone.objects.create(task=task, title="Phê duyệt dự toán", due_date=approval)
            Milestone.objects.create(task=task, title="Nghiệm thu", due_date=date(today.year, 12, 15))
    it_reports.default_template()
    it_reports.ensure_yearly_request(today.year, today)
