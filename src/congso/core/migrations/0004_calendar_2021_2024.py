"""The working-day calendars announced for 2021–2024, so that imported and old dossiers are counted on the
days actually worked (the calendar accepts these years: Labour Code 2019 is in force from 2021).

Frozen data, as in 0003: what the government decided, with the number of its document. ``verified`` is
True where at least two independent reports give the same dates; "[verify số hiệu]" marks a document
number that could not be confirmed, "[verify]" dates confirmed by one report only. The announced Tết and
National Day rows (with their days in lieu) replace the defaults of ``core.holidays`` for their occasion;
the other statutory days (1 Jan, Hùng Kings' day, 30 Apr, 1 May and their days in lieu) are the law
applied by ``plan_year``, as for the seeded years of 0003.

The one swap of these years: 30 Apr – 1 May 2024, Monday 29 Apr off and Saturday 4 May worked. National
Day 2024 was 31 Aug – 3 Sep with no make-up Saturday (8662/VPCP-KGVX: "nghỉ lễ Quốc khánh từ ngày
31/8/2024 đến hết ngày 03/9/2024", two holidays and two weekly rest days).
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

PLAN_2021 = "Thông báo nghỉ Tết Âm lịch và Quốc khánh năm 2021 của Bộ LĐTBXH [verify số hiệu]"
TET_2022 = "Công văn 245/VPCP-KGVX ngày 11/01/2022 (nghỉ Tết Âm lịch 2022: 5 ngày Tết và 4 ngày nghỉ hằng tuần)"
NATIONAL_DAY_2022 = "Thông báo nghỉ lễ Quốc khánh năm 2022 của Bộ LĐTBXH [verify số hiệu]"
PLAN_2023 = "Công văn 8056/VPCP-KGVX ngày 01/12/2022 (nghỉ Tết Âm lịch và Quốc khánh năm 2023)"
PLAN_2024 = "Công văn 8662/VPCP-KGVX ngày 03/11/2023 (đề xuất 4594/LĐTBXH-ATLĐ ngày 27/10/2023)"
SWAP_2024 = "Công văn 2450/VPCP-KGVX ngày 12/4/2024 (hoán đổi ngày làm việc dịp 30/4 – 1/5/2024)"
IN_LIEU = "Bộ luật Lao động 2019, khoản 3 Điều 111"


def _tet(day, name, basis, verified=True):
    return (day, "holiday", "tet", f"Tết Âm lịch – {name}", basis, verified)


def _tet_in_lieu(day, weekend_day, basis, verified=True):
    name = f"Nghỉ bù Tết Âm lịch – trùng {weekend_day}"
    return (day, "day_off", "tet", name, f"{IN_LIEU}; {basis}", verified)


def _national(day, name, basis, verified=True):
    return (day, "holiday", "national_day", name, basis, verified)


# (date, kind, occasion, name, legal basis, verified)
ANNOUNCED = [
    # 2021: Tết Tân Sửu off Wed 10 – Tue 16 Feb; National Day Thu 2 – Fri 3 Sep.
    _tet(date(2021, 2, 10), "29 tháng Chạp năm Canh Tý", PLAN_2021, False),
    _tet(date(2021, 2, 11), "30 tháng Chạp năm Canh Tý (tất niên)", PLAN_2021, False),
    _tet(date(2021, 2, 12), "mùng 1 tháng Giêng năm Tân Sửu", PLAN_2021, False),
    _tet(date(2021, 2, 13), "mùng 2 tháng Giêng năm Tân Sửu", PLAN_2021, False),
    _tet(date(2021, 2, 14), "mùng 3 tháng Giêng năm Tân Sửu", PLAN_2021, False),
    _tet_in_lieu(date(2021, 2, 15), "thứ Bảy 13/02/2021", PLAN_2021, False),
    _tet_in_lieu(date(2021, 2, 16), "Chủ nhật 14/02/2021", PLAN_2021, False),
    _national(date(2021, 9, 2), "Quốc khánh (2/9)", PLAN_2021, False),
    _national(date(2021, 9, 3), "Quốc khánh – ngày nghỉ liền kề (3/9)", PLAN_2021, False),
    # 2022: Tết Nhâm Dần off Sat 29 Jan – Sun 6 Feb (Tết days Mon 31 Jan – Fri 4 Feb);
    # National Day Thu 1 – Fri 2 Sep.
    _tet(date(2022, 1, 31), "29 tháng Chạp năm Tân Sửu (tất niên)", TET_2022),
    _tet(date(2022, 2, 1), "mùng 1 tháng Giêng năm Nhâm Dần", TET_2022),
    _tet(date(2022, 2, 2), "mùng 2 tháng Giêng năm Nhâm Dần", TET_2022),
    _tet(date(2022, 2, 3), "mùng 3 tháng Giêng năm Nhâm Dần", TET_2022),
    _tet(date(2022, 2, 4), "mùng 4 tháng Giêng năm Nhâm Dần", TET_2022),
    _national(date(2022, 9, 1), "Quốc khánh – ngày nghỉ liền kề (1/9)", NATIONAL_DAY_2022, False),
    _national(date(2022, 9, 2), "Quốc khánh (2/9)", NATIONAL_DAY_2022, False),
    # 2023: Tết Quý Mão off Fri 20 – Thu 26 Jan; National Day Fri 1 Sep – Mon 4 Sep.
    _tet(date(2023, 1, 20), "29 tháng Chạp năm Nhâm Dần", PLAN_2023),
    _tet(date(2023, 1, 21), "30 tháng Chạp năm Nhâm Dần (tất niên)", PLAN_2023),
    _tet(date(2023, 1, 22), "mùng 1 tháng Giêng năm Quý Mão", PLAN_2023),
    _tet(date(2023, 1, 23), "mùng 2 tháng Giêng năm Quý Mão", PLAN_2023),
    _tet(date(2023, 1, 24), "mùng 3 tháng Giêng năm Quý Mão", PLAN_2023),
    _tet_in_lieu(date(2023, 1, 25), "thứ Bảy 21/01/2023", PLAN_2023),
    _tet_in_lieu(date(2023, 1, 26), "Chủ nhật 22/01/2023", PLAN_2023),
    _national(date(2023, 9, 1), "Quốc khánh – ngày nghỉ liền kề (1/9)", PLAN_2023),
    _national(date(2023, 9, 2), "Quốc khánh (2/9)", PLAN_2023),
    (date(2023, 9, 4), "day_off", "national_day", "Nghỉ bù Quốc khánh – trùng thứ Bảy 02/9/2023",
     f"{IN_LIEU}; {PLAN_2023}", True),
    # 2024: Tết Giáp Thìn off Thu 8 – Wed 14 Feb; 30/4 – 1/5 off Sat 27 Apr – Wed 1 May with Sat 4 May
    # worked; National Day Sat 31 Aug – Tue 3 Sep.
    _tet(date(2024, 2, 8), "29 tháng Chạp năm Quý Mão", PLAN_2024),
    _tet(date(2024, 2, 9), "30 tháng Chạp năm Quý Mão (tất niên)", PLAN_2024),
    _tet(date(2024, 2, 10), "mùng 1 tháng Giêng năm Giáp Thìn", PLAN_2024),
    _tet(date(2024, 2, 11), "mùng 2 tháng Giêng năm Giáp Thìn", PLAN_2024),
    _tet(date(2024, 2, 12), "mùng 3 tháng Giêng năm Giáp Thìn", PLAN_2024),
    _tet_in_lieu(date(2024, 2, 13), "thứ Bảy 10/02/2024", PLAN_2024),
    _tet_in_lieu(date(2024, 2, 14), "Chủ nhật 11/02/2024", PLAN_2024),
    (date(2024, 4, 29), "day_off", "victory_day",
     "Nghỉ hoán đổi dịp 30/4 – 1/5 (làm bù thứ Bảy 04/5/2024)", SWAP_2024, True),
    (date(2024, 5, 4), "working_day", "victory_day",
     "Làm bù cho thứ Hai 29/4/2024 (hoán đổi dịp 30/4 – 1/5)", SWAP_2024, True),
    _national(date(2024, 9, 2), "Quốc khánh (2/9)", PLAN_2024),
    _national(date(2024, 9, 3), "Quốc khánh – ngày nghỉ liền kề (3/9)", PLAN_2024),
]
SEEDED_YEARS = (2021, 2022, 2023, 2024)


def seed_calendar(apps, schema_editor):
    # As in 0003: the statutory rules come from today's code; an administrator's row is never replaced.
    from congso.core.holidays import plan_year

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    for day, kind, occasion, name, legal_basis, verified in ANNOUNCED:
        CalendarDay.objects.get_or_create(
            date=day,
            defaults={"kind": kind, "occasion": occasion, "name": name, "legal_basis": legal_basis,
                      "source": "announced", "verified": verified},
        )
    for year in SEEDED_YEARS:
        rows = CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
        existing = {day: (kind, occasion) for day, kind, occasion in rows.values_list("date", "kind", "occasion")}
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=entry.date, kind=entry.kind, occasion=entry.occasion, name=entry.name,
                            legal_basis=entry.legal_basis, source="computed", verified=entry.verified)
                for entry in plan_year(year, existing)
            ],
            ignore_conflicts=True,
        )
        CalendarYear.objects.update_or_create(year=year, defaults={"generated_at": timezone.now()})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_working_day_calendar"),
    ]

    operations = [
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
    ]
