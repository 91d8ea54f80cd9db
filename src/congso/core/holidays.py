"""Vietnamese public holidays computed from the law for one year — pure functions, no database.

The calendar table (``core.models.CalendarDay``) is what deadlines are computed from; this module only
proposes the rows the law implies, so that ``working_days.ensure_year`` can write them for an
administrator to see and correct. What is law and what is a default:

**Law** — Labour Code 2019 (Law 45/2019/QH14, in force from 1 Jan 2021), art. 112(1): paid public
holidays are (a) 1 January; (b) Tết Âm lịch, 5 days; (c) 30 April; (d) 1 May; (đ) 2 September plus one
adjacent day (1 or 3 September); (e) the Hùng Kings' commemoration, 10th day of the 3rd lunar month.
Art. 112(3): the Prime Minister decides each year *which* 5 days are Tết and *which* day is adjacent to
National Day. Art. 111(3): a holiday falling on a weekly rest day is compensated by a day off on the
next working day. State agencies rest on Saturday and Sunday (40-hour week, Decision 188/1999/QĐ-TTg),
so a holiday on either is compensated.

**Default, not law [verify each year]** — until the year's announcement is entered:
- Tết: the two days before lunar new year's day and its first three days (``LNY-2 … LNY+2``); days
  of these falling on Saturday/Sunday are compensated by the next working days. This reproduces the
  working days actually given off for Tết in every year 2021–2026 (see tests/core/test_holidays.py).
- National Day's adjacent day: the one that bridges to the weekend (1 Sep when it is a Monday, 3 Sep
  when it is a Friday), otherwise 1 Sep when it is a weekday, otherwise 3 Sep. This matches the choice
  announced for each year 2021–2026. Configurable (``"before"``/``"after"``).

**Lunar dates** — ``lunardate`` implements the Chinese calendar, computed for UTC+8. The Vietnamese
calendar is computed for UTC+7 (since 1968) and differs on a few days; where it differs for the two
dates used here (lunar new year and 10/3), ``_UTC7_CORRECTIONS`` holds the Vietnamese date. The table
was derived with the standard astronomical algorithm at UTC+7, and the test suite re-derives it
independently for every year of the supported range; Tết 2030 (2 Feb, not 3 Feb) and 2053 (18 Feb, not
19 Feb) are also publicly documented.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lunardate import LunarDate

FIRST_YEAR = 2021  # Labour Code 2019 in force; earlier years followed other rules (Labour Code 2012)
LAST_YEAR = 2099  # lunardate's tables end with lunar year 2099

SATURDAY, SUNDAY = 5, 6


class DayKind(models.TextChoices):
    """What a row of the calendar table says about its date."""

    HOLIDAY = "holiday", _("Ngày nghỉ lễ, tết")
    DAY_OFF = "day_off", _("Ngày nghỉ bù, nghỉ hoán đổi")
    WORKING_DAY = "working_day", _("Ngày làm việc bù (thứ Bảy, Chủ nhật đi làm)")


class Occasion(models.TextChoices):
    """The holiday a row belongs to; the statutory rows of an occasion are generated only while the
    table has no holiday of that occasion in the year (so an announcement entered first wins)."""

    NEW_YEAR = "new_year", _("Tết Dương lịch")
    TET = "tet", _("Tết Âm lịch")
    HUNG_KINGS = "hung_kings", _("Giỗ Tổ Hùng Vương")
    VICTORY_DAY = "victory_day", _("Ngày Chiến thắng 30/4")
    LABOUR_DAY = "labour_day", _("Ngày Quốc tế Lao động 1/5")
    NATIONAL_DAY = "national_day", _("Quốc khánh 2/9")
    OTHER = "other", _("Khác")


class NationalDayExtra(models.TextChoices):
    AUTO = "auto", _("Tự động (ngày nối với cuối tuần)")
    BEFORE = "before", _("Ngày 1/9")
    AFTER = "after", _("Ngày 3/9")


NON_WORKING_KINDS = frozenset({DayKind.HOLIDAY, DayKind.DAY_OFF})

LABOUR_CODE = "Bộ luật Lao động 2019"
_BASIS = {
    Occasion.NEW_YEAR: f"{LABOUR_CODE}, điểm a khoản 1 Điều 112",
    Occasion.TET: f"{LABOUR_CODE}, điểm b khoản 1 Điều 112",
    Occasion.VICTORY_DAY: f"{LABOUR_CODE}, điểm c khoản 1 Điều 112",
    Occasion.LABOUR_DAY: f"{LABOUR_CODE}, điểm d khoản 1 Điều 112",
    Occasion.NATIONAL_DAY: f"{LABOUR_CODE}, điểm đ khoản 1 Điều 112",
    Occasion.HUNG_KINGS: f"{LABOUR_CODE}, điểm e khoản 1 Điều 112",
}
COMPENSATION_BASIS = f"{LABOUR_CODE}, khoản 3 Điều 111"
DEFAULT_CHOICE_NOTE = "mặc định khi chưa có thông báo của Chính phủ (khoản 3 Điều 112) [verify]"

# Vietnamese (UTC+7) solar date where it differs from lunardate's Chinese (UTC+8) one, for the lunar
# dates this module converts, within FIRST_YEAR..LAST_YEAR. Key: (lunar year, lunar month, day).
_UTC7_CORRECTIONS: dict[tuple[int, int, int], date] = {
    (2030, 1, 1): date(2030, 2, 2),
    (2037, 3, 10): date(2037, 4, 24),
    (2038, 3, 10): date(2038, 4, 13),
    (2053, 1, 1): date(2053, 2, 18),
    (2085, 3, 10): date(2085, 4, 3),
    (2086, 3, 10): date(2086, 4, 22),
    (2095, 3, 10): date(2095, 4, 13),
}

_WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class CalendarEntry:
    """One proposed row of the calendar table."""

    date: date
    kind: str
    occasion: str
    name: str
    legal_basis: str
    verified: bool


def check_year(year: int) -> None:
    """Raise ``ValueError`` (Vietnamese message) unless ``year`` is one the rules are known for."""
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            gettext("Lịch ngày nghỉ chỉ được tính cho các năm từ %(first)d đến %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


def weekday_name(day: date) -> str:
    return _WEEKDAY_NAMES[day.weekday()]


def _vietnamese_lunar_to_solar(year: int, month: int, day: int) -> date:
    corrected = _UTC7_CORRECTIONS.get((year, month, day))
    if corrected is not None:
        return corrected
    return LunarDate(year, month, day).to_solar_date()


def lunar_new_year(year: int) -> date:
    """Mùng 1 tháng Giêng (Vietnamese calendar) falling in Gregorian ``year``."""
    check_year(year)
    return _vietnamese_lunar_to_solar(year, 1, 1)


def hung_kings_day(year: int) -> date:
    """The Hùng Kings' commemoration, 10/3 of the Vietnamese lunar year starting in ``year``."""
    check_year(year)
    return _vietnamese_lunar_to_solar(year, 3, 10)


def default_tet_days(year: int) -> list[date]:
    """The five Tết days proposed until the Prime Minister's choice is entered [verify each year]."""
    first = lunar_new_year(year)
    return [first + timedelta(days=offset) for offset in range(-2, 3)]


def tet_day_name(day: date, new_year: date) -> str:
    offset = (day - new_year).days
    if offset >= 0:
        return f"Tết Âm lịch – mùng {offset + 1} tháng Giêng"
    if offset == -1:
        return "Tết Âm lịch – ngày cuối năm âm lịch (tất niên)"
    return f"Tết Âm lịch – {-offset} ngày trước mùng 1 tháng Giêng"


def national_day_adjacent(year: int, choice: str = NationalDayExtra.AUTO) -> date:
    """The day added to 2 September: 1 or 3 September (see the module docstring for ``auto``)."""
    check_year(year)
    before, after = date(year, 9, 1), date(year, 9, 3)
    if choice == NationalDayExtra.BEFORE:
        return before
    if choice == NationalDayExtra.AFTER:
        return after
    if choice != NationalDayExtra.AUTO:
        raise ValueError(
            gettext("Cách chọn ngày nghỉ liền kề Quốc khánh không hợp lệ: %(value)s") % {"value": choice}
        )
    # A bridge to the weekend first (Monday 1 Sep or Friday 3 Sep), then whichever is a weekday.
    if before.weekday() == 0:
        return before
    if after.weekday() == 4:
        return after
    return before if before.weekday() < SATURDAY else after


def statutory_holidays(year: int, *, national_day_extra: str = NationalDayExtra.AUTO) -> list[CalendarEntry]:
    """Every statutory holiday of ``year`` (art. 112), before compensation, in date order."""
    check_year(year)
    entries = [
        CalendarEntry(
            date(year, 1, 1),
            DayKind.HOLIDAY,
            Occasion.NEW_YEAR,
            "Tết Dương lịch",
            _BASIS[Occasion.NEW_YEAR],
            True,
        ),
        CalendarEntry(
            hung_kings_day(year),
            DayKind.HOLIDAY,
            Occasion.HUNG_KINGS,
            "Giỗ Tổ Hùng Vương (mùng 10 tháng 3 âm lịch)",
            _BASIS[Occasion.HUNG_KINGS],
            True,
        ),
        CalendarEntry(
            date(year, 4, 30),
            DayKind.HOLIDAY,
            Occasion.VICTORY_DAY,
            "Ngày Chiến thắng (30/4)",
            _BASIS[Occasion.VICTORY_DAY],
            True,
        ),
        CalendarEntry(
            date(year, 5, 1),
            DayKind.HOLIDAY,
            Occasion.LABOUR_DAY,
            "Ngày Quốc tế Lao động (1/5)",
            _BASIS[Occasion.LABOUR_DAY],
            True,
        ),
        CalendarEntry(
            date(year, 9, 2),
            DayKind.HOLIDAY,
            Occasion.NATIONAL_DAY,
            "Quốc khánh (2/9)",
            _BASIS[Occasion.NATIONAL_DAY],
            True,
        ),
        CalendarEntry(
            national_day_adjacent(year, national_day_extra),
            DayKind.HOLIDAY,
            Occasion.NATIONAL_DAY,
            "Quốc khánh – ngày nghỉ liền kề",
            f"{_BASIS[Occasion.NATIONAL_DAY]}; {DEFAULT_CHOICE_NOTE}",
            False,
        ),
    ]
    new_year = lunar_new_year(year)
    entries += [
        CalendarEntry(
            day,
            DayKind.HOLIDAY,
            Occasion.TET,
            tet_day_name(day, new_year),
            f"{_BASIS[Occasion.TET]}; {DEFAULT_CHOICE_NOTE}",
            False,
        )
        for day in default_tet_days(year)
    ]
    return sorted(entries, key=lambda entry: entry.date)


def is_working(day: date, kinds: Mapping[date, str]) -> bool:
    """The single definition of a working day, given the calendar rows ``kinds`` (date → kind):
    a make-up day is worked; a holiday or day off is not; otherwise Monday–Friday are worked."""
    kind = kinds.get(day)
    if kind == DayKind.WORKING_DAY:
        return True
    if kind in NON_WORKING_KINDS:
        return False
    return day.weekday() < SATURDAY


def plan_year(
    year: int,
    existing: Mapping[date, tuple[str, str]],
    *,
    national_day_extra: str = NationalDayExtra.AUTO,
) -> list[CalendarEntry]:
    """The rows the law adds to ``year`` given the rows already in the table.

    ``existing`` maps each date of the table in ``year`` to ``(kind, occasion)``. An occasion that
    already has a holiday row in ``year`` is left alone (the announcement or the administrator's
    correction wins, including its compensation); a date that already has a row is never proposed.
    A new holiday on Saturday or Sunday gets a day off on the next Monday–Friday date that is neither
    in the table nor already proposed (art. 111(3)). Running the plan again after writing it proposes
    nothing.
    """
    claimed = {
        occasion for day, (kind, occasion) in existing.items() if day.year == year and kind == DayKind.HOLIDAY
    }
    added: list[CalendarEntry] = []
    taken = set(existing)
    for entry in statutory_holidays(year, national_day_extra=national_day_extra):
        # No two holidays share a date in 2021–2099 (10/3 lunar falls 30 Mar – 29 Apr); should a new
        # rule make them, the date still gets one row.
        if entry.occasion not in claimed and entry.date not in taken:
            added.append(entry)
            taken.add(entry.date)
    compensations = []
    for holiday in added:
        if holiday.date.weekday() < SATURDAY:
            continue
        day = holiday.date + timedelta(days=1)
        while day.weekday() >= SATURDAY or day in taken:
            day += timedelta(days=1)
        taken.add(day)
        compensations.append(
            CalendarEntry(
                day,
                DayKind.DAY_OFF,
                holiday.occasion,
                f"Nghỉ bù cho {holiday.name} – trùng {weekday_name(holiday.date)} {holiday.date:%d/%m/%Y}",
                f"{COMPENSATION_BASIS}; {holiday.legal_basis}",
                holiday.verified,
            )
        )
    return sorted(added + compensations, key=lambda entry: entry.date)


def kinds_of(entries: Iterable[CalendarEntry]) -> dict[date, tuple[str, str]]:
    return {entry.date: (entry.kind, entry.occasion) for entry in entries}
