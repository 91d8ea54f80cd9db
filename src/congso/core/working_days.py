"""The working-day calendar: which dates are worked, and the deadlines of dossiers counted on them.

Use it as ``from congso.core import working_days`` then ``working_days.add(start, 3)``,
``working_days.due_date(received_at, 5)``, ``working_days.between(a, b)``. Code that computes many
deadlines at once (an inbox, a report) takes one ``working_days.calendar()`` and calls its methods, so
the table is read once per year instead of once per call.

**Working day** [law]. Monday–Friday, except the statutory holidays (Labour Code 2019 art. 112: 1 Jan,
Tết 5 days, Hùng Kings' day 10/3 lunar, 30 Apr, 1 May, 2 Sep and an adjacent day), the compensatory
days off when one of them falls on Saturday or Sunday (art. 111(3)), and the days the government swaps
off; plus the Saturdays (or Sundays) the government makes working days in exchange ("làm bù").
Which 5 days are Tết, which day joins National Day and every swap are announced each year
[verify per year]: they live in the calendar table (``CalendarDay``) an administrator edits. A year's
statutory rows are written there by ``ensure_year`` (idempotent; the admin does it per year); until
then the same rows are computed on the fly, so a deadline never depends on whether anyone ran it.
Reads go to the database once per request (one query per calendar year touched, memoised in
``core.request_cache`` for that request only, dropped when the request itself edits the table), so every
process sees an administrator's change on its next request; there is no cross-request cache to invalidate.

**Counting** [law: Civil Code 2015 art. 147–148]. A time limit in days does not count the day of the
event; it runs from the next day and ends at the end of its last day. Here:
- ``add_working_days(start, n)`` for n ≥ 1 is the n-th working day *after* ``start`` (``start`` is never
  counted). n = 0 is ``start`` itself when it is a working day, otherwise the next working day.
  n < 0 goes backwards: the |n|-th working day *before* ``start`` (e.g. "remind 2 working days before").
- ``working_days_between(a, b)`` counts the working days in the half-open range (a, b]; it is negative
  when b < a and 0 when a == b. For a working day b: ``add_working_days(a, working_days_between(a, b)) == b``.

**Clock start** [practice: the one-stop desk receives during office hours]. A time limit starts at
the moment of receipt when that moment is inside an office period of a working day, otherwise at the
opening of the next office period: ``clock_start``. A dossier submitted online at 20:00 therefore starts
at 07:30 the next working day, whatever the cutoff, and is never due before it arrived.

**Receipt day and the 15:00 rule** [law for many procedures; the cutoff is a parameter because it
belongs to a procedure version]. The receipt day is the day of the clock start, or the next working day
when the clock starts after the cutoff (default 15:00 local time; ``None`` = the procedure has no
cutoff, only office hours count): ``receipt_day``. The
appointment date for a limit of n working days is ``add_working_days(receipt_day, n)``: ``due_date``.
With n = 0 (same-day procedures) that is the receipt day itself: received at 14:59 on a working day →
due that day; at 15:01 → due the next working day. "After 15:00" means strictly later than 15:00:00.
Times are converted to the project's time zone (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh); naive
datetimes are refused.

**Limits in working hours** [practice]. ``due_at_hours`` counts office hours from the moment of receipt
(Civil Code art. 147(1): a limit in hours starts at the moment itself; no 15:00 rule). Office hours are
configuration, ``settings.CONGSO_OFFICE_HOURS``, default ``"07:30-11:30,13:00-17:00"`` — 8 hours a
day, so the practice "days = hours / 8" holds.

**National Day's adjacent day** when not announced: ``settings.CONGSO_NATIONAL_DAY_EXTRA_DAY`` —
``"auto"`` (default, see ``core.holidays``), ``"before"`` (1 Sep) or ``"after"`` (3 Sep).
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from math import isfinite

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from . import audit, request_cache, rows
from .configuration import refusal
from .holidays import (
    CalendarEntry,
    NationalDayExtra,
    check_year,
    is_working,
    plan_year,
)
from .models import CalendarDay, CalendarYear, DaySource
from .models.calendar import CALENDAR_CACHE_OWNER

DEFAULT_CUTOFF = time(15, 0)
DEFAULT_OFFICE_HOURS = "07:30-11:30,13:00-17:00"
# No real calendar has a year without a working day: a longer run means a broken table.
_MAX_NON_WORKING_RUN = 366

OfficeHours = tuple[tuple[time, time], ...]


def _national_day_extra() -> str:
    value = getattr(settings, "CONGSO_NATIONAL_DAY_EXTRA_DAY", NationalDayExtra.AUTO)
    if value not in NationalDayExtra.values:
        choices = ", ".join(NationalDayExtra.values)
        raise refusal(
            f"CONGSO_NATIONAL_DAY_EXTRA_DAY phải là một trong {choices}, không phải {value!r}",
            f"CONGSO_NATIONAL_DAY_EXTRA_DAY must be one of {choices}, not {value!r}",
        )
    return value


def parse_office_hours(value: str | Iterable) -> OfficeHours:
    """Office periods from ``"07:30-11:30,13:00-17:00"`` or from pairs of ``time``/``"HH:MM"``.

    Raises ``ValueError`` (Vietnamese message) unless the periods are non-empty, each starts before it
    ends, and they follow one another without overlapping.
    """
    try:
        pairs = [part.split("-") for part in value.split(",")] if isinstance(value, str) else list(value)
        periods = tuple(
            tuple(bound if isinstance(bound, time) else time.fromisoformat(bound.strip()) for bound in pair)
            for pair in pairs
        )
    except (AttributeError, TypeError, ValueError):
        periods = ()
    valid = bool(periods) and all(len(period) == 2 and period[0] < period[1] for period in periods)
    valid = valid and all(earlier[1] <= later[0] for earlier, later in pairwise(periods))
    if not valid:
        raise ValueError(
            gettext("Giờ làm việc không hợp lệ: %(value)s (ví dụ đúng: 07:30-11:30,13:00-17:00).")
            % {"value": value}
        )
    return periods


def check_settings() -> None:
    """Refuse (``ImproperlyConfigured``) wrong office hours or a wrong National Day choice; run at
    start-up (``CoreConfig.ready``), as both are otherwise first read by a request computing a deadline."""
    configured_office_hours()
    _national_day_extra()


def configured_office_hours() -> OfficeHours:
    value = getattr(settings, "CONGSO_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    try:
        return parse_office_hours(value)
    except ValueError:
        raise refusal(
            f"CONGSO_OFFICE_HOURS={value!r} không phải là giờ làm việc hợp lệ: các khoảng giờ nối tiếp "
            "nhau, mỗi khoảng bắt đầu trước khi kết thúc (ví dụ đúng: 07:30-11:30,13:00-17:00).",
            f"CONGSO_OFFICE_HOURS={value!r} is not valid office hours: periods one after another, each "
            "starting before it ends (for example 07:30-11:30,13:00-17:00).",
        ) from None


def _check_date(day) -> None:
    # A datetime is a date too; silently dropping its time would hide the 15:00 rule.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(gettext("Cần một ngày (date), không phải %(type)s.") % {"type": type(day).__name__})


def _check_int(n) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(
            gettext("Số ngày làm việc phải là số nguyên, không phải %(type)s.") % {"type": type(n).__name__}
        )


def _local(received_at) -> datetime:
    if not isinstance(received_at, datetime):
        raise TypeError(gettext("Thời điểm tiếp nhận phải là một datetime có múi giờ."))
    if timezone.is_naive(received_at):
        raise ValueError(gettext("Thời điểm tiếp nhận phải kèm múi giờ."))
    return timezone.localtime(received_at, timezone.get_default_timezone())


def _year_rows(year: int) -> dict[date, tuple[str, str]]:
    """The days of ``year`` written in the table, by date: (kind, occasion). A named query
    (``core.rows``) of the three columns used: intakes, submissions, the inbox and the dossier page all
    read the calendar, and building the queryset, or a model instance for each of the year's twenty-odd
    days, cost several times its statement."""
    connection = default_connection
    ops, quote = connection.ops, connection.ops.quote_name
    date_field = CalendarDay._meta.get_field("date")
    columns = ", ".join(
        quote(CalendarDay._meta.get_field(name).column) for name in ("date", "kind", "occasion")
    )
    # S608: the table and its columns are the model's own names; the two days are parameters.
    sql = (
        f"SELECT {columns} FROM {quote(CalendarDay._meta.db_table)} "  # noqa: S608
        f"WHERE {quote(date_field.column)} >= %s AND {quote(date_field.column)} <= %s"
    )
    first, last = ops.adapt_datefield_value(date(year, 1, 1)), ops.adapt_datefield_value(date(year, 12, 31))
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [first, last])
        found = cursor.fetchall()
    return {date_field.to_python(day): (kind, occasion) for day, kind, occasion in found}


class WorkingCalendar:
    """The calendar as read from the table at creation time; each year is loaded on first use.

    Keep an instance for one request or one batch job, not longer: it does not see later edits.
    """

    def __init__(self) -> None:
        self._years: dict[int, dict[date, str]] = {}

    def _kinds(self, year: int) -> dict[date, str]:
        if year not in self._years:
            check_year(year)
            written = _year_rows(year)
            kinds = {day: kind for day, (kind, _occasion) in written.items()}
            # Statutory days not yet written by ensure_year count all the same.
            planned = plan_year(year, written, national_day_extra=_national_day_extra())
            kinds.update({entry.date: entry.kind for entry in planned})
            self._years[year] = kinds
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is worked by state agencies (see the module docstring)."""
        _check_date(day)
        return is_working(day, self._kinds(day.year))

    def _step(self, day: date, direction: int) -> date:
        for _ in range(_MAX_NON_WORKING_RUN):
            day += timedelta(days=direction)
            if self.is_working_day(day):
                return day
        raise ValueError(
            gettext("Lịch không có ngày làm việc nào trong hơn một năm tính đến %(day)s; hãy kiểm tra lịch.")
            % {"day": f"{day:%d/%m/%Y}"}
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        _check_date(day)
        return self._step(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        _check_date(day)
        return self._step(day, -1)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n ≥ 1), ``start`` or the next working day (n = 0),
        the |n|-th working day before ``start`` (n < 0). Raises ``TypeError`` for a non-integer n."""
        _check_date(start)
        _check_int(n)
        if n == 0:
            return start if self.is_working_day(start) else self._step(start, 1)
        direction = 1 if n > 0 else -1
        day = start
        for _ in range(abs(n)):
            day = self._step(day, direction)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b < a."""
        _check_date(a)
        _check_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        days = (a + timedelta(days=offset) for offset in range(1, (b - a).days + 1))
        return sum(1 for day in days if self.is_working_day(day))

    def clock_start(
        self, received_at: datetime, *, office_hours: OfficeHours | str | None = None
    ) -> datetime:
        """The moment a time limit starts to run for something received at ``received_at``: that moment
        when it falls inside an office period of a working day, otherwise the opening of the next office
        period (later that day, or on the next working day). Aware, in the project's time zone; never
        earlier than ``received_at``. An office period is half-open: at its closing minute it is over."""
        periods = configured_office_hours() if office_hours is None else parse_office_hours(office_hours)
        local = _local(received_at)
        moment = local.replace(tzinfo=None)
        day = moment.date()
        if self.is_working_day(day):
            for start, end in periods:
                if moment < datetime.combine(day, end):
                    begin = max(moment, datetime.combine(day, start))
                    return timezone.make_aware(begin, timezone.get_default_timezone())
        day = self.next_working_day(day)
        return timezone.make_aware(datetime.combine(day, periods[0][0]), timezone.get_default_timezone())

    def receipt_day(self, received_at: datetime, cutoff: time | None = DEFAULT_CUTOFF) -> date:
        """The working day a dossier counts as received: the day its clock starts (``clock_start``:
        the next working day's opening when it came outside office hours), or the next working day when
        the clock would start after ``cutoff`` (``None``: no cutoff, only office hours count)."""
        if cutoff is not None and (not isinstance(cutoff, time) or cutoff.tzinfo is not None):
            raise TypeError(gettext("Giờ chốt tiếp nhận phải là một giờ (time) không kèm múi giờ."))
        start = timezone.localtime(self.clock_start(received_at), timezone.get_default_timezone())
        day = start.date()
        if cutoff is not None and start.time() > cutoff:
            return self.next_working_day(day)
        return day

    def due_date(
        self, received_at: datetime, working_days: int, cutoff: time | None = DEFAULT_CUTOFF
    ) -> date:
        """The appointment date for a time limit of ``working_days`` (≥ 0) working days."""
        _check_int(working_days)
        if working_days < 0:
            raise ValueError(gettext("Thời hạn giải quyết không được âm."))
        return self.add_working_days(self.receipt_day(received_at, cutoff), working_days)

    def due_at_hours(
        self,
        received_at: datetime,
        hours: int | float | Decimal,
        *,
        office_hours: OfficeHours | str | None = None,
    ) -> datetime:
        """The moment a limit of ``hours`` office hours, counted from ``received_at``, runs out.

        Office hours of working days only; a receipt outside them starts at the next office period.
        Returns an aware datetime in the project's time zone.
        """
        valid = not isinstance(hours, bool) and isinstance(hours, int | float | Decimal)
        if not valid or not isfinite(hours) or hours < 0:
            raise ValueError(gettext("Số giờ làm việc phải là một số không âm."))
        periods = configured_office_hours() if office_hours is None else parse_office_hours(office_hours)
        local = _local(received_at)
        remaining = timedelta(hours=float(hours))
        cursor = local.replace(tzinfo=None)
        day = cursor.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
            cursor = datetime.combine(day, time.min)
        while True:
            for start, end in periods:
                begin = max(cursor, datetime.combine(day, start))
                period_end = datetime.combine(day, end)
                if begin >= period_end:
                    continue
                if remaining <= period_end - begin:
                    return timezone.make_aware(begin + remaining, timezone.get_default_timezone())
                remaining -= period_end - begin
            day = self.next_working_day(day)
            cursor = datetime.combine(day, time.min)


def calendar() -> WorkingCalendar:
    """A calendar for one request or batch: each year's rows are read once. Inside a request every
    caller shares one (the code, the appointment and the at-risk window of one intake read the table
    once); outside a request each call gets its own."""
    return request_cache.remember((CALENDAR_CACHE_OWNER,), WorkingCalendar)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is worked by state agencies."""
    return calendar().is_working_day(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    return calendar().next_working_day(day)


def previous_working_day(day: date) -> date:
    """The last working day strictly before ``day``."""
    return calendar().previous_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start``; see the module docstring for n = 0 and n < 0."""
    return calendar().add_working_days(start, n)


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]; negative when b < a."""
    return calendar().working_days_between(a, b)


def clock_start(received_at: datetime) -> datetime:
    """The moment a time limit starts to run: ``received_at`` inside office hours, else the next opening."""
    return calendar().clock_start(received_at)


def receipt_day(received_at: datetime, cutoff: time | None = DEFAULT_CUTOFF) -> date:
    """The working day from which a time limit counts (office hours and the 15:00 rule)."""
    return calendar().receipt_day(received_at, cutoff)


def due_date(received_at: datetime, working_days: int, cutoff: time | None = DEFAULT_CUTOFF) -> date:
    """The appointment date for a time limit in working days (0 = same day)."""
    return calendar().due_date(received_at, working_days, cutoff)


def due_at_hours(
    received_at: datetime, hours: int | float | Decimal, *, office_hours: OfficeHours | str | None = None
) -> datetime:
    """The moment a limit stated in working hours runs out."""
    return calendar().due_at_hours(received_at, hours, office_hours=office_hours)


add = add_working_days
between = working_days_between


def ensure_year(year: int) -> list[CalendarEntry]:
    """Write into the calendar table the statutory rows ``year`` lacks, and return them.

    Input: a year in ``holidays.FIRST_YEAR..LAST_YEAR`` (else ``ValueError``). Effects: creates
    ``CalendarDay`` rows with ``source=computed`` (never changes or deletes a row; an occasion that
    already has a holiday in the table is left to it), records the run on ``CalendarYear`` and, when it
    created rows, an audit entry ``core.calendar.generate``. Idempotent: a second run creates nothing.
    """
    check_year(year)
    with transaction.atomic():
        planned = plan_year(year, _year_rows(year), national_day_extra=_national_day_extra())
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(
                    date=entry.date,
                    kind=entry.kind,
                    occasion=entry.occasion,
                    name=entry.name,
                    legal_basis=entry.legal_basis,
                    source=DaySource.COMPUTED,
                    verified=entry.verified,
                )
                for entry in planned
            ],
            # Two runs at once plan the same rows; the second must not fail on the unique date.
            ignore_conflicts=True,
        )
        CalendarYear.objects.update_or_create(year=year, defaults={"generated_at": timezone.now()})
        if planned:
            audit.record(
                "core.calendar.generate",
                changes={"year": year, "dates": [entry.date.isoformat() for entry in planned]},
                label="system",
            )
    return planned
