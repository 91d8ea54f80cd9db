"""The working-day API (core.working_days) on the real calendars of 2025–2027.

The calendar used is the seeded one (migration core.0003): announced swaps of 2025 and 2026, statutory
days of 2025–2027. Every expected date is worked out by hand in the comment beside it.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from congso.core import working_days
from congso.core.holidays import DayKind, Occasion
from congso.core.models import AuditEntry, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour, minute, second=0, tz=HCM):
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


# --- is_working_day -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 4, 25), True),  # Friday
        (date(2025, 4, 26), True),  # Saturday made a working day in exchange for Fri 2 May 2025
        (date(2025, 4, 27), False),  # Sunday
        (date(2025, 4, 30), False),  # 30/4 holiday (Wednesday)
        (date(2025, 5, 1), False),  # 1/5 holiday (Thursday)
        (date(2025, 5, 2), False),  # swapped off (Friday)
        (date(2025, 5, 5), True),  # Monday after the break
        (date(2025, 1, 1), False),  # New Year's Day (Wednesday)
        (date(2026, 1, 2), False),  # Friday swapped off in 2026
        (date(2026, 1, 10), True),  # Saturday worked in exchange
        (date(2026, 4, 27), False),  # Monday in lieu of Hùng Kings' day on Sunday 26 Apr 2026
        (date(2026, 8, 22), True),  # Saturday worked in exchange for Mon 31 Aug 2026
        (date(2026, 8, 31), False),
        (date(2027, 9, 3), False),  # default day adjacent to National Day 2027 (Friday)
    ],
)
def test_is_working_day(day, expected):
    assert working_days.is_working_day(day) is expected


def test_year_without_rows_is_still_computed_from_the_law():
    # Nothing of 2028 is in the table; 1 Jan 2028 is a Saturday, so Monday 3 Jan is off in lieu.
    assert not CalendarDay.objects.filter(date__year=2028).exists()
    assert working_days.is_working_day(date(2028, 1, 3)) is False
    assert working_days.next_working_day(date(2027, 12, 31)) == date(2028, 1, 4)


# --- add_working_days --------------------------------------------------------------------------


def test_add_across_30_april_2025():
    # From Fri 25 Apr 2025: Sat 26 (make-up, 1), Mon 28 (2), Tue 29 (3) — then 30/4, 1/5 holidays,
    # Fri 2 May swapped off, 3–4 May weekend — Mon 5 May (4).
    assert working_days.add(date(2025, 4, 25), 3) == date(2025, 4, 29)
    assert working_days.add(date(2025, 4, 25), 4) == date(2025, 5, 5)


def test_add_across_tet_2026():
    # From Thu 12 Feb 2026: Fri 13 (1); 14–22 Feb Tết break; Mon 23 (2), Tue 24 (3).
    assert working_days.add(date(2026, 2, 12), 3) == date(2026, 2, 24)


def test_add_across_hung_kings_day_2026_on_a_sunday():
    # From Fri 24 Apr 2026: Sat 25, Sun 26 (Hùng Kings), Mon 27 (in lieu) → Tue 28 (1), Wed 29 (2);
    # Thu 30 Apr and Fri 1 May holidays, 2–3 May weekend → Mon 4 May (3).
    assert working_days.add(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert working_days.add(date(2026, 4, 24), 2) == date(2026, 4, 29)
    assert working_days.add(date(2026, 4, 24), 3) == date(2026, 5, 4)


def test_add_across_national_day_2027():
    # 2 Sep 2027 is a Thursday; default adjacent day Fri 3 Sep; from Wed 1 Sep: Mon 6 Sep (1).
    assert working_days.add(date(2027, 9, 1), 1) == date(2027, 9, 6)


def test_add_across_national_day_2026_with_swap():
    # Fri 21 Aug 2026 + 1: Sat 22 Aug is a make-up day. From Fri 28 Aug + 1: Mon 31 swapped off,
    # Tue 1 and Wed 2 Sep holidays → Thu 3 Sep.
    assert working_days.add(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert working_days.add(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_make_up_saturday_counts_as_working_day():
    # From Fri 9 Jan 2026: Sat 10 Jan is worked in exchange for Fri 2 Jan → the 1st working day.
    assert working_days.add(date(2026, 1, 9), 1) == date(2026, 1, 10)
    # From Wed 31 Dec 2025: Thu 1 Jan holiday, Fri 2 Jan swapped off, weekend → Mon 5 Jan 2026.
    assert working_days.add(date(2025, 12, 31), 1) == date(2026, 1, 5)


def test_add_zero_and_negative():
    # n = 0: a working day stays; a non-working day moves to the next working day.
    assert working_days.add(date(2026, 2, 23), 0) == date(2026, 2, 23)
    assert working_days.add(date(2026, 2, 14), 0) == date(2026, 2, 23)  # Sat inside the Tết break
    # n < 0 goes backwards over the same break: one working day before Mon 23 Feb is Fri 13 Feb.
    assert working_days.add(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert working_days.add(date(2025, 5, 5), -2) == date(2025, 4, 28)  # Tue 29 Apr, then Mon 28 Apr
    assert working_days.add(date(2025, 5, 5), -4) == date(2025, 4, 25)  # … Sat 26 (make-up), Fri 25


def test_add_refuses_bad_arguments():
    with pytest.raises(TypeError, match="số nguyên"):
        working_days.add(date(2026, 3, 2), 1.5)
    with pytest.raises(TypeError, match="số nguyên"):
        working_days.add(date(2026, 3, 2), True)
    with pytest.raises(TypeError, match="Cần một ngày"):
        working_days.add(at(2026, 3, 2, 9, 0), 1)
    with pytest.raises(ValueError, match="từ 2021 đến 2099"):
        working_days.add(date(2019, 3, 1), 1)


# --- working_days_between --------------------------------------------------------------------


def test_between_spanning_tet():
    # 2026: (Fri 13 Feb, Mon 23 Feb] holds only Mon 23 → 1; (Thu 12, Tue 24] → Fri 13, Mon 23, Tue 24.
    assert working_days.between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    assert working_days.between(date(2026, 2, 12), date(2026, 2, 24)) == 3
    assert working_days.between(date(2026, 2, 24), date(2026, 2, 12)) == -3
    # 2025: (Fri 24 Jan, Mon 3 Feb] → only Mon 3 Feb (27–31 Jan Tết, weekends around it).
    assert working_days.between(date(2025, 1, 24), date(2025, 2, 3)) == 1
    assert working_days.between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_between_is_the_inverse_of_add():
    calendar = working_days.calendar()
    start = date(2025, 1, 2)
    for offset in range(0, 3 * 365, 11):
        a = start + timedelta(days=offset)
        for n in (1, 3, 7, 15):
            assert calendar.working_days_between(a, calendar.add_working_days(a, n)) == n


def test_calendar_reads_each_year_once(django_assert_num_queries):
    calendar = working_days.calendar()
    with django_assert_num_queries(1):
        calendar.add_working_days(date(2026, 3, 2), 100)  # stays within 2026
    with django_assert_num_queries(1):
        calendar.add_working_days(date(2026, 12, 1), 40)  # reaches into 2027


# --- receipt day, the 15:00 rule, due dates ----------------------------------------------------


def test_fifteen_hundred_rule_on_a_friday():
    # Fri 13 Mar 2026: 14:59 counts that day; 15:00:00 still does; 15:01 counts from Mon 16 Mar.
    assert working_days.receipt_day(at(2026, 3, 13, 14, 59)) == date(2026, 3, 13)
    assert working_days.receipt_day(at(2026, 3, 13, 15, 0, 0)) == date(2026, 3, 13)
    assert working_days.receipt_day(at(2026, 3, 13, 15, 1)) == date(2026, 3, 16)
    # Same-day procedure: due that Friday, or Monday when received after 15:00.
    assert working_days.due_date(at(2026, 3, 13, 14, 59), 0) == date(2026, 3, 13)
    assert working_days.due_date(at(2026, 3, 13, 15, 1), 0) == date(2026, 3, 16)
    # 3 working days: from Fri → Mon 16, Tue 17, Wed 18; after 15:00 from Mon 16 → Tue, Wed, Thu 19.
    assert working_days.due_date(at(2026, 3, 13, 14, 59), 3) == date(2026, 3, 18)
    assert working_days.due_date(at(2026, 3, 13, 15, 1), 3) == date(2026, 3, 19)


def test_fifteen_hundred_rule_uses_local_time():
    utc = ZoneInfo("UTC")
    # 07:59 UTC = 14:59 in Hồ Chí Minh City; 08:01 UTC = 15:01.
    assert working_days.receipt_day(at(2026, 3, 13, 7, 59, tz=utc)) == date(2026, 3, 13)
    assert working_days.receipt_day(at(2026, 3, 13, 8, 1, tz=utc)) == date(2026, 3, 16)
    # 18:00 UTC on Thursday 12 Mar is 01:00 Friday 13 Mar locally.
    assert working_days.receipt_day(at(2026, 3, 12, 18, 0, tz=utc)) == date(2026, 3, 13)


def test_cutoff_is_a_parameter():
    # A procedure version with a 16:30 cutoff: 15:01 on Fri 13 Mar 2026 still counts that day.
    assert working_days.due_date(at(2026, 3, 13, 15, 1), 0, cutoff=time(16, 30)) == date(2026, 3, 13)


def test_clock_starts_at_the_next_opening_outside_office_hours():
    # Thu 12 Mar 2026 (working day), office hours 07:30–11:30 and 13:00–17:00.
    assert working_days.clock_start(at(2026, 3, 12, 9, 15)) == at(2026, 3, 12, 9, 15)  # inside: itself
    assert working_days.clock_start(at(2026, 3, 12, 6, 0)) == at(2026, 3, 12, 7, 30)  # before opening
    assert working_days.clock_start(at(2026, 3, 12, 12, 0)) == at(2026, 3, 12, 13, 0)  # lunch break
    assert working_days.clock_start(at(2026, 3, 12, 17, 0)) == at(2026, 3, 13, 7, 30)  # closing minute
    assert working_days.clock_start(at(2026, 3, 12, 20, 0)) == at(2026, 3, 13, 7, 30)  # evening
    assert working_days.clock_start(at(2026, 3, 13, 20, 0)) == at(2026, 3, 16, 7, 30)  # Fri evening → Mon


def test_received_after_office_hours_counts_from_the_next_working_day_whatever_the_cutoff():
    # Thu 12 Mar 2026 at 20:00 (online): the desk is closed, the clock starts Fri 13 at 07:30.
    evening = at(2026, 3, 12, 20, 0)
    assert working_days.receipt_day(evening, None) == date(2026, 3, 13)  # no cutoff
    assert working_days.receipt_day(evening, time(15, 0)) == date(2026, 3, 13)
    # A cutoff later than the close of office hours does not keep 17:30 on the same day.
    assert working_days.receipt_day(at(2026, 3, 12, 17, 30), time(18, 0)) == date(2026, 3, 13)
    # Without a cutoff, 16:30 (office hours) is still the same day; 06:00 is that day's opening.
    assert working_days.receipt_day(at(2026, 3, 12, 16, 30), None) == date(2026, 3, 12)
    assert working_days.receipt_day(at(2026, 3, 12, 6, 0), None) == date(2026, 3, 12)
    # Same day: due Fri 13; 3 working days from Fri 13: Mon 16, Tue 17, Wed 18.
    assert working_days.due_date(evening, 0, None) == date(2026, 3, 13)
    assert working_days.due_date(evening, 3, None) == date(2026, 3, 18)


def test_friday_before_a_make_up_saturday():
    # Fri 25 Apr 2025 at 15:01: the next working day is the make-up Saturday 26 Apr.
    assert working_days.receipt_day(at(2025, 4, 25, 15, 1)) == date(2025, 4, 26)


def test_dossier_received_on_sunday():
    # Sun 15 Mar 2026 10:00 → received Mon 16 Mar; same-day → Mon 16; 3 days → Tue 17, Wed 18, Thu 19.
    assert working_days.receipt_day(at(2026, 3, 15, 10, 0)) == date(2026, 3, 16)
    assert working_days.due_date(at(2026, 3, 15, 10, 0), 0) == date(2026, 3, 16)
    assert working_days.due_date(at(2026, 3, 15, 10, 0), 3) == date(2026, 3, 19)


def test_dossier_received_during_tet_2026():
    # Wed 18 Feb 2026 09:00 (mùng 2 Tết) → received Mon 23 Feb; 5 days → Tue 24 … Mon 2 Mar.
    assert working_days.due_date(at(2026, 2, 18, 9, 0), 5) == date(2026, 3, 2)


def test_due_date_refuses_bad_input():
    with pytest.raises(ValueError, match="múi giờ"):
        working_days.receipt_day(datetime(2026, 3, 13, 9, 0))
    with pytest.raises(TypeError, match="datetime"):
        working_days.receipt_day(date(2026, 3, 13))
    with pytest.raises(ValueError, match="không được âm"):
        working_days.due_date(at(2026, 3, 13, 9, 0), -1)


# --- limits in working hours ---------------------------------------------------------------------


def test_due_at_hours():
    # Mon 16 Mar 2026 09:00 + 8h: 2.5h until 11:30, 4h 13:00–17:00, 1.5h Tue from 07:30 → 09:00.
    assert working_days.due_at_hours(at(2026, 3, 16, 9, 0), 8) == at(2026, 3, 17, 9, 0)
    # 07:30 + 8h ends at 17:00 the same day, not 07:30 the next.
    assert working_days.due_at_hours(at(2026, 3, 16, 7, 30), 8) == at(2026, 3, 16, 17, 0)
    # Received at lunch: counting starts at 13:00.
    assert working_days.due_at_hours(at(2026, 3, 16, 12, 0), 1) == at(2026, 3, 16, 14, 0)
    assert working_days.due_at_hours(at(2026, 3, 16, 12, 0), 0) == at(2026, 3, 16, 13, 0)


def test_due_at_hours_across_tet_and_on_a_make_up_day():
    # Fri 13 Feb 2026 16:00 + 4h: 1h to 17:00, Tết 14–22 Feb, Mon 23 Feb 07:30 + 3h → 10:30.
    assert working_days.due_at_hours(at(2026, 2, 13, 16, 0), 4) == at(2026, 2, 23, 10, 30)
    # Sat 10 Jan 2026 is worked: 08:00 + 2h → 10:00 that Saturday.
    assert working_days.due_at_hours(at(2026, 1, 10, 8, 0), 2) == at(2026, 1, 10, 10, 0)
    # Sun 11 Jan 2026 09:00 + 1.5h → Mon 12 Jan 07:30 + 1.5h = 09:00.
    assert working_days.due_at_hours(at(2026, 1, 11, 9, 0), 1.5) == at(2026, 1, 12, 9, 0)


def test_office_hours_are_configuration(settings):
    settings.CONGSO_OFFICE_HOURS = "08:00-12:00,13:30-17:30"
    # Mon 16 Mar 2026 11:00 + 2h: 1h to 12:00, then 13:30 + 1h → 14:30.
    assert working_days.due_at_hours(at(2026, 3, 16, 11, 0), 2) == at(2026, 3, 16, 14, 30)
    # Also as a parameter, in the pairs form.
    periods = ((time(7, 0), time(11, 0)), (time(13, 0), time(17, 0)))
    assert working_days.due_at_hours(at(2026, 3, 16, 10, 0), 2, office_hours=periods) == at(
        2026, 3, 16, 14, 0
    )


@pytest.mark.parametrize("bad", ["07:30-11:30,11:00-17:00", "17:00-07:30", "", "8h-12h"])
def test_bad_office_hours_are_refused(bad):
    with pytest.raises(ValueError, match="Giờ làm việc không hợp lệ"):
        working_days.due_at_hours(at(2026, 3, 16, 9, 0), 1, office_hours=bad)


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="không âm"):
        working_days.due_at_hours(at(2026, 3, 16, 9, 0), -1)


# --- an administrator changes the calendar ---------------------------------------------------------


def test_a_day_off_added_changes_results():
    # Mon 16 Mar 2026 + 1 is Tue 17 Mar; once Tue 17 Mar is declared a day off, it is Wed 18 Mar.
    assert working_days.add(date(2026, 3, 16), 1) == date(2026, 3, 17)
    CalendarDay.objects.create(date=date(2026, 3, 17), kind=DayKind.DAY_OFF, name="Nghỉ đột xuất")
    assert working_days.add(date(2026, 3, 16), 1) == date(2026, 3, 18)
    assert working_days.due_date(at(2026, 3, 16, 9, 0), 1) == date(2026, 3, 18)


@pytest.fixture
def admin_client_vi(client, make_user):
    user = make_user("quantri", kind="official", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_administrator_adds_a_day_off_in_the_admin(admin_client_vi):
    response = admin_client_vi.post(
        reverse("admin:core_calendarday_add"),
        {
            "date": "2026-03-17",
            "kind": DayKind.DAY_OFF,
            "occasion": Occasion.OTHER,
            "name": "Nghỉ theo quyết định của Ủy ban nhân dân tỉnh",
            "legal_basis": "Quyết định thử nghiệm",
            "source": "announced",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert working_days.add(date(2026, 3, 16), 1) == date(2026, 3, 18)
    entry = AuditEntry.objects.get(action="core.calendar.add")
    assert entry.changes["after"]["date"] == "2026-03-17"


def test_admin_refuses_a_make_up_day_on_a_weekday(admin_client_vi):
    response = admin_client_vi.post(
        reverse("admin:core_calendarday_add"),
        {
            "date": "2026-03-18",
            "kind": DayKind.WORKING_DAY,
            "occasion": Occasion.OTHER,
            "name": "Làm bù",
            "source": "announced",
        },
    )
    assert response.status_code == 200
    assert "thứ Bảy hoặc Chủ nhật" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2026, 3, 18)).exists()


def test_admin_lists_by_year_and_searches(admin_client_vi):
    url = reverse("admin:core_calendarday_changelist")
    response = admin_client_vi.get(url, {"nam": "2026", "kind__exact": DayKind.WORKING_DAY})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Làm bù cho thứ Sáu 02/01/2026" in page
    assert "Làm bù cho thứ Hai 31/8/2026" in page
    assert "Làm bù cho thứ Sáu 02/5/2025" not in page  # 2025 is filtered out
    assert "Nghỉ hoán đổi" not in page  # days off are filtered out
    for bad in ("99999", "²"):  # no year a date can have: the whole list, never a server error
        assert admin_client_vi.get(url, {"nam": bad}).status_code == 200
    response = admin_client_vi.get(url, {"q": "Hùng Vương"})
    assert "Giỗ Tổ Hùng Vương" in response.content.decode()


def test_admin_adds_a_year_and_generates_its_holidays(admin_client_vi):
    response = admin_client_vi.post(reverse("admin:core_calendaryear_add"), {"year": "2028"})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2028, 1, 3), kind=DayKind.DAY_OFF).exists()
    assert CalendarYear.objects.get(year=2028).generated_at is not None
    page = admin_client_vi.get(reverse("admin:core_calendaryear_changelist")).content.decode()
    assert "2028" in page and "2027" in page


def test_admin_action_generates_missing_statutory_days(admin_client_vi):
    CalendarDay.objects.filter(occasion=Occasion.HUNG_KINGS, date__year=2027).delete()
    selected = CalendarDay.objects.get(date=date(2027, 1, 1))
    response = admin_client_vi.post(
        reverse("admin:core_calendarday_changelist"),
        {"action": "generate_statutory_days", "_selected_action": [selected.pk]},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2027, 4, 16), kind=DayKind.HOLIDAY).exists()


def test_a_years_written_days_are_read_as_the_orm_reads_them(db):
    """``_year_rows`` is a named query: the same days, kinds and occasions as the queryset, the year's
    first and last days included and the neighbouring years' left out."""
    for day, kind in (
        (date(2026, 12, 31), DayKind.HOLIDAY),
        (date(2027, 1, 1), DayKind.HOLIDAY),
        (date(2027, 12, 31), DayKind.DAY_OFF),
        (date(2028, 1, 1), DayKind.HOLIDAY),
    ):
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": "Ngày thử"})
    expected = {
        day: (kind, occasion)
        for day, kind, occasion in CalendarDay.objects.filter(date__year=2027).values_list(
            "date", "kind", "occasion"
        )
    }
    assert working_days._year_rows(2027) == expected
    assert {date(2027, 1, 1), date(2027, 12, 31)} <= set(expected)
    assert all(day.year == 2027 for day in expected)
