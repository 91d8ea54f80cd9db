"""The statutory holidays (core.holidays), the seeded calendar and ensure_year.

Dates of 2021–2026 are checked against what the government actually gave off, as reported at the time
(sources named beside each expectation); 2027 has no announcement yet, so its rows are the defaults.
"""

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from congso.core import holidays, working_days
from congso.core.holidays import DayKind, NationalDayExtra, Occasion, plan_year
from congso.core.models import AuditEntry, CalendarDay, CalendarYear, DaySource

# --- An independent Vietnamese lunar calendar ----------------------------------------------------
# The standard astronomical algorithm (new moons and solar terms, J. Meeus' formulas as used by the
# Vietnamese calendar programs), evaluated at UTC+7. It shares no code with lunardate, so it checks
# both lunardate and the module's table of UTC+7 corrections.


def _jd(day: date) -> int:
    return day.toordinal() + 1721425


def _from_jd(jd: int) -> date:
    return date.fromordinal(jd - 1721425)


def _new_moon(k: int) -> float:
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 += -0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr) - 0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 += -0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 += -0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + c1 - delta_t


def _sun_longitude_sector(jdn: int, tz: int) -> int:
    t = (jdn - 0.5 - tz / 24 - 2451545.0) / 36525
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t * t - 0.00000048 * t**3
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t * t
    dl = (1.914600 - 0.004817 * t - 0.000014 * t * t) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    longitude = ((l0 + dl) * dr) % (2 * math.pi)
    return int(longitude / math.pi * 6)


def _new_moon_day(k: int, tz: int) -> int:
    return int(_new_moon(k) + 0.5 + tz / 24)


def _month_11_start(year: int, tz: int) -> int:
    k = int((_jd(date(year, 12, 31)) - 2415021) / 29.530588853)
    start = _new_moon_day(k, tz)
    return _new_moon_day(k - 1, tz) if _sun_longitude_sector(start, tz) >= 9 else start


def _leap_month_offset(a11: int, tz: int) -> int:
    k = int((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = _sun_longitude_sector(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _sun_longitude_sector(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            return i - 1


def reference_lunar_to_solar(year: int, month: int, day: int, tz: int = 7) -> date:
    """A non-leap lunar date (month < 11) of the lunar year starting in ``year``, as a solar date."""
    a11, b11 = _month_11_start(year - 1, tz), _month_11_start(year, tz)
    k = int(0.5 + (a11 - 2415021.076998695) / 29.530588853)
    offset = month + 1  # months after month 11 of the previous year
    if b11 - a11 > 365 and offset >= _leap_month_offset(a11, tz):
        offset += 1
    return _from_jd(_new_moon_day(k + offset, tz) + day - 1)


def test_reference_algorithm_reproduces_documented_vietnamese_new_years():
    # Published differences between the Vietnamese (UTC+7) and Chinese (UTC+8) new year:
    # 2007 VN 17 Feb / CN 18 Feb; 2030 VN 2 Feb / CN 3 Feb; 2053 VN 18 Feb / CN 19 Feb.
    assert reference_lunar_to_solar(2007, 1, 1) == date(2007, 2, 17)
    assert reference_lunar_to_solar(2007, 1, 1, tz=8) == date(2007, 2, 18)
    assert reference_lunar_to_solar(2030, 1, 1) == date(2030, 2, 2)
    assert reference_lunar_to_solar(2053, 1, 1) == date(2053, 2, 18)


def test_lunar_holidays_match_the_vietnamese_calendar_for_every_supported_year():
    for year in range(holidays.FIRST_YEAR, holidays.LAST_YEAR + 1):
        assert holidays.lunar_new_year(year) == reference_lunar_to_solar(year, 1, 1), year
        assert holidays.hung_kings_day(year) == reference_lunar_to_solar(year, 3, 10), year


@pytest.mark.parametrize(
    ("year", "new_year", "hung_kings"),
    [
        (2025, date(2025, 1, 29), date(2025, 4, 7)),  # Wed; Hùng Kings Monday
        (2026, date(2026, 2, 17), date(2026, 4, 26)),  # Tue; Hùng Kings Sunday
        (2027, date(2027, 2, 6), date(2027, 4, 16)),  # Sat; Hùng Kings Friday
        (2030, date(2030, 2, 2), date(2030, 4, 12)),  # the Chinese calendar says 3 Feb 2030
    ],
)
def test_lunar_dates(year, new_year, hung_kings):
    assert holidays.lunar_new_year(year) == new_year
    assert holidays.hung_kings_day(year) == hung_kings


# --- Defaults reproduce what was actually given off --------------------------------------------


def _weekdays_off(entries, occasion):
    return sorted(e.date for e in entries if e.occasion == occasion and e.date.weekday() < 5)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # 10–16 Feb 2021 (7 days, MOLISA announcement): Wed–Fri and Mon–Tue.
        (2021, [date(2021, 2, d) for d in (10, 11, 12, 15, 16)]),
        # 31 Jan – 4 Feb 2022 (VPCP document 245, Jan 2022).
        (2022, [date(2022, 1, 31)] + [date(2022, 2, d) for d in (1, 2, 3, 4)]),
        # 20–26 Jan 2023 (Deputy PM's approval): Fri, then Mon–Thu.
        (2023, [date(2023, 1, d) for d in (20, 23, 24, 25, 26)]),
        # 8–14 Feb 2024: Thu–Fri, then Mon–Wed.
        (2024, [date(2024, 2, d) for d in (8, 9, 12, 13, 14)]),
        # 25 Jan – 2 Feb 2025 incl. weekends: Tết days 27–31 Jan (8726/VPCP-KGVX).
        (2025, [date(2025, 1, d) for d in (27, 28, 29, 30, 31)]),
        # 14–22 Feb 2026 incl. weekends: Tết days 16–20 Feb (9859/VPCP-KGVX).
        (2026, [date(2026, 2, d) for d in (16, 17, 18, 19, 20)]),
    ],
)
def test_default_tet_gives_off_the_working_days_actually_given_off(year, expected):
    # LNY-2 … LNY+2 with weekend days compensated by the following working days.
    assert _weekdays_off(plan_year(year, {}), Occasion.TET) == expected


def test_default_tet_2027_before_any_announcement():
    # LNY Sat 6 Feb 2027: Tết Thu 4 – Mon 8; Sat 6 and Sun 7 compensated on Tue 9 and Wed 10.
    entries = [e for e in plan_year(2027, {}) if e.occasion == Occasion.TET]
    assert [(e.date, e.kind) for e in entries] == [
        (date(2027, 2, 4), DayKind.HOLIDAY),
        (date(2027, 2, 5), DayKind.HOLIDAY),
        (date(2027, 2, 6), DayKind.HOLIDAY),
        (date(2027, 2, 7), DayKind.HOLIDAY),
        (date(2027, 2, 8), DayKind.HOLIDAY),
        (date(2027, 2, 9), DayKind.DAY_OFF),
        (date(2027, 2, 10), DayKind.DAY_OFF),
    ]
    assert not any(e.verified for e in entries)
    assert all("[verify]" in e.legal_basis for e in entries)


@pytest.mark.parametrize(
    ("year", "adjacent"),
    [
        (2021, date(2021, 9, 3)),  # 2 Sep Thu → Fri 3 Sep (2–5 Sep off)
        (2022, date(2022, 9, 1)),  # 2 Sep Fri → Thu 1 Sep
        (2023, date(2023, 9, 1)),  # 2 Sep Sat → Fri 1 Sep (+ Mon 4 Sep in lieu)
        (2024, date(2024, 9, 3)),  # 2 Sep Mon → Tue 3 Sep (31 Aug – 3 Sep off)
        (2025, date(2025, 9, 1)),  # 2 Sep Tue → Mon 1 Sep (30 Aug – 2 Sep off)
        (2026, date(2026, 9, 1)),  # 2 Sep Wed → Tue 1 Sep (9859/VPCP-KGVX)
        (2027, date(2027, 9, 3)),  # 2 Sep Thu → Fri 3 Sep: default only, not yet announced
    ],
)
def test_national_day_adjacent_day_default(year, adjacent):
    assert holidays.national_day_adjacent(year) == adjacent


def test_national_day_adjacent_day_can_be_chosen():
    assert holidays.national_day_adjacent(2027, NationalDayExtra.BEFORE) == date(2027, 9, 1)
    assert holidays.national_day_adjacent(2026, NationalDayExtra.AFTER) == date(2026, 9, 3)
    with pytest.raises(ValueError, match="không hợp lệ"):
        holidays.national_day_adjacent(2026, "sometimes")


# --- Compensation (Labour Code 2019 art. 111(3)) -------------------------------------------------


def _days_off(year, occasion):
    return [e.date for e in plan_year(year, {}) if e.occasion == occasion and e.kind == DayKind.DAY_OFF]


def test_hung_kings_day_on_sunday_2026_gives_monday_off():
    # 10/3 Bính Ngọ = Sunday 26 Apr 2026 → day off in lieu Monday 27 Apr 2026.
    assert _days_off(2026, Occasion.HUNG_KINGS) == [date(2026, 4, 27)]


def test_weekend_holidays_compensated_on_next_free_working_days():
    # 2022: Sat 30 Apr and Sun 1 May → Mon 2 and Tue 3 May (as announced for 2022).
    assert _days_off(2022, Occasion.VICTORY_DAY) + _days_off(2022, Occasion.LABOUR_DAY) == [
        date(2022, 5, 2),
        date(2022, 5, 3),
    ]
    # 2023: Hùng Kings Sat 29 Apr, Sun 30 Apr, Mon 1 May holiday → in lieu Tue 2 and Wed 3 May.
    assert _days_off(2023, Occasion.HUNG_KINGS) == [date(2023, 5, 2)]
    assert _days_off(2023, Occasion.VICTORY_DAY) == [date(2023, 5, 3)]
    # 1 Jan 2023 Sunday → Monday 2 Jan; 1 Jan 2028 Saturday → Monday 3 Jan.
    assert _days_off(2023, Occasion.NEW_YEAR) == [date(2023, 1, 2)]
    assert _days_off(2028, Occasion.NEW_YEAR) == [date(2028, 1, 3)]
    # 2 Sep 2023 Saturday → Monday 4 Sep; 1 May 2027 Saturday → Monday 3 May.
    assert _days_off(2023, Occasion.NATIONAL_DAY) == [date(2023, 9, 4)]
    assert _days_off(2027, Occasion.LABOUR_DAY) == [date(2027, 5, 3)]


def test_plan_leaves_announced_occasions_and_taken_dates_alone():
    announced_tet = {date(2027, 2, d): (DayKind.HOLIDAY, Occasion.TET) for d in range(8, 13)}
    # A day off on Mon 3 May 2027 entered by hand: the compensation for Sat 1 May moves to Tue 4 May.
    existing = {**announced_tet, date(2027, 5, 3): (DayKind.DAY_OFF, Occasion.OTHER)}
    planned = plan_year(2027, existing)
    assert not [e for e in planned if e.occasion == Occasion.TET]
    assert _days_off_in(planned, Occasion.LABOUR_DAY) == [date(2027, 5, 4)]
    assert plan_year(2027, {**existing, **holidays.kinds_of(planned)}) == []


def _days_off_in(entries, occasion):
    return [e.date for e in entries if e.occasion == occasion and e.kind == DayKind.DAY_OFF]


def test_swap_rows_do_not_claim_an_occasion():
    # Only a holiday row claims an occasion: a swap entered first still lets 30/4 be generated.
    existing = {date(2025, 5, 2): (DayKind.DAY_OFF, Occasion.VICTORY_DAY)}
    assert date(2025, 4, 30) in {e.date for e in plan_year(2025, existing)}


@pytest.mark.parametrize("year", [2020, 2100, True, "2026"])
def test_years_outside_the_rules_are_refused(year):
    with pytest.raises(ValueError, match="từ 2021 đến 2099"):
        holidays.statutory_holidays(year)


# --- The seeded table and ensure_year --------------------------------------------------------------


def _row(day):
    return CalendarDay.objects.get(date=day)


@pytest.mark.django_db
def test_seed_holds_the_announced_calendars_of_2025_and_2026():
    announced = {
        (row.date, row.kind)
        for row in CalendarDay.objects.filter(source=DaySource.ANNOUNCED, date__year__in=[2025, 2026])
    }
    assert {
        (date(2025, 4, 26), DayKind.WORKING_DAY),
        (date(2025, 5, 2), DayKind.DAY_OFF),
        (date(2025, 9, 1), DayKind.HOLIDAY),
        (date(2026, 1, 2), DayKind.DAY_OFF),
        (date(2026, 1, 10), DayKind.WORKING_DAY),
        (date(2026, 8, 22), DayKind.WORKING_DAY),
        (date(2026, 8, 31), DayKind.DAY_OFF),
        (date(2026, 9, 1), DayKind.HOLIDAY),
    } <= announced
    assert "12729/VPCP-KGVX" in _row(date(2026, 1, 2)).legal_basis
    assert "[verify số hiệu]" in _row(date(2025, 5, 2)).legal_basis
    # The announced Tết 2025 (27–31 Jan) replaced the default: no default row on Sat 1 Feb or Mon 3 Feb.
    tet_2025 = CalendarDay.objects.filter(occasion=Occasion.TET, date__year=2025)
    assert sorted(tet_2025.values_list("date", flat=True)) == [date(2025, 1, d) for d in (27, 28, 29, 30, 31)]
    assert set(tet_2025.values_list("source", flat=True)) == {DaySource.ANNOUNCED}


@pytest.mark.django_db
def test_seed_holds_the_statutory_days_of_2025_to_2027():
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= {2025, 2026, 2027}
    computed = {
        (row.date, row.kind, row.verified) for row in CalendarDay.objects.filter(source=DaySource.COMPUTED)
    }
    assert (date(2025, 4, 7), DayKind.HOLIDAY, True) in computed  # Hùng Kings 2025
    assert (date(2026, 4, 27), DayKind.DAY_OFF, True) in computed  # in lieu of Sunday 26 Apr 2026
    assert (date(2027, 9, 3), DayKind.HOLIDAY, False) in computed  # default adjacent day [verify]
    assert (date(2027, 2, 10), DayKind.DAY_OFF, False) in computed  # default Tết 2027 [verify]


@pytest.mark.django_db
def test_ensure_year_is_idempotent_and_audited():
    before = CalendarDay.objects.count()
    assert working_days.ensure_year(2027) == []  # seeded already
    created = working_days.ensure_year(2028)
    assert date(2028, 1, 3) in {e.date for e in created}  # in lieu of Saturday 1 Jan 2028
    assert CalendarDay.objects.count() == before + len(created)
    assert working_days.ensure_year(2028) == []
    assert CalendarDay.objects.count() == before + len(created)
    assert CalendarYear.objects.get(year=2028).generated_at is not None
    entry = AuditEntry.objects.get(action="core.calendar.generate")
    assert entry.changes["year"] == 2028 and "2028-01-03" in entry.changes["dates"]


@pytest.mark.django_db
def test_ensure_year_keeps_corrections_of_the_administrator():
    # The administrator deletes the computed day in lieu of Hùng Kings 2026 and renames the holiday:
    # regenerating the year must bring back neither.
    _row(date(2026, 4, 27)).delete()
    CalendarDay.objects.filter(date=date(2026, 4, 26)).update(name="Giỗ Tổ (sửa tay)")
    assert working_days.ensure_year(2026) == []
    assert not CalendarDay.objects.filter(date=date(2026, 4, 27)).exists()
    assert _row(date(2026, 4, 26)).name == "Giỗ Tổ (sửa tay)"


@pytest.mark.django_db
def test_ensure_year_refuses_years_outside_the_rules():
    with pytest.raises(ValueError, match="từ 2021 đến 2099"):
        working_days.ensure_year(2019)
    assert not CalendarYear.objects.filter(year=2019).exists()


@pytest.mark.django_db
def test_make_up_day_must_be_a_weekend_day():
    day = CalendarDay(date=date(2026, 3, 11), kind=DayKind.WORKING_DAY, name="Làm bù")
    with pytest.raises(ValidationError) as error:
        day.full_clean()
    assert "thứ Bảy hoặc Chủ nhật" in str(error.value)
    CalendarDay(date=date(2026, 3, 14), kind=DayKind.WORKING_DAY, name="Làm bù").full_clean()


@pytest.mark.django_db
def test_calendar_refuses_dates_outside_the_rules():
    day = CalendarDay(date=date(2019, 3, 11), kind=DayKind.HOLIDAY, name="Ngày cũ")
    with pytest.raises(ValidationError, match="từ năm 2021 đến năm 2099"):
        day.full_clean()


@pytest.mark.django_db
def test_seed_holds_the_announced_calendars_of_2021_to_2024():
    # 2024: off Sat 27 Apr – Wed 1 May by swapping Mon 29 Apr with Sat 4 May (2450/VPCP-KGVX).
    assert not working_days.is_working_day(date(2024, 4, 29))
    assert working_days.is_working_day(date(2024, 5, 4))
    assert "2450/VPCP-KGVX" in _row(date(2024, 4, 29)).legal_basis
    # Tết as announced: 2024 Thu 8 – Wed 14 Feb; 2023 Fri 20 – Thu 26 Jan; 2022 Sat 29 Jan – Sun 6 Feb;
    # 2021 Wed 10 – Tue 16 Feb (weekends included); each the announced rows, not the defaults.
    for first, last in [
        (date(2024, 2, 8), date(2024, 2, 14)),
        (date(2023, 1, 20), date(2023, 1, 26)),
        (date(2022, 1, 29), date(2022, 2, 6)),
        (date(2021, 2, 10), date(2021, 2, 16)),
    ]:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        assert not any(working_days.is_working_day(day) for day in days), first
        assert working_days.is_working_day(last + timedelta(days=1)), last
        tet = CalendarDay.objects.filter(occasion=Occasion.TET, date__year=first.year)
        assert set(tet.values_list("source", flat=True)) == {DaySource.ANNOUNCED}
    # National Day: 2024 Mon 2 – Tue 3 Sep, no make-up Saturday; 2023 Fri 1 – Mon 4 Sep.
    assert [working_days.is_working_day(date(2024, 9, d)) for d in (2, 3, 4)] == [False, False, True]
    assert working_days.is_working_day(date(2024, 9, 14)) is False
    assert [working_days.is_working_day(date(2023, 9, d)) for d in (1, 4, 5)] == [False, False, True]
    # Statutory days of those years are in the table too (Hùng Kings 2022 on Sunday → Mon 11 Apr).
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= {2021, 2022, 2023, 2024}
    assert _row(date(2022, 4, 11)).kind == DayKind.DAY_OFF
    # Dates confirmed by one report only stay marked for verification.
    assert not _row(date(2021, 2, 10)).verified and "[verify số hiệu]" in _row(date(2021, 2, 10)).legal_basis


@pytest.mark.django_db
def test_deadline_across_the_2024_swap():
    # Fri 26 Apr 2024 10:00, 3 working days: Sat 27 – Wed 1 May off (Mon 29 swapped), then Thu 2 (1),
    # Fri 3 (2), the make-up Sat 4 May (3).
    received = datetime(2024, 4, 26, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert working_days.due_date(received, 3) == date(2024, 5, 4)
