"""Supervision of the plan's IT programmes and investment: tasks with their lead agency and budget
(planned, allocated, disbursed), milestones, the progress the lead agencies report, roll-ups by programme
and by agency with overdue milestones flagged, and the evaluation of each task against its target at the
end of the year.

Programmes, tasks and milestones are set up by the coordinating department (in the admin); the lead
agency of a task reports its progress; the coordinating department evaluates. Every change is audited.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services
from congso.core import audit

from . import permissions
from .models import Milestone, Programme, ProgrammeTask, ProgressReport, YearEvaluation


class ProgrammeError(ValidationError):
    """Bad input; nothing was changed."""


def may_report_on(user, task) -> bool:
    """The staff of the task's lead agency who prepare reports, and the coordinating department."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if permissions.is_coordinator(user):
        return True
    return bool(agency_services.roles_for(user, task.lead_agency) & set(permissions.FILLING_ROLES))


def _money(raw, label) -> Decimal:
    text = str(raw or "").strip().replace(" ", "").replace(".", "").replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value != value.to_integral_value():
        raise ProgrammeError(_("%(label)s: vui lòng nhập số tiền (đồng), không âm.") % {"label": label})
    return value


def report_progress(task, *, progress, disbursed, note, by) -> ProgressReport:
    """The lead agency's report: progress (0–100 %), money disbursed to date (not above the allocation),
    a note. The task's figures follow the latest report."""
    if not may_report_on(by, task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì nhiệm vụ báo cáo tiến độ."))
    try:
        percent = int(str(progress).strip())
    except ValueError:
        percent = -1
    if not 0 <= percent <= 100:
        raise ProgrammeError(_("Tiến độ là một số từ 0 đến 100."))
    amount = _money(disbursed, _("Lũy kế giải ngân"))
    if task.budget_allocated and amount > task.budget_allocated:
        raise ProgrammeError(_("Số giải ngân không được vượt kinh phí được giao."))
    with transaction.atomic():
        report = ProgressReport.objects.create(
            task=task,
            reported_by=by,
            reported_at=timezone.now(),
            progress=percent,
            budget_disbursed=amount,
            note=(note or "").strip()[:5000],
        )
        task.progress, task.budget_disbursed = percent, amount
        task.save(update_fields=["progress", "budget_disbursed"])
        audit.record(
            "reporting.task.progress", task, actor=by, changes={"progress": percent, "disbursed": str(amount)}
        )
    return report


def complete_milestone(milestone, *, done_on: date, by) -> Milestone:
    if not may_report_on(by, milestone.task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì nhiệm vụ báo cáo tiến độ."))
    if done_on > timezone.localdate():
        raise ProgrammeError(_("Ngày hoàn thành không được sau hôm nay."))
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        audit.record(
            "reporting.milestone.done", milestone, actor=by, changes={"done_on": done_on.isoformat()}
        )
    return milestone


def evaluate(task, *, year: int, met: bool, assessment: str, by) -> YearEvaluation:
    """The coordinating department's evaluation of ``task`` for ``year`` (once; a second is refused)."""
    if not permissions.is_coordinator(by):
        raise PermissionDenied(_("Chỉ cơ quan tổng hợp đánh giá nhiệm vụ."))
    if not (assessment or "").strip():
        raise ProgrammeError(_("Vui lòng ghi nội dung đánh giá."))
    if YearEvaluation.objects.filter(task=task, year=year).exists():
        raise ProgrammeError(_("Nhiệm vụ này đã được đánh giá năm %(year)s.") % {"year": year})
    with transaction.atomic():
        evaluation = YearEvaluation.objects.create(
            task=task,
            year=year,
            met=met,
            assessment=assessment.strip(),
            evaluated_by=by,
            evaluated_at=timezone.now(),
        )
        audit.record("reporting.task.evaluate", task, actor=by, changes={"year": year, "met": met})
    return evaluation


# --- Roll-ups ----------------------------------------------------------------------------------------


@dataclass
class Rollup:
    """Budget and progress summed over some tasks."""

    label: str
    tasks: int = 0
    planned: Decimal = Decimal(0)
    allocated: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    overdue_milestones: int = 0
    key: object = None
    details: list = field(default_factory=list)

    @property
    def disbursement_rate(self) -> float | None:
        return round(100 * float(self.disbursed / self.allocated), 2) if self.allocated else None


def _overdue_q(today: date) -> Q:
    return Q(milestones__done_on__isnull=True, milestones__due_date__lt=today)


def rollups(today: date | None = None) -> tuple[list[Rollup], list[Rollup]]:
    """(by programme, by lead agency): tasks, budget planned / allocated / disbursed, overdue milestones."""
    today = today or timezone.localdate()
    tasks = ProgrammeTask.objects.annotate(overdue=Count("milestones", filter=_overdue_q(today)))
    by_programme: dict[int, Rollup] = {}
    by_agency: dict[int, Rollup] = {}
    for task in tasks.select_related("programme", "lead_agency"):
        for bucket, key, label in (
            (by_programme, task.programme_id, str(task.programme)),
            (by_agency, task.lead_agency_id, task.lead_agency.name),
        ):
            rollup = bucket.setdefault(key, Rollup(label=label, key=key))
            rollup.tasks += 1
            rollup.planned += task.budget_planned
            rollup.allocated += task.budget_allocated
            rollup.disbursed += task.budget_disbursed
            rollup.overdue_milestones += task.overdue
    return sorted(by_programme.values(), key=lambda r: r.label), sorted(
        by_agency.values(), key=lambda r: r.label
    )


def overdue_milestones(today: date | None = None):
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(done_on__isnull=True, due_date__lt=today)
        .select_related("task__programme", "task__lead_agency")
        .order_by("due_date")
    )


def programme_tasks(programme: Programme, today: date | None = None):
    today = today or timezone.localdate()
    return (
        programme.tasks.select_related("lead_agency")
        .annotate(overdue=Count("milestones", filter=_overdue_q(today)))
        .prefetch_related("milestones", "evaluations")
        .order_by("id")
    )


def totals(programme: Programme) -> dict:
    sums = programme.tasks.aggregate(
        planned=Sum("budget_planned"), allocated=Sum("budget_allocated"), disbursed=Sum("budget_disbursed")
    )
    return {key: value or Decimal(0) for key, value in sums.items()}
