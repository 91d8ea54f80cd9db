"""The periodic reports on IT application: every department and commune reports each December (or on an
ad-hoc request) to the coordinating department (Sở Khoa học và Công nghệ since March 2025), which
returns a report for correction with its comments or accepts it, and consolidates them for the People's
Committee.

A template lists sections of three kinds: indicators that congso fills for the agency and the period
(never typed in), texts, and plan / estimate / actual figures entered by the agency. A report is edited
while it is a draft or returned; each submission freezes its answers as a numbered version, so what the
coordinating department returned and what came back are both kept. Every change is audited and publishes
an event (``reporting.report_*``) for the notifications to follow.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services
from congso.core import audit, events

from . import permissions
from .indicators import BY_KEY, Period, Scope
from .models import (
    AgencyReport,
    AgencyReportVersion,
    ReportRequest,
    ReportStatus,
    ReportTemplate,
    RequestKind,
    SectionKind,
)

TEXT_MAX = 5000
FIGURE_PARTS = ("plan", "estimate", "actual")
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
REMIND_DAYS_BEFORE = 7

DEFAULT_TEMPLATE_NAME = "Báo cáo tình hình ứng dụng công nghệ thông tin hằng năm"
DEFAULT_SECTIONS = [
    {
        "key": "online_submission",
        "title": "Tỷ lệ hồ sơ nộp trực tuyến",
        "kind": "indicator",
        "indicator": "online_submission",
    },
    {
        "key": "on_time",
        "title": "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "kind": "indicator",
        "indicator": "on_time",
    },
    {
        "key": "satisfaction",
        "title": "Mức độ hài lòng (Quyết định 766)",
        "kind": "indicator",
        "indicator": "satisfaction",
    },
    {
        "key": "digitised_papers",
        "title": "Tỷ lệ hồ sơ được số hóa thành phần hồ sơ khi tiếp nhận",
        "kind": "indicator",
        "indicator": "digitised_papers",
    },
    {
        "key": "digitised_results",
        "title": "Tỷ lệ hồ sơ có kết quả giải quyết điện tử",
        "kind": "indicator",
        "indicator": "digitised_results",
    },
    {
        "key": "data_reuse",
        "title": "Tỷ lệ hồ sơ tái sử dụng dữ liệu đã số hóa",
        "kind": "indicator",
        "indicator": "data_reuse",
    },
    {"key": "infrastructure", "title": "Hạ tầng kỹ thuật, trang thiết bị", "kind": "text"},
    {"key": "systems", "title": "Các hệ thống thông tin đang vận hành", "kind": "text"},
    {
        "key": "budget",
        "title": "Kinh phí ứng dụng công nghệ thông tin",
        "kind": "figures",
        "unit": "triệu đồng",
    },
    {
        "key": "it_staff",
        "title": "Cán bộ chuyên trách công nghệ thông tin",
        "kind": "figures",
        "unit": "người",
    },
    {"key": "difficulties", "title": "Khó khăn, vướng mắc và đề xuất", "kind": "text"},
]


class ReportError(ValidationError):
    """Bad input or a step the report's status does not allow; nothing was changed."""


def check_sections(sections) -> None:
    """Raise ``ValidationError`` unless ``sections`` is a list of sections with unique keys, a known kind,
    and, for an indicator section, a known indicator."""
    if not isinstance(sections, list) or not sections:
        raise ValidationError(_("Mẫu báo cáo phải có ít nhất một mục."))
    seen = set()
    for section in sections:
        if not isinstance(section, dict) or not section.get("key") or not section.get("title"):
            raise ValidationError(_("Mỗi mục cần có mã (key) và tên (title)."))
        if section["key"] in seen:
            raise ValidationError(_("Mã mục “%(key)s” bị trùng.") % {"key": section["key"]})
        seen.add(section["key"])
        if section.get("kind") not in SectionKind.values:
            raise ValidationError(_("Mục “%(key)s”: loại mục không hợp lệ.") % {"key": section["key"]})
        if section["kind"] == SectionKind.INDICATOR and section.get("indicator") not in BY_KEY:
            raise ValidationError(_("Mục “%(key)s”: không có chỉ số này.") % {"key": section["key"]})


def default_template() -> ReportTemplate:
    template, _created = ReportTemplate.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME, defaults={"sections": DEFAULT_SECTIONS}
    )
    return template


# --- Requests --------------------------------------------------------------------------------------


def create_request(
    *, template, title, period_start, period_end, due_date, agencies, by, kind=RequestKind.AD_HOC
) -> ReportRequest:
    """A call for reports from the coordinating department to ``agencies``: one draft report each."""
    coordinator = permissions.coordinator_agency()
    if by is not None and not permissions.is_coordinator(by):
        raise PermissionDenied(_("Chỉ cơ quan tổng hợp (Sở Khoa học và Công nghệ) tạo đợt báo cáo."))
    if not title.strip():
        raise ReportError(_("Vui lòng nhập tên đợt báo cáo."))
    if period_end < period_start:
        raise ReportError(_("Ngày kết thúc kỳ báo cáo không được trước ngày bắt đầu."))
    if not agencies:
        raise ReportError(_("Vui lòng chọn ít nhất một cơ quan báo cáo."))
    with transaction.atomic():
        request = ReportRequest.objects.create(
            template=template,
            kind=kind,
            title=title.strip(),
            period_start=period_start,
            period_end=period_end,
            due_date=due_date,
            coordinator=coordinator,
            created_by=by,
        )
        AgencyReport.objects.bulk_create(
            AgencyReport(request=request, agency=agency, answers=prefilled(template, agency, request))
            for agency in agencies
        )
        audit.record(
            "reporting.request.create", request, actor=by, changes={"agencies": [a.pk for a in agencies]}
        )
        events.publish("reporting.report_requested", {"request_id": request.pk}, aggregate=request)
    return request


def yearly_agencies(on: date) -> list:
    """The agencies that report each December: the departments and the People's Committees."""
    kinds = {"department", "ubnd"}
    return [agency for agency, _depth in agency_services.agency_tree(on) if agency.kind in kinds]


def ensure_yearly_request(year: int, today: date | None = None) -> ReportRequest | None:
    """The December call of ``year`` (created on or after 1 December, once)."""
    today = today or timezone.localdate()
    if today < date(year, 12, 1):
        return None
    try:
        coordinator = permissions.coordinator_agency()
    except ObjectDoesNotExist:
        return None  # no coordinating department registered (a fresh install): nothing to call for
    existing = ReportRequest.objects.filter(
        kind=RequestKind.YEARLY, coordinator=coordinator, period_end=date(year, 12, 31)
    ).first()
    if existing is not None:
        return existing
    return create_request(
        template=default_template(),
        kind=RequestKind.YEARLY,
        title=_("Báo cáo ứng dụng công nghệ thông tin năm %(year)s") % {"year": year},
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        due_date=date(year, 12, 20),
        agencies=[a for a in yearly_agencies(today) if a.pk != coordinator.pk],
        by=None,
    )


# --- Answers ---------------------------------------------------------------------------------------


def _indicator_answer(indicator_key: str, agency, period: Period) -> dict:
    value = BY_KEY[indicator_key].value(period, Scope(frozenset({agency.pk})))
    return {
        "available": value.available,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "percent": value.percent,
        "note": value.note,
    }


def prefilled(template, agency, request) -> dict:
    """The answers a new report starts with: the indicators computed for the agency and the period."""
    period = Period(request.period_start, request.period_end)
    return {
        section["key"]: _indicator_answer(section["indicator"], agency, period)
        for section in template.sections
        if section["kind"] == SectionKind.INDICATOR
    }


def _clean_figure(raw, title, part) -> str:
    text = str(raw or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ReportError(
            _("Mục “%(title)s” (%(part)s): vui lòng nhập một số không âm.") % {"title": title, "part": part}
        )
    return str(number)


def clean_answers(template, posted: dict) -> dict:
    """The agency's entries for the text and figures sections of ``template``, checked; ``posted`` maps
    ``<key>`` (text) and ``<key>.<plan|estimate|actual>`` (figures) to the submitted strings."""
    cleaned = {}
    for section in template.sections:
        key, title = section["key"], section["title"]
        if section["kind"] == SectionKind.TEXT:
            text = str(posted.get(key, "")).strip()
            if len(text) > TEXT_MAX:
                raise ReportError(_("Mục “%(title)s” dài quá %(n)s ký tự.") % {"title": title, "n": TEXT_MAX})
            cleaned[key] = {"text": text}
        elif section["kind"] == SectionKind.FIGURES:
            labels = {"plan": _("kế hoạch"), "estimate": _("ước thực hiện"), "actual": _("thực hiện")}
            cleaned[key] = {
                part: _clean_figure(posted.get(f"{key}.{part}"), title, labels[part]) for part in FIGURE_PARTS
            }
    return cleaned


def _missing(template, answers) -> list[str]:
    missing = []
    for section in template.sections:
        entry = answers.get(section["key"], {})
        if section["kind"] == SectionKind.TEXT and not entry.get("text"):
            missing.append(section["title"])
        if section["kind"] == SectionKind.FIGURES and not entry.get("actual"):
            missing.append(section["title"])
    return missing


# --- The report's life -----------------------------------------------------------------------------


def _locked(report_id) -> AgencyReport:
    return (
        AgencyReport.objects.select_for_update()
        .select_related("request__template", "agency")
        .get(pk=report_id)
    )


def save_draft(report, posted: dict, by) -> AgencyReport:
    if not permissions.may_fill(by, report):
        raise PermissionDenied(_("Bạn không lập báo cáo của cơ quan này."))
    with transaction.atomic():
        report = _locked(report.pk)
        if report.status not in EDITABLE:
            raise ReportError(_("Báo cáo đã gửi; chỉ sửa được khi bị trả lại."))
        report.answers = {**report.answers, **clean_answers(report.request.template, posted)}
        report.save(update_fields=["answers", "updated_at"])
        audit.record("reporting.report.save", report, actor=by)
    return report


def submit(report, by) -> AgencyReportVersion:
    """Freeze the answers as a new version (the indicators computed again now) and send it."""
    if not permissions.may_fill(by, report):
        raise PermissionDenied(_("Bạn không lập báo cáo của cơ quan này."))
    with transaction.atomic():
        report = _locked(report.pk)
        if report.status not in EDITABLE:
            raise ReportError(_("Báo cáo đã được gửi."))
        template = report.request.template
        answers = {**report.answers, **prefilled(template, report.agency, report.request)}
        missing = _missing(template, answers)
        if missing:
            raise ReportError(_("Còn thiếu: %(sections)s.") % {"sections": "; ".join(missing)})
        number = report.versions.count() + 1
        version = AgencyReportVersion.objects.create(
            report=report, number=number, answers=answers, submitted_by=by, submitted_at=timezone.now()
        )
        report.answers, report.status = answers, ReportStatus.SUBMITTED
        report.save(update_fields=["answers", "status", "updated_at"])
        audit.record("reporting.report.submit", report, actor=by, changes={"version": number})
        events.publish(
            "reporting.report_submitted", {"report_id": report.pk, "version": number}, aggregate=report
        )
    return version


def _review(report, by, outcome: str, comment: str) -> AgencyReportVersion:
    if not permissions.is_coordinator(by):
        raise PermissionDenied(_("Chỉ cơ quan tổng hợp xem xét báo cáo."))
    with transaction.atomic():
        report = _locked(report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise ReportError(_("Chỉ xem xét được báo cáo đã gửi."))
        version = report.versions.order_by("-number").first()
        version.outcome, version.review_comment = outcome, comment
        version.reviewed_by, version.reviewed_at = by, timezone.now()
        version.save(update_fields=["outcome", "review_comment", "reviewed_by", "reviewed_at"])
        report.status = ReportStatus.RETURNED if outcome == "returned" else ReportStatus.ACCEPTED
        report.save(update_fields=["status", "updated_at"])
        audit.record(f"reporting.report.{outcome}", report, actor=by, changes={"comment": comment})
        events.publish(f"reporting.report_{outcome}", {"report_id": report.pk}, aggregate=report)
    return version


def return_for_correction(report, by, comment: str) -> AgencyReportVersion:
    comment = (comment or "").strip()
    if not comment:
        raise ReportError(_("Vui lòng ghi rõ nội dung cần chỉnh sửa."))
    return _review(report, by, "returned", comment[:TEXT_MAX])


def accept(report, by) -> AgencyReportVersion:
    return _review(report, by, "accepted", "")


def remind_due_soon(today: date | None = None) -> int:
    """Publish ``reporting.report_due_soon`` once a day for each report not yet sent whose due date is
    within ``REMIND_DAYS_BEFORE`` days (or past). Returns how many."""
    today = today or timezone.localdate()
    due = AgencyReport.objects.filter(
        status__in=EDITABLE, request__due_date__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ).exclude(reminded_on=today)
    count = 0
    for report in due.select_related("request"):
        with transaction.atomic():
            AgencyReport.objects.filter(pk=report.pk).update(reminded_on=today)
            events.publish(
                "reporting.report_due_soon",
                {
                    "report_id": report.pk,
                    "agency_id": report.agency_id,
                    "due_date": report.request.due_date.isoformat(),
                },
                aggregate=report,
            )
        count += 1
    return count


# --- Consolidation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsolidatedRow:
    report_id: int
    agency: object
    status: str
    version: int | None
    answers: dict

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label)

    def percent(self, key: str):
        return (self.answers.get(key) or {}).get("percent")

    def figures(self, key: str) -> tuple:
        entry = self.answers.get(key) or {}
        return tuple(entry.get(part) or "" for part in FIGURE_PARTS)


def consolidated(request: ReportRequest) -> tuple[list[ConsolidatedRow], dict]:
    """Every agency's latest submitted answers (accepted or awaiting review; a returned report counts
    with the version it was returned on, flagged by its status) and the sums of the figures sections."""
    rows = []
    totals: dict[str, dict[str, Decimal]] = {}
    figure_keys = [s["key"] for s in request.template.sections if s["kind"] == SectionKind.FIGURES]
    reports = request.reports.select_related("agency").order_by("agency__name").prefetch_related("versions")
    for report in reports:
        versions = sorted(report.versions.all(), key=lambda v: v.number)
        latest = versions[-1] if versions else None
        answers = latest.answers if latest else {}
        number = latest.number if latest else None
        rows.append(ConsolidatedRow(report.pk, report.agency, report.status, number, answers))
        if report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
            for key in figure_keys:
                for part in FIGURE_PARTS:
                    raw = (answers.get(key) or {}).get(part) or "0"
                    totals.setdefault(key, dict.fromkeys(FIGURE_PARTS, Decimal(0)))[part] += Decimal(raw)
    return rows, totals
