"""The indicators: each with its formula, its source and, where the plan sets one, its target.

Decision 766/QĐ-TTg groups the service-quality index in five (STANDARDS §2): transparency, processing
progress, digitisation, online service provision, satisfaction; the province's plan adds its own targets
(e-ID users 40%, systems connected through the LGSP 60%). An indicator is computed for a ``Period`` and a
``Scope`` (the province, or some receiving agencies) from the daily figures or from the owning block's
service; one whose source block does not exist yet says so (``Value.available`` is false) rather than
showing zero.

Formulas (counts over the period's days; "finished" = a result recorded in the period):

- dossiers submitted online = received through an online channel / received;
- processed on time = finished early or on time / finished;
- satisfaction (Decision 766, STANDARDS §2 corrected) = (finished − rated unsatisfied − finished late)
  / finished: the denominator is every dossier resolved, not the ratings, and an unrated late dossier
  still counts against it; a dossier both late and rated unsatisfied counts once. Complaints would be
  subtracted too; congso has no complaints register yet, which the indicator's note says;
- dossiers digitised at reception = received with their papers stored as files / received;
- results issued electronically = finished with a result file / finished;
- re-use of data = received that re-used data (a national register answered a lookup for it, or an
  item of the applicant's data store was re-used) / received;
- procedures offered fully online = procedures in force offered fully online / procedures in force;
- systems connected through the LGSP = systems serving the public that exchanged a message in the period
  / such systems registered (``lgsp.services.connected_share``);
- users authenticated with e-ID = citizens and businesses who signed in with VNeID in the period /
  citizens and businesses who signed in (``identity.services.eid_authenticated_share``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.catalog import services as catalog_services
from congso.core import request_cache
from congso.dossiers import services as dossier_services
from congso.identity import services as identity_services
from congso.lgsp import services as lgsp_services
from congso.nationalportal import services as nationalportal_services
from congso.payments import services as payment_services

from . import aggregates
from .models import DailyFigures, MonthlyFigures, MonthlyProcedureFigures

GROUPS = {
    "transparency": _("Công khai, minh bạch"),
    "progress": _("Tiến độ giải quyết"),
    "digitisation": _("Số hóa hồ sơ"),
    "online": _("Cung cấp dịch vụ trực tuyến"),
    "satisfaction": _("Mức độ hài lòng"),
    "plan": _("Chỉ tiêu Kế hoạch của tỉnh"),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included


@dataclass(frozen=True)
class Scope:
    """The province (``agency_ids`` None) or the dossiers received by some agencies."""

    agency_ids: frozenset[int] | None = None

    @property
    def is_province(self) -> bool:
        return self.agency_ids is None


@dataclass(frozen=True)
class Value:
    numerator: int = 0
    denominator: int = 0
    available: bool = True
    note: str = ""

    @property
    def percent(self) -> float | None:
        if not self.available or not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 2)


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str
    name: str
    formula: str
    source: str
    compute: Callable[[Period, Scope], Value]
    target: float | None = None  # percent
    province_only: bool = False
    # The drill-down lists (``dashboard.DRILLS``) of the dossiers behind the numerator and denominator.
    drill: tuple[str, str] = ("", "")

    def value(self, period: Period, scope: Scope) -> Value:
        return self.compute(period, scope)


def whole_months(period: Period) -> bool:
    return period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


def split_by_months(period: Period) -> list[Period]:
    """``period`` cut into the whole months it covers (one part) and the days before and after them, so
    a range of days reads the monthly figures where it can: a 90-day range reads about a month of daily
    rows instead of three (the monthly figures are the sums of the daily ones, ``aggregates``)."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    if (period.end + timedelta(days=1)).day == 1:
        last = period.end
    else:
        last = period.end.replace(day=1) - timedelta(days=1)
    if first > last:
        return [period]
    parts = [Period(first, last)]
    if period.start < first:
        parts.append(Period(period.start, first - timedelta(days=1)))
    if last < period.end:
        parts.append(Period(last + timedelta(days=1), period.end))
    return parts


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def figure_rows(period: Period, scope: Scope, *, by_procedure: bool = False):
    """The rows that hold ``period``'s figures in ``scope``: the monthly ones when the period is whole
    months (per channel, or per procedure when ``by_procedure``), else the daily ones. A period that is
    neither is read part by part (``figure_parts``)."""
    if whole_months(period):
        model = MonthlyProcedureFigures if by_procedure else MonthlyFigures
        rows = model.objects.filter(month__gte=period.start, month__lte=period.end)
    else:
        rows = DailyFigures.objects.filter(day__gte=period.start, day__lte=period.end)
    return rows if scope.is_province else rows.filter(agency_id__in=sorted(scope.agency_ids))


def figure_parts(period: Period, scope: Scope, *, by_procedure: bool = False) -> list:
    """The row sets whose sums together are ``period``'s figures: its whole months, then its other days."""
    return [figure_rows(part, scope, by_procedure=by_procedure) for part in split_by_months(period)]


def figures(period: Period, scope: Scope) -> dict[str, int]:
    """The sums of the figures of ``period`` in ``scope``; once per request for all the indicators."""
    return request_cache.remember(("reporting.figures", period, scope), lambda: _sums(period, scope))


def _sums(period: Period, scope: Scope) -> dict[str, int]:
    # Aliases must not be field names: a second Sum("received") would read the first one's alias.
    online = Q(channel__in=sorted(dossier_services.online_channels()))
    totals: dict[str, int] = {}
    for rows in figure_parts(period, scope):
        sums = rows.aggregate(
            **{f"sum_{name}": Sum(name) for name in aggregates.FIGURES},
            sum_received_online=Sum("received", filter=online),
        )
        for alias, value in sums.items():
            name = alias.removeprefix("sum_")
            totals[name] = totals.get(name, 0) + (value or 0)
    return totals


def _online(period, scope) -> Value:
    sums = figures(period, scope)
    return Value(sums["received_online"], sums["received"])


def _on_time(period, scope) -> Value:
    sums = figures(period, scope)
    return Value(sums["finished_early"] + sums["finished_on_time"], sums["finished"])


def satisfaction_value(sums: dict[str, int]) -> Value:
    # A dossier both late and rated unsatisfied is in both counts: subtract it once.
    bad = sums["unsatisfied"] + sums["finished_late"] - sums["unsatisfied_late"]
    return Value(
        max(sums["finished"] - bad, 0),
        sums["finished"],
        note=str(_("Chưa trừ hồ sơ bị phản ánh, kiến nghị: congso chưa có sổ tiếp nhận phản ánh.")),
    )


def _satisfaction(period, scope) -> Value:
    return satisfaction_value(figures(period, scope))


def as_of(period: Period) -> date:
    """The day a state-at-a-moment indicator (what is offered online, what agrees with the national
    catalogue) is read at: the period's last day, or today while the period is still running — the
    year to date is read as it stands now, not as a future day nobody has measured yet."""
    return min(period.end, timezone.localdate())


def _fully_online(period, scope) -> Value:
    counts = catalog_services.online_offer_counts(as_of(period))
    return Value(counts["fully_online"], counts["in_force"])


def _any_online(period, scope) -> Value:
    counts = catalog_services.online_offer_counts(as_of(period))
    return Value(counts["fully_online"] + counts["partly_online"], counts["in_force"])


def _catalogue_agreement(period, scope) -> Value:
    agreement = nationalportal_services.catalogue_agreement(as_of(period))
    if not agreement.linked:
        return Value(
            available=False,
            note=str(_("Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia để đối chiếu danh mục.")),
        )
    return Value(agreement.same, agreement.published)


def _lgsp_connected(period, scope) -> Value:
    share = lgsp_services.connected_share(period.start, period.end)
    return Value(share.connected, share.total)


def _eid_users(period, scope) -> Value:
    share = identity_services.eid_authenticated_share(period.start, period.end)
    return Value(share.with_eid, share.active)


def _online_payment(period, scope) -> Value:
    share = payment_services.online_payment_share(period.start, period.end)
    return Value(share.paid_online, share.dossiers_with_fee)


def _digitised_results(period, scope) -> Value:
    sums = figures(period, scope)
    return Value(sums["finished_electronic"], sums["finished"])


def _digitised_papers(period, scope) -> Value:
    sums = figures(period, scope)
    return Value(sums["received_digitised"], sums["received"])


def _data_reuse(period, scope) -> Value:
    sums = figures(period, scope)
    return Value(sums["received_reused"], sums["received"])


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "catalogue_agreement",
        "transparency",
        _("Tỷ lệ thủ tục công khai khớp với Cơ sở dữ liệu quốc gia về thủ tục hành chính"),
        _(
            "Thủ tục có mã quốc gia mà lần đối chiếu gần nhất (trong 7 ngày đến cuối kỳ) "
            "không thấy khác biệt / thủ tục có mã quốc gia"
        ),
        _("Đối chiếu danh mục với Cổng Dịch vụ công quốc gia (nationalportal)"),
        _catalogue_agreement,
        province_only=True,
    ),
    Indicator(
        "on_time",
        "progress",
        _("Tỷ lệ hồ sơ giải quyết đúng hạn"),
        _("Hồ sơ có kết quả trước hạn hoặc đúng hạn / hồ sơ có kết quả trong kỳ"),
        _("Hồ sơ một cửa (dossiers)"),
        _on_time,
        drill=("dung-han", "co-ket-qua"),
    ),
    Indicator(
        "online_submission",
        "online",
        _("Tỷ lệ hồ sơ nộp trực tuyến"),
        _("Hồ sơ nộp qua kênh trực tuyến / hồ sơ tiếp nhận trong kỳ"),
        _("Hồ sơ một cửa (dossiers)"),
        _online,
        drill=("truc-tuyen", "tiep-nhan"),
    ),
    Indicator(
        "fully_online_procedures",
        "online",
        _("Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến toàn trình"),
        _("Thủ tục có hiệu lực cung cấp toàn trình / thủ tục có hiệu lực (cuối kỳ)"),
        _("Danh mục thủ tục (catalog)"),
        _fully_online,
        province_only=True,
    ),
    Indicator(
        "online_procedures",
        "online",
        _("Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến (toàn trình hoặc một phần)"),
        _("Thủ tục có hiệu lực cung cấp toàn trình hoặc một phần / thủ tục có hiệu lực (cuối kỳ)"),
        _("Danh mục thủ tục (catalog)"),
        _any_online,
        province_only=True,
    ),
    Indicator(
        "online_payment",
        "online",
        _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
        _("Hồ sơ có nghĩa vụ tài chính thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính"),
        _("Thanh toán (payments)"),
        _online_payment,
        province_only=True,
    ),
    Indicator(
        "digitised_papers",
        "digitisation",
        _("Tỷ lệ hồ sơ được số hóa thành phần hồ sơ khi tiếp nhận"),
        _("Hồ sơ có thành phần hồ sơ lưu dưới dạng tệp điện tử / hồ sơ tiếp nhận trong kỳ"),
        _("Tệp hồ sơ (dossiers.services.digitised_dossier_ids)"),
        _digitised_papers,
        drill=("so-hoa", "tiep-nhan"),
    ),
    Indicator(
        "digitised_results",
        "digitisation",
        _("Tỷ lệ hồ sơ có kết quả giải quyết điện tử"),
        _("Hồ sơ có tệp kết quả điện tử / hồ sơ có kết quả trong kỳ"),
        _("Tệp kết quả của hồ sơ (dossiers.services.digitised_dossier_ids)"),
        _digitised_results,
        drill=("ket-qua-dien-tu", "co-ket-qua"),
    ),
    Indicator(
        "data_reuse",
        "digitisation",
        _("Tỷ lệ hồ sơ tái sử dụng dữ liệu đã số hóa"),
        _(
            "Hồ sơ có thông tin lấy từ cơ sở dữ liệu quốc gia hoặc kho dữ liệu của người dân / "
            "hồ sơ tiếp nhận trong kỳ"
        ),
        _("Tra cứu cơ sở dữ liệu quốc gia, kho dữ liệu (registries.services.dossiers_reusing_data)"),
        _data_reuse,
        drill=("tai-su-dung", "tiep-nhan"),
    ),
    Indicator(
        "satisfaction",
        "satisfaction",
        _("Mức độ hài lòng (Quyết định 766)"),
        _("(Hồ sơ có kết quả − hồ sơ bị đánh giá không hài lòng − hồ sơ quá hạn) / hồ sơ có kết quả"),
        _("Hồ sơ một cửa và đánh giá của người dân (dossiers, portal)"),
        _satisfaction,
        drill=("", "co-ket-qua"),
    ),
    Indicator(
        "lgsp_connected",
        "plan",
        _("Tỷ lệ hệ thống phục vụ người dân, doanh nghiệp kết nối qua LGSP"),
        _("Hệ thống có trao đổi dữ liệu qua LGSP trong kỳ / hệ thống phục vụ người dân, doanh nghiệp"),
        _("Nền tảng LGSP (lgsp)"),
        _lgsp_connected,
        target=60.0,
        province_only=True,
    ),
    Indicator(
        "eid_users",
        "plan",
        _("Tỷ lệ người dùng xác thực bằng định danh điện tử"),
        _("Người dân, doanh nghiệp đăng nhập bằng VNeID trong kỳ / người dân, doanh nghiệp đăng nhập"),
        _("Định danh (identity)"),
        _eid_users,
        target=40.0,
        province_only=True,
    ),
)

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
