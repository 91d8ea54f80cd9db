"""What the leaders' dashboard and the public page show, assembled from the indicators and the daily
figures: the chosen period, every indicator's value, the monthly trend of the year, the agencies ranked,
and the dossiers behind a number (drill-down). Reads only."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.dossiers import services as dossier_services

from .indicators import GROUPS, INDICATORS, Indicator, Period, Scope, Value, figure_rows
from .models import DossierFact

DRILL_LIMIT = 500


@dataclass(frozen=True)
class ChosenPeriod:
    """A year, a quarter or a month as the address names it (``?nam=2026&ky=q2``), or a range of days
    (``?tu=2026-03-02&den=2026-03-06``; one day when both are the same). ``error`` explains a range that
    was refused (the year is shown instead)."""

    year: int
    part: str  # "nam", "q1".."q4", "m1".."m12", or RANGE
    start: date | None = None  # the range's, for RANGE
    end: date | None = None
    error: str = ""

    @property
    def period(self) -> Period:
        if self.part == RANGE:
            return Period(self.start, self.end)
        if self.part.startswith("q"):
            quarter = int(self.part[1])
            first, last = 3 * quarter - 2, 3 * quarter
        elif self.part.startswith("m"):
            first = last = int(self.part[1:])
        else:
            first, last = 1, 12
        return Period(
            date(self.year, first, 1), date(self.year, last, calendar.monthrange(self.year, last)[1])
        )

    @property
    def previous(self) -> Period:
        """The period just before, of the same kind: the year, quarter or month before, or as many days
        before a range (the index's trend)."""
        period = self.period
        if self.part == RANGE:
            length = period.end - period.start + timedelta(days=1)
            return Period(period.start - length, period.start - timedelta(days=1))
        months = 12 if self.part == "nam" else 3 if self.part.startswith("q") else 1
        first = _months_before(period.start, months)
        return Period(first, period.start - timedelta(days=1))

    @property
    def label(self) -> str:
        if self.part == RANGE:
            if self.start == self.end:
                return _("Ngày %(day)s") % {"day": f"{self.start:%d/%m/%Y}"}
            return _("Từ ngày %(start)s đến ngày %(end)s") % {
                "start": f"{self.start:%d/%m/%Y}",
                "end": f"{self.end:%d/%m/%Y}",
            }
        if self.part.startswith("q"):
            return _("Quý %(q)s năm %(year)s") % {"q": self.part[1], "year": self.year}
        if self.part.startswith("m"):
            return _("Tháng %(m)s năm %(year)s") % {"m": self.part[1:], "year": self.year}
        return _("Năm %(year)s") % {"year": self.year}

    @property
    def query(self) -> str:
        if self.part == RANGE:
            return f"tu={self.start.isoformat()}&den={self.end.isoformat()}"
        return f"nam={self.year}&ky={self.part}"


def _months_before(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


PARTS = ("nam", "q1", "q2", "q3", "q4", *(f"m{m}" for m in range(1, 13)))
RANGE = "khoang"


def short_label(part: str) -> str:
    """The part of a year as the period links show it under the year (``Quý 2``, ``Tháng 7``)."""
    if part.startswith("q"):
        return _("Quý %(q)s") % {"q": part[1]}
    if part.startswith("m"):
        return _("Tháng %(m)s") % {"m": part[1:]}
    return _("Cả năm")


def period_links(chosen: ChosenPeriod) -> dict:
    """What the period navigation shows: the parts of the chosen year, and the years before and after
    (none after this year: a year to come has no figures yet)."""
    today = timezone.localdate()
    return {
        "parts": [(part, short_label(part)) for part in PARTS],
        "previous_year": chosen.year - 1 if chosen.year > 2000 else None,
        "next_year": chosen.year + 1 if chosen.year < today.year else None,
        "link_part": chosen.part if chosen.part != RANGE else "nam",
    }


MAX_RANGE_DAYS = 366


def chosen_period(params) -> ChosenPeriod:
    """The period named by ``params`` (a QueryDict); an unknown or missing value falls back to this year,
    a range that cannot be read or a year to come to this year with the reason in ``error``."""
    today = timezone.localdate()
    if params.get("tu") or params.get("den"):
        return _chosen_range(params.get("tu", ""), params.get("den", ""), today)
    try:
        year = int(params.get("nam", today.year))
    except ValueError:
        year = today.year
    if year > today.year:
        return ChosenPeriod(today.year, "nam", error=_no_figures_after(today))
    if year < 2000:
        year = today.year
    part = params.get("ky", "nam")
    return ChosenPeriod(year, part if part in PARTS else "nam")


def _chosen_range(raw_start: str, raw_end: str, today: date) -> ChosenPeriod:
    try:
        start = date.fromisoformat(raw_start or raw_end)
        end = date.fromisoformat(raw_end or raw_start)
    except ValueError:
        return ChosenPeriod(today.year, "nam", error=_("Ngày không hợp lệ: hãy chọn ngày theo lịch."))
    if end < start:
        return ChosenPeriod(today.year, "nam", error=_("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."))
    if (end - start).days >= MAX_RANGE_DAYS or start.year < 2000:
        return ChosenPeriod(
            today.year,
            "nam",
            error=_("Khoảng thời gian tối đa là một năm; để xem cả năm, hãy chọn theo năm."),
        )
    # The years offered stop at this year, and so does a range: a year to come has no figures yet (and
    # the figures are split by month: a range in the year 9999 has no month after it, a 500).
    if end.year > today.year:
        return ChosenPeriod(today.year, "nam", error=_no_figures_after(today))
    return ChosenPeriod(start.year, RANGE, start, end)


def _no_figures_after(today: date) -> str:
    return _("Chỉ xem được số liệu đến hết năm %(year)s.") % {"year": today.year}


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    value: Value
    group_label: str

    @property
    def meets_target(self) -> bool | None:
        if self.indicator.target is None or self.value.percent is None:
            return None
        return self.value.percent >= self.indicator.target


def indicator_rows(period: Period, scope: Scope) -> list[IndicatorRow]:
    return [
        IndicatorRow(
            indicator,
            indicator.value(period, Scope() if indicator.province_only else scope),
            GROUPS[indicator.group],
        )
        for indicator in INDICATORS
    ]


def _scoped(rows, scope: Scope):
    return rows if scope.is_province else rows.filter(agency_id__in=sorted(scope.agency_ids))


def monthly_trend(year: int, scope: Scope) -> list[tuple[str, int, int]]:
    """(month label, dossiers received, of which finished late that month) for the 12 months of ``year``."""
    rows = figure_rows(Period(date(year, 1, 1), date(year, 12, 31)), scope)
    by_month = dict.fromkeys(range(1, 13), (0, 0))
    sums = rows.values("month__month").annotate(sum_received=Sum("received"), sum_late=Sum("finished_late"))
    for row in sums:
        by_month[row["month__month"]] = (row["sum_received"] or 0, row["sum_late"] or 0)
    return [(f"{month:02d}/{year}", *by_month[month]) for month in range(1, 13)]


# --- The dossiers behind a number ---------------------------------------------------------------

DRILLS = {
    "tiep-nhan": (gettext_lazy("Hồ sơ tiếp nhận"), "received_day", Q()),
    "truc-tuyen": (
        gettext_lazy("Hồ sơ nộp trực tuyến"),
        "received_day",
        Q(channel__in=sorted(dossier_services.online_channels())),
    ),
    "so-hoa": (gettext_lazy("Hồ sơ có thành phần được số hóa"), "received_day", Q(papers_digitised=True)),
    "tai-su-dung": (gettext_lazy("Hồ sơ tái sử dụng dữ liệu"), "received_day", Q(reused_data=True)),
    "co-ket-qua": (gettext_lazy("Hồ sơ có kết quả"), "finished_day", Q()),
    "dung-han": (
        gettext_lazy("Hồ sơ có kết quả trước hạn hoặc đúng hạn"),
        "finished_day",
        Q(timeliness__in=["early", "on_time"]),
    ),
    "qua-han": (gettext_lazy("Hồ sơ có kết quả quá hạn"), "finished_day", Q(timeliness="late")),
    "khong-hai-long": (
        gettext_lazy("Hồ sơ bị đánh giá không hài lòng"),
        "finished_day",
        Q(rated_unsatisfied=True),
    ),
    "ket-qua-dien-tu": (gettext_lazy("Hồ sơ có kết quả điện tử"), "finished_day", Q(result_electronic=True)),
}


def drill(
    kind: str, period: Period, scope: Scope, *, procedure_code: str = "", field_code: str = ""
) -> tuple[str, list[DossierFact], bool]:
    """(title, up to ``DRILL_LIMIT`` facts of the dossiers counted in that number, whether more exist),
    narrowed to one procedure or field when given."""
    title, day_field, condition = DRILLS[kind]
    rows = _scoped(DossierFact.objects.filter(condition), scope).filter(
        **{f"{day_field}__gte": period.start, f"{day_field}__lte": period.end}
    )
    if procedure_code:
        rows = rows.filter(procedure_code=procedure_code)
    if field_code:
        rows = rows.filter(field_code=field_code)
    found = list(rows.order_by(day_field, "dossier_id")[: DRILL_LIMIT + 1])
    return str(title), found[:DRILL_LIMIT], len(found) > DRILL_LIMIT
