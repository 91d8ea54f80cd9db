"""Statutory deadlines of dossiers, counted on the working-day calendar (``core.working_days``).

**Appointment** (``initial_due``). A limit of n working days: ``working_days.due_date(start, n, cutoff)``
— the clock starts at ``start`` when it is inside office hours of a working day, otherwise at the next
working day's opening (``working_days.clock_start``), whatever the cutoff; the receipt day is that day, or
the next working day when the clock starts after the version's ``receipt_cutoff`` (the 15:00 rule; no
cutoff on the version = office hours only); the appointment is the n-th working day after it, at the
close of office hours (the end of the last period of ``CONGSO_OFFICE_HOURS``, 17:00 by default). n = 0
is a same-day procedure: due at the close of the receipt day. Either way a dossier is never due before it
arrived. A limit in working hours: ``working_days.due_at_hours(start, h)`` (office hours from the
moment itself, no 15:00 rule, as the calendar defines it); 0 hours is treated as the same day.

**Supplement** (``pause_for_supplement`` / ``resume_after_supplement``), by the version's
``supplement_clock_rule`` [verify, STANDARDS §1]:
- *pause* — the clock stops when the request is issued and resumes when the supplement is in; both
  deadlines move by the working time in between. For a limit in days: the working days in
  (request day, resumption day], the resumption day being ``receipt_day`` of the supplement (so a
  supplement after 15:00 resumes the next working day, like a new receipt). For a limit in hours: the
  office hours between the two moments.
- *restart* — the clock stops likewise; on the supplement both deadlines are recomputed in full from
  the supplement, as for a new receipt.
- *continue* — the clock keeps running; nothing moves.

**Extension** (form 04): moves ``due_at`` only; ``statutory_due_at`` keeps the statutory deadline.

**Timeliness** (``core.timeliness.classify``, the kernel's rule shared with the workflow's steps):
finished strictly after the deadline → late; otherwise finished on an earlier calendar day (local) than
the deadline's → early; otherwise (same day, not after) → on time.
A dossier is measured against ``statutory_due_at``; a hand-over step against its own ``due_at``.

**At risk** (``at_risk_window``, ``at_risk_threshold``): a dossier is at risk when its appointment is
within its own window of working hours: a share (``CONGSO_DOSSIER_AT_RISK_SHARE``, default 1/3) of the
working time it was allotted at receipt, at least ``CONGSO_DOSSIER_AT_RISK_MIN_HOURS`` (default 1) and at
most ``CONGSO_DOSSIER_AT_RISK_HOURS`` (default 8), stored on the dossier (``at_risk_hours``). So a
same-day dossier is not at risk minutes after it arrived, and a limit of three days or more keeps the
full 8 hours.

**Watch** (``watch``, periodic job ``dossiers.deadline_watch`` every 300 s): open dossiers whose clock
runs and whose appointment falls within their at-risk window get
``dossier.deadline_at_risk`` once for that appointment (again only if the appointment moves); those
past their appointment with no extension moving it get ``dossier.overdue`` once.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import events, holidays, scheduling, working_days

from . import conf
from .errors import InvalidDossierInput
from .models import Dossier

BATCH = 500


def _tz():
    return timezone.get_default_timezone()


def office_close() -> time:
    """The end of the last office period of a working day (17:00 by default)."""
    return working_days.configured_office_hours()[-1][1]


def end_of_day(day: date) -> datetime:
    """The appointment moment of a day-counted deadline: the close of office hours that day."""
    return timezone.make_aware(datetime.combine(day, office_close()), _tz())


def _cutoff(version) -> time | None:
    # No cutoff on the version: only office hours decide the receipt day (never "until midnight",
    # which made a dossier arriving at 20:00 due at 17:00 the same day).
    return version.receipt_cutoff or None


def _counts_in_hours(version) -> bool:
    from congso.catalog.models import TimeLimitUnit

    return version.time_limit_unit == TimeLimitUnit.WORKING_HOURS and version.time_limit_value > 0


def initial_due(version, start: datetime, calendar=None) -> datetime:
    """The appointment for a dossier of ``version`` received (or submitted online) at ``start``."""
    calendar = calendar or working_days.calendar()
    year = timezone.localtime(start, _tz()).year
    if not holidays.FIRST_YEAR <= year <= holidays.LAST_YEAR:
        # The calendar holds the days worked only from 2021 (Labour Code 2019); an older receipt (an
        # imported dossier) is refused rather than counted on rules that did not apply then.
        raise InvalidDossierInput(
            _("Không tính được hạn giải quyết: lịch làm việc chỉ có các năm từ {first} đến {last}.").format(
                first=holidays.FIRST_YEAR, last=holidays.LAST_YEAR
            ),
            code="calendar_year",
        )
    if _counts_in_hours(version):
        return calendar.due_at_hours(start, version.time_limit_value)
    return end_of_day(calendar.due_date(start, version.time_limit_value, _cutoff(version)))


def as_due_at(value) -> datetime:
    """A new appointment given as a ``date`` (close of that day) or an aware ``datetime``; it must fall
    on a working day. Errors: ``InvalidDossierInput`` (Vietnamese)."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise InvalidDossierInput(_("Thời điểm hẹn trả phải kèm múi giờ."), code="naive_datetime")
        day = timezone.localtime(value, _tz()).date()
        moment = value
    elif isinstance(value, date):
        day, moment = value, end_of_day(value)
    else:
        raise InvalidDossierInput(_("Ngày hẹn trả không hợp lệ."), code="bad_date")
    if not working_days.is_working_day(day):
        raise InvalidDossierInput(
            _("Ngày {day} không phải ngày làm việc; vui lòng chọn ngày làm việc.").format(
                day=day.strftime("%d/%m/%Y")
            ),
            code="not_working_day",
        )
    return moment


def step_due(
    handed_at: datetime,
    allotted_hours: int | Decimal | None,
    fallback: datetime | None,
    *,
    cap: datetime | None = None,
) -> datetime | None:
    """A hand-over step's deadline: its allotted working hours from ``handed_at``, else ``fallback``
    (the dossier's appointment). The exact hours, fractions included (0.5 h = 30 working minutes), by
    the same calendar function as a work item's deadline, so a process step and its control sheet row
    agree.

    ``cap``, the dossier's appointment: a step is never given longer than the dossier has — its allotted
    hours are the designer's estimate, the appointment is the province's promise. Except when the
    appointment has already passed as the step opens: the dossier is late already (and says so); a cap
    would make every later step late from its first minute and escalate at once, which tells nobody
    anything new, so such a step keeps its own allotted time."""
    if allotted_hours:
        own = working_days.due_at_hours(handed_at, allotted_hours)
        if cap is not None and handed_at < cap < own:
            return cap
        return own
    return fallback


# --- Supplement: the clock per the version's rule -------------------------------------------------


def _rule(request) -> str:
    return request.clock_rule


def pause_for_supplement(dossier, request, at: datetime) -> list[str]:
    """Stop the clock when a supplement is requested (rules pause and restart). Returns the changed
    field names for the caller's save."""
    from congso.catalog.models import SupplementClockRule

    if _rule(request) == SupplementClockRule.CONTINUE:
        return []
    dossier.paused_at = at
    return ["paused_at"]


def working_hours_between(a: datetime, b: datetime, calendar=None) -> float:
    """Office hours of working days between the moments ``a`` and ``b`` (0 when b ≤ a), from the
    calendar's working days and ``CONGSO_OFFICE_HOURS``."""
    calendar = calendar or working_days.calendar()
    start = timezone.localtime(a, _tz()).replace(tzinfo=None)
    end = timezone.localtime(b, _tz()).replace(tzinfo=None)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            for period_start, period_end in working_days.configured_office_hours():
                low = max(start, datetime.combine(day, period_start))
                high = min(end, datetime.combine(day, period_end))
                if high > low:
                    total += high - low
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def _shift_days(moment: datetime, days: int, calendar) -> datetime:
    local = timezone.localtime(moment, _tz())
    new_day = calendar.add_working_days(local.date(), days) if days else local.date()
    return timezone.make_aware(datetime.combine(new_day, local.time()), _tz())


def _paused_shift(dossier, resumed_at: datetime, calendar):
    """A function moving a deadline by the working time the clock stood still."""
    version = dossier.procedure_version
    if _counts_in_hours(version):
        hours = working_hours_between(dossier.paused_at, resumed_at, calendar)
        return lambda moment: calendar.due_at_hours(moment, hours) if hours else moment
    paused_day = timezone.localtime(dossier.paused_at, _tz()).date()
    resumed_day = calendar.receipt_day(resumed_at, _cutoff(version))
    days = max(0, calendar.working_days_between(paused_day, resumed_day))
    return lambda moment: _shift_days(moment, days, calendar)


def resume_after_supplement(dossier, request, at: datetime) -> list[str]:
    """Restart the clock when the supplement is in, moving the deadlines per the rule. Returns the
    changed field names for the caller's save."""
    from congso.catalog.models import SupplementClockRule

    rule = _rule(request)
    if rule == SupplementClockRule.CONTINUE or dossier.paused_at is None:
        return []
    calendar = working_days.calendar()
    if rule == SupplementClockRule.RESTART:
        dossier.due_at = dossier.statutory_due_at = initial_due(dossier.procedure_version, at, calendar)
        dossier.at_risk_hours = at_risk_window(at, dossier.due_at, calendar)
    else:
        shift = _paused_shift(dossier, at, calendar)
        dossier.due_at = shift(dossier.due_at) if dossier.due_at else None
        dossier.statutory_due_at = shift(dossier.statutory_due_at) if dossier.statutory_due_at else None
    dossier.paused_at = None
    return ["due_at", "statutory_due_at", "paused_at", "at_risk_hours"]


# --- Apology and the periodic watch ---------------------------------------------------------------


# The at-risk window is stored in half hours: few distinct values, so one CASE expression covers them.
_WINDOW_STEP = 0.5


def _window_bounds() -> tuple[float, float, float]:
    return conf.at_risk_share(), conf.at_risk_min_hours(), float(conf.at_risk_hours())


def _grid() -> list[float]:
    """Every window ``at_risk_window`` can return under the current settings."""
    _share, low, high = _window_bounds()
    value, values = _snap(low), []
    while value <= _snap(high):
        values.append(value)
        value += _WINDOW_STEP
    return values


def _snap(hours: float) -> float:
    return round(hours / _WINDOW_STEP) * _WINDOW_STEP


def at_risk_window(start: datetime, due: datetime | None, calendar=None) -> float | None:
    """The working hours before the appointment ``due`` from which a dossier received at ``start`` is at
    risk: ``CONGSO_DOSSIER_AT_RISK_SHARE`` of its allotted working time (office hours from ``start`` to
    ``due``), at least ``CONGSO_DOSSIER_AT_RISK_MIN_HOURS`` and at most ``CONGSO_DOSSIER_AT_RISK_HOURS``,
    in half hours. A same-day dossier received at 09:00 (due 17:00: 6.5 office hours) gets 2 h, so it is at
    risk from 15:00, not on arrival; one of three days or more keeps the full window (8 h by default)."""
    if due is None:
        return None
    share, low, high = _window_bounds()
    allotted = working_hours_between(start, due, calendar)
    return min(_snap(high), max(_snap(low), _snap(share * allotted)))


class RiskThreshold:
    """ "At risk" at ``now``: the appointment falls within the dossier's own window (``at_risk_hours``
    working hours, the largest window for rows without one) from ``now``. Compute it once per page or
    batch; each window's moment is computed once."""

    def __init__(self, now: datetime, calendar=None) -> None:
        self.now = now
        self.calendar = calendar or working_days.calendar()
        self._moments: dict[float, datetime] = {}

    def moment(self, hours: float | None) -> datetime:
        """The appointments at or before this moment are at risk for a window of ``hours``."""
        hours = float(conf.at_risk_hours()) if hours is None else hours
        if hours not in self._moments:
            self._moments[hours] = self.calendar.due_at_hours(self.now, hours)
        return self._moments[hours]

    def reached(self, dossier) -> bool:
        """Whether ``dossier``'s appointment is within its window (or past)."""
        return dossier.due_at is not None and dossier.due_at <= self.moment(dossier.at_risk_hours)

    def _limit(self) -> Case:
        whens = [When(at_risk_hours=hours, then=Value(self.moment(hours))) for hours in _grid()]
        return Case(*whens, default=Value(self.moment(None)), output_field=DateTimeField())

    def q(self) -> Q:
        """Dossiers whose appointment is within their window (including those already past it)."""
        return Q(due_at__lte=self._limit())

    def beyond(self) -> Q:
        """Dossiers whose appointment is still beyond their window."""
        return Q(due_at__gt=self._limit())


def at_risk_threshold(now: datetime | None = None, calendar=None) -> RiskThreshold:
    """What "at risk" means at ``now``: see ``RiskThreshold`` and ``at_risk_window``."""
    return RiskThreshold(now or timezone.now(), calendar)


def needs_apology(dossier, now: datetime | None = None) -> bool:
    """Whether the officer must issue form 04 (apology and extension) now: the dossier is open, its clock
    runs, and its appointment is within its at-risk window or already past. The law wants the letter
    *before* the appointment passes, so the workspace prompts from the start of the window; issuing it
    (``services.extend``) moves the appointment and this turns False until the new one nears."""
    if not dossier.is_open or dossier.due_at is None or dossier.paused_at is not None:
        return False
    return at_risk_threshold(now).reached(dossier)


def _flag(pk: int, condition: Q, update: dict, event: str) -> bool:
    """Re-check ``condition`` on the locked row, record the flag and publish ``event``, atomically."""
    from .states import event_payload

    with transaction.atomic():
        dossier = (
            Dossier.objects.clock_running()
            .select_for_update(skip_locked=True)
            .filter(condition, pk=pk)
            .first()
        )
        if dossier is None:
            return False  # changed meanwhile, or another worker holds it
        Dossier.objects.filter(pk=pk).update(**update)
        events.publish(event, event_payload(dossier, due_at=dossier.due_at.isoformat()), aggregate=dossier)
        return True


def watch(now: datetime | None = None) -> dict[str, int]:
    """Publish ``dossier.deadline_at_risk`` and ``dossier.overdue`` where due (see the module docstring).
    Returns how many of each were published. Idempotent: a second run publishes nothing new."""
    now = now or timezone.now()
    running = Dossier.objects.clock_running()
    at_risk_condition = (
        Q(due_at__gt=now)
        & at_risk_threshold(now).q()
        & (Q(at_risk_flagged_due_at__isnull=True) | ~Q(at_risk_flagged_due_at=F("due_at")))
    )
    overdue_condition = Q(due_at__lte=now, overdue_flagged_at__isnull=True)
    counts = {"at_risk": 0, "overdue": 0}
    for pk in running.filter(at_risk_condition).order_by("due_at").values_list("pk", flat=True)[:BATCH]:
        counts["at_risk"] += _flag(
            pk, at_risk_condition, {"at_risk_flagged_due_at": F("due_at")}, "dossier.deadline_at_risk"
        )
    for pk in running.filter(overdue_condition).order_by("due_at").values_list("pk", flat=True)[:BATCH]:
        counts["overdue"] += _flag(pk, overdue_condition, {"overdue_flagged_at": now}, "dossier.overdue")
    return counts


@scheduling.periodic("dossiers.deadline_watch", every=300)
def _deadline_watch():
    watch()
