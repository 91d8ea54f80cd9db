"""What the leaders' dashboard and the public page show, assembled from the indicators and the daily
figures: the chosen period, every indicator's value, the monthly trend of the year, the agencies ranked,
and the dossiers behind a number (drill-down). Reads only."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services

from . import aggregates
from .indicators import GROUPS, INDICATORS, Indicator, Period, Scope, Value, figure_rows, satisfaction_value
from .models import DossierFact

DRILL_LIMIT = 500


@dataclass(frozen=True)
class ChosenPeriod:
    """A year, a quarter or a month, as the address names it (``?nam=2026&ky=q2``)."""

    year: int
    part: str  # "nam", "q1".."q4", "m1".."m12"

    @property
    def period(self) -> Period:
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
    def label(self) -> str:
        if self.part.startswith("q"):
            return _("Quý %(q)s năm %(year)s") % {"q": self.part[1], "year": self.year}
        if self.part.startswith("m"):
            return _("Tháng %(m)s năm %(year)s") % {"m": self.part[1:], "year": self.year}
        return _("Năm %(year)s") % {"year": self.year}

    @property
    def query(self) -> str:
        return f"nam={self.year}&ky={self.part}"


PARTS = ("nam", "q1", "q2", "q3", "q4", *(f"m{m}" for m in range(1, 13)))


def chosen_period(params) -> ChosenPeriod:
    """The period named by ``params`` (a QueryDict); an unknown or missing value falls back to this year."""
    today = timezone.localdate()
    try:
        year = int(params.get("nam", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    part = params.get("ky", "nam")
    return ChosenPeriod(year, part if part in PARTS else "nam")


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


@dataclass(frozen=True)
class AgencyRow:
    agency_id: int
    name: str
    received: int
    finished: int
    finished_late: int
    on_time: Value
    satisfaction: Value


def agency_ranking(period: Period, scope: Scope) -> list[AgencyRow]:
    """The agencies of ``scope`` with dossiers in ``period``, best on-time rate first (then most
    dossiers), each with its received, finished and late counts and its satisfaction rate."""
    rows = figure_rows(period, scope)
    sums = rows.values("agency_id").annotate(**{f"sum_{name}": Sum(name) for name in aggregates.FIGURES})
    names = {a.pk: a.name for a in agency_services.agencies_by_name([row["agency_id"] for row in sums])}
    ranking = []
    for row in sums:
        counts = {name: row[f"sum_{name}"] or 0 for name in aggregates.FIGURES}
        ranking.append(
            AgencyRow(
                agency_id=row["agency_id"],
                name=names.get(row["agency_id"], str(row["agency_id"])),
                received=counts["received"],
                finished=counts["finished"],
                finished_late=counts["finished_late"],
                on_time=Value(counts["finished_early"] + counts["finished_on_time"], counts["finished"]),
                satisfaction=satisfaction_value(counts),
            )
        )
    ranking.sort(
        key=lambda r: (-(r.on_time.percent if r.on_time.percent is not None else -1), -r.received, r.name)
    )
    return ranking


def _rank(row: AgencyRow) -> tuple:
    on_time = row.on_time.percent
    return (-(on_time if on_time is not None else -1), -row.received, row.name)


# --- The dossiers behind a number ---------------------------------------------------------------

DRILLS = {
    "tiep-nhan": (_("Hồ sơ tiếp nhận"), "received_day", Q()),
    "co-ket-qua": (_("Hồ sơ có kết quả"), "finished_day", Q()),
    "qua-han": (_("Hồ sơ có kết quả quá hạn"), "finished_day", Q(timeliness="late")),
    "khong-hai-long": (_("Hồ sơ bị đánh giá không hài lòng"), "finished_day", Q(rated_unsatisfied=True)),
}


def drill(kind: str, period: Period, scope: Scope) -> tuple[str, list[DossierFact], bool]:
    """(title, up to ``DRILL_LIMIT`` facts of the dossiers counted in that number, whether more exist)."""
    title, day_field, condition = DRILLS[kind]
    rows = _scoped(DossierFact.objects.filter(condition), scope).filter(
        **{f"{day_field}__gte": period.start, f"{day_field}__lte": period.end}
    )
    found = list(rows.order_by(day_field, "dossier_id")[: DRILL_LIMIT + 1])
    return str(title), found[:DRILL_LIMIT], len(found) > DRILL_LIMIT
