"""Dossier codes: the legal format (golden file), gap-free daily sequences, and uniqueness under
concurrency with real parallel processes on PostgreSQL."""

import json
import multiprocessing
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from congso.dossiers import codes, conf
from congso.dossiers.models import DailySequence, Dossier
from tests.support.clock import local
from tests.support.settings_refusals import assert_refused

from . import race_child

GOLDEN = json.loads((Path(__file__).parent / "dossier_codes.golden.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", GOLDEN, ids=[c["expected"] for c in GOLDEN])
def test_golden_codes(case, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    day = codes.local_day(datetime.fromisoformat(case["at"]))
    assert codes.format_code(case["agency_code"], day, case["seq"]) == case["expected"], case["why"]


@override_settings(CONGSO_DOSSIER_CODE_PATTERN="{agency_code}/{date:%Y%m%d}/{seq:06d}")
def test_pattern_is_a_setting():
    assert codes.format_code("000.00.12.H08", date(2026, 3, 11), 7) == "000.00.12.H08/20260311/000007"


@pytest.mark.parametrize(
    "pattern",
    [
        "{agency_code}-{date:%y%m%d}-{seq:04d}",
        "{agency_code}/{date:%Y%m%d}/{seq:06d}",
        "{date}{agency_code}{seq}",
    ],
)
def test_a_pattern_that_gives_every_dossier_its_own_code_is_accepted(pattern, settings):
    settings.CONGSO_DOSSIER_CODE_PATTERN = pattern
    conf.check_code_pattern()


@pytest.mark.parametrize(
    "pattern, said_vi, said_en",
    [
        # Two agencies, two days or two dossiers of a day would share one code: the second intake fails.
        ("{agency_code}-{seq:04d}", "phải chứa mã cơ quan, ngày và số thứ tự", "must hold the agency's code"),
        ("{date:%y%m%d}-{seq:04d}", "phải chứa mã cơ quan, ngày và số thứ tự", "must hold the agency's code"),
        (
            "{agency_code}-{date:%y%m%d}",
            "phải chứa mã cơ quan, ngày và số thứ tự",
            "must hold the agency's code",
        ),
        # Every intake would fail on formatting.
        ("{agency}-{date:%y%m%d}-{seq}", "không dùng được (KeyError: 'agency')", "cannot be used (KeyError"),
        ("{agency_code}-{date:%y%m%d}-{seq:04x", "không dùng được (ValueError", "cannot be used (ValueError"),
        (
            "{agency_code}-{date:%y%m%d}-{seq:d}-{0}",
            "không dùng được (IndexError",
            "cannot be used (IndexError",
        ),
        # Longer than the code column: the insert would fail.
        ("HOSO-{agency_code}-NGAY-{date:%Y-%m-%d}-SO-{seq:06d}", "cho mã dài hơn 40 ký tự", "longer than 40"),
    ],
)
def test_a_pattern_that_would_fail_or_collide_is_refused_in_both_languages(
    pattern, said_vi, said_en, settings
):
    settings.CONGSO_DOSSIER_CODE_PATTERN = pattern
    assert_refused(conf.check_code_pattern, "CONGSO_DOSSIER_CODE_PATTERN", said_vi, said_en)


def test_sequence_counts_per_agency_per_day_without_gaps(db, agency_a, agency_c):
    morning, evening = local(2026, 3, 11, 8), local(2026, 3, 11, 23, 59)
    with transaction.atomic():
        got = [codes.assign_code(agency_a, morning) for _ in range(3)]
        got.append(codes.assign_code(agency_a, evening))
        got.append(codes.assign_code(agency_c, morning))
        got.append(codes.assign_code(agency_a, local(2026, 3, 12, 0, 1)))
    assert got == [
        "000.01.12.H08-260311-0001",
        "000.01.12.H08-260311-0002",
        "000.01.12.H08-260311-0003",
        "000.01.12.H08-260311-0004",
        "000.02.12.H08-260311-0001",  # another agency has its own sequence
        "000.01.12.H08-260312-0001",  # a new local day starts again at 1
    ]


def test_rolled_back_submission_gives_its_number_back(db, agency_a):
    moment = local(2026, 3, 11, 9)
    with transaction.atomic():
        assert codes.assign_code(agency_a, moment).endswith("-0001")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert codes.assign_code(agency_a, moment).endswith("-0002")
        raise RuntimeError("the dossier insert failed")
    with transaction.atomic():
        assert codes.assign_code(agency_a, moment).endswith("-0002")
    assert DailySequence.objects.get(agency=agency_a, day=date(2026, 3, 11)).last_value == 2


def test_sequence_continues_past_9999(db, agency_a):
    DailySequence.objects.create(agency=agency_a, day=date(2026, 3, 11), last_value=9999)
    with transaction.atomic():
        assert codes.assign_code(agency_a, local(2026, 3, 11, 9)) == "000.01.12.H08-260311-10000"


def test_sequential_online_submissions_are_gap_free(submit):
    dossiers = [submit() for _ in range(12)]
    numbers = [int(d.code.rsplit("-", 1)[1]) for d in dossiers]
    assert numbers == list(range(1, 13))


# --- Concurrency: real processes, each with its own connection to the test database ------------------

PROCESSES = 8
PER_PROCESS = race_child.PER_PROCESS


@pytest.mark.django_db(transaction=True)
def test_parallel_processes_get_unique_gap_free_numbers(make_version, agency_a, citizen):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite serialises all writers on one database lock, so parallel processes "
            "cannot race on the sequence row (the sequential tests above cover gap-freedom on SQLite)."
        )
    version = make_version(papers=())
    ids = {"version": version.pk, "agency": agency_a.pk, "user": citizen.pk}
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    children = [
        context.Process(
            target=race_child.submit_many,
            args=(connection.settings_dict["NAME"], ids, worker, barrier, results),
        )
        for worker in range(PROCESSES)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=180) for _ in children]
    for child in children:
        child.join(timeout=60)
    errors = [detail for status, detail in outcomes if status == "error"]
    assert not errors, errors

    all_codes = [code for _status, made in outcomes for code in made]
    assert len(all_codes) == PROCESSES * PER_PROCESS
    assert len(set(all_codes)) == len(all_codes), "duplicate dossier codes"
    by_day = defaultdict(list)
    for code in all_codes:
        _agency, day, number = code.rsplit("-", 2)
        by_day[day].append(int(number))
    # Normally one day; a run across local midnight splits in two, each starting at 1 without gaps.
    for numbers in by_day.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert Dossier.objects.count() == PROCESSES * PER_PROCESS
    assert sum(DailySequence.objects.filter(agency=agency_a).values_list("last_value", flat=True)) == 200
