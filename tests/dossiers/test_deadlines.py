"""Deadlines on real 2026 dates, each expected value worked out by hand in the comment beside it.

The calendar (``core.working_days``, nothing seeded: the law computed on the fly) gives for 2026:
Tết off Mon 16 – Fri 20 Feb; Hùng Kings' day 10/3 lunar = Sun 26 Apr, compensated Mon 27 Apr;
Thu 30 Apr and Fri 1 May off. Office hours 07:30–11:30 and 13:00–17:00 (8 h a day);
a day-counted appointment falls at 17:00.
"""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied

from congso.catalog.models import SupplementClockRule, TimeLimitUnit
from congso.core.models import OutboxEvent
from congso.core.timeliness import classify
from congso.dossiers import deadlines, services
from congso.dossiers.errors import InvalidDossierInput
from congso.dossiers.models import Extension, HandOver, Status, Timeliness
from tests.support.clock import local

pytestmark = pytest.mark.django_db

HOURS = TimeLimitUnit.WORKING_HOURS


# --- The appointment -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Fri 6 Mar 14:00, before 15:00: receipt day Fri 6; +3 working days = Mon 9, Tue 10, Wed 11.
        (local(2026, 3, 6, 14, 0), local(2026, 3, 11, 17, 0)),
        # Exactly 15:00 is not "after 15:00": still Fri 6 → Wed 11.
        (local(2026, 3, 6, 15, 0), local(2026, 3, 11, 17, 0)),
        # Fri 6 Mar 15:30, after 15:00: receipt day Mon 9; +3 = Tue 10, Wed 11, Thu 12.
        (local(2026, 3, 6, 15, 30), local(2026, 3, 12, 17, 0)),
        # Sat 7 Mar (not worked): receipt day Mon 9 → Thu 12.
        (local(2026, 3, 7, 9, 0), local(2026, 3, 12, 17, 0)),
    ],
)
def test_three_working_days_and_the_15h_rule(make_version, received, expected):
    version = make_version(time_limit_value=3, receipt_cutoff=time(15, 0))
    assert deadlines.initial_due(version, received) == expected


def test_without_a_cutoff_the_15h_rule_does_not_apply(make_version):
    version = make_version(time_limit_value=3, receipt_cutoff=None)
    # Fri 6 Mar 16:30 still counts as received on Fri 6 → Mon 9, Tue 10, Wed 11.
    assert deadlines.initial_due(version, local(2026, 3, 6, 16, 30)) == local(2026, 3, 11, 17, 0)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (local(2026, 3, 6, 10, 0), local(2026, 3, 6, 17, 0)),  # same day, before 15:00
        (local(2026, 3, 6, 16, 0), local(2026, 3, 9, 17, 0)),  # after 15:00 on a Friday → Monday 9 Mar
    ],
)
def test_same_day_procedure(make_version, received, expected):
    version = make_version(time_limit_value=0)
    assert deadlines.initial_due(version, received) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Thu 12 Mar 20:00 (online, desk closed): the clock starts Fri 13 07:30 → due Fri 13 17:00,
        # not Thu 12 17:00, three hours before it arrived.
        (local(2026, 3, 12, 20, 0), local(2026, 3, 13, 17, 0)),
        # Thu 12 Mar 06:00: counts from that day's opening → due Thu 12 17:00.
        (local(2026, 3, 12, 6, 0), local(2026, 3, 12, 17, 0)),
        # Fri 13 Mar 17:45: next working day Mon 16 → due Mon 16 17:00.
        (local(2026, 3, 13, 17, 45), local(2026, 3, 16, 17, 0)),
    ],
)
def test_same_day_without_cutoff_is_never_due_before_it_arrived(make_version, received, expected):
    version = make_version(time_limit_value=0, receipt_cutoff=None)
    due = deadlines.initial_due(version, received)
    assert due == expected
    assert due > received


def test_multi_day_limit_received_in_the_evening_counts_from_the_next_working_day(make_version):
    version = make_version(time_limit_value=3, receipt_cutoff=None)
    # Thu 12 Mar 20:00 → receipt day Fri 13; +3 = Mon 16, Tue 17, Wed 18 (not Tue 17).
    assert deadlines.initial_due(version, local(2026, 3, 12, 20, 0)) == local(2026, 3, 18, 17, 0)


def test_online_submission_in_the_evening_is_not_due_before_it_arrived(make_version, submit, clock):
    clock.set(local(2026, 3, 12, 20, 0))
    dossier = submit(version=make_version(time_limit_value=0, receipt_cutoff=None))
    assert dossier.due_at == dossier.statutory_due_at == local(2026, 3, 13, 17, 0)


def test_a_receipt_before_the_calendar_is_refused_clearly(make_version):
    # 31 Dec 2020: before Labour Code 2019 and the calendar's first year; refused, not counted on rules
    # that did not apply then.
    with pytest.raises(InvalidDossierInput, match="từ 2021 đến 2099") as error:
        deadlines.initial_due(make_version(time_limit_value=3), local(2020, 12, 31, 10, 0))
    assert error.value.code == "calendar_year"


def test_zero_hours_means_the_same_day(make_version):
    version = make_version(time_limit_value=0, time_limit_unit=HOURS)
    assert deadlines.initial_due(version, local(2026, 3, 6, 10, 0)) == local(2026, 3, 6, 17, 0)


def test_across_tet_2026(make_version):
    version = make_version(time_limit_value=5)
    # Thu 12 Feb 10:00: receipt day Thu 12. Working days after it: Fri 13 (1); Sat 14 – Sun 22 are the
    # weekend and Tết (Mon 16 – Fri 20); Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5).
    assert deadlines.initial_due(version, local(2026, 2, 12, 10, 0)) == local(2026, 2, 26, 17, 0)
    # Submitted online on lunar new year's day, Tue 17 Feb: receipt day Mon 23 Feb; +5 → Mon 2 Mar
    # (Tue 24, Wed 25, Thu 26, Fri 27, Mon 2).
    assert deadlines.initial_due(version, local(2026, 2, 17, 9, 0)) == local(2026, 3, 2, 17, 0)


def test_limit_in_working_hours(make_version):
    version = make_version(time_limit_value=8, time_limit_unit=HOURS)
    # Fri 6 Mar 14:00: 3 h until 17:00; Mon 9 Mar 07:30–11:30 4 h (7 h); 13:00–14:00 the 8th hour.
    assert deadlines.initial_due(version, local(2026, 3, 6, 14, 0)) == local(2026, 3, 9, 14, 0)


def test_online_appointment_counts_from_submission_not_acceptance(submit, actors, clock):
    clock.set(local(2026, 3, 6, 15, 30))  # Fri after 15:00 → receipt Mon 9 → +3 = Thu 12 Mar
    dossier = submit()
    assert dossier.due_at == dossier.statutory_due_at == local(2026, 3, 12, 17, 0)
    clock.set(local(2026, 3, 10, 9, 0))  # the desk accepts only on Tuesday
    services.accept(dossier, actors.one_stop)
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 12, 17, 0)
    assert dossier.received_at == local(2026, 3, 10, 9, 0)


# --- Supplements ---------------------------------------------------------------------------------


@pytest.fixture
def in_processing(submit, actors, clock):
    """A dossier submitted, accepted and in processing at ``at``."""

    def make(version, at):
        clock.set(at)
        dossier = submit(version=version, papers=[])
        services.accept(dossier, actors.one_stop)
        services.start_processing(dossier, actors.specialist)
        return dossier

    return make


@pytest.mark.parametrize(
    ("provided", "expected"),
    [
        # Clock stopped on Wed 29 Apr 10:00; supplement Mon 4 May 10:00 → resumption day Mon 4 May.
        # Working days in (Wed 29 Apr, Mon 4 May]: Thu 30 Apr and Fri 1 May are holidays, Sat/Sun off,
        # Mon 4 → 1 day. Thu 7 May + 1 working day = Fri 8 May.
        (local(2026, 5, 4, 10, 0), local(2026, 5, 8, 17, 0)),
        # Supplement Tue 5 May 16:00, after 15:00 → resumption day Wed 6 May: (29 Apr, 6 May] holds
        # Mon 4, Tue 5, Wed 6 → 3 days. Thu 7 May + 3 = Fri 8, Mon 11, Tue 12 May.
        (local(2026, 5, 5, 16, 0), local(2026, 5, 12, 17, 0)),
    ],
)
def test_pause_across_the_30_april_holidays(
    make_version, in_processing, actors, citizen, clock, provided, expected
):
    version = make_version(time_limit_value=10, supplement_clock_rule=SupplementClockRule.PAUSE, papers=())
    # Mon 20 Apr 09:00 → receipt Mon 20; +10 working days: Tue 21 (1), Wed 22 (2), Thu 23 (3), Fri 24 (4),
    # [Sat 25, Sun 26, Mon 27 = Hùng Kings compensated], Tue 28 (5), Wed 29 (6), [Thu 30 Apr, Fri 1 May,
    # Sat 2, Sun 3], Mon 4 (7), Tue 5 (8), Wed 6 (9), Thu 7 May (10).
    dossier = in_processing(version, local(2026, 4, 20, 9, 0))
    assert dossier.due_at == local(2026, 5, 7, 17, 0)

    clock.set(local(2026, 4, 29, 10, 0))
    services.request_supplement(dossier, actors.specialist, ["Bản sao giấy phép"], "Thiếu giấy phép")
    dossier.refresh_from_db()
    assert dossier.paused_at == local(2026, 4, 29, 10, 0)
    assert not deadlines.needs_apology(dossier, local(2026, 5, 7, 16, 0))  # clock stopped

    clock.set(provided)
    services.provide_supplement(dossier, citizen, note="Đã bổ sung bản sao giấy phép")
    dossier.refresh_from_db()
    assert dossier.paused_at is None
    assert dossier.due_at == dossier.statutory_due_at == expected


def test_pause_for_a_limit_in_hours(make_version, submit, actors, citizen, clock):
    version = make_version(time_limit_value=16, time_limit_unit=HOURS, papers=())
    clock.set(local(2026, 3, 9, 9, 0))
    # Mon 9 Mar 09:00 + 16 h: Mon 2.5 + 4 = 6.5; Tue 4 + 4 = 14.5; Wed 07:30–09:00 1.5 → Wed 11 Mar 09:00.
    dossier = submit(version=version, papers=[])
    assert dossier.due_at == local(2026, 3, 11, 9, 0)
    clock.set(local(2026, 3, 9, 14, 0))
    services.request_supplement(dossier, actors.one_stop, ["Tờ khai có chữ ký"], "Thiếu chữ ký")
    clock.set(local(2026, 3, 10, 10, 0))
    services.provide_supplement(dossier, citizen, note="Đã ký tờ khai")
    dossier.refresh_from_db()
    # Paused Mon 14:00–17:00 (3 h) and Tue 07:30–10:00 (2.5 h) = 5.5 office hours. Wed 09:00 + 5.5 h:
    # 09:00–11:30 (2.5 h), then 13:00–16:00 (3 h) → Wed 11 Mar 16:00.
    assert dossier.due_at == local(2026, 3, 11, 16, 0)


def test_restart_recomputes_from_the_supplement(make_version, submit, actors, citizen, clock):
    version = make_version(time_limit_value=3, supplement_clock_rule=SupplementClockRule.RESTART, papers=())
    clock.set(local(2026, 3, 9, 9, 0))  # Mon 9 → Thu 12 Mar
    dossier = submit(version=version, papers=[])
    assert dossier.due_at == local(2026, 3, 12, 17, 0)
    clock.set(local(2026, 3, 10, 9, 0))
    services.request_supplement(dossier, actors.one_stop, ["Giấy chứng sinh"], "Thiếu")
    clock.set(local(2026, 3, 13, 16, 0))  # Fri after 15:00 → counts from Mon 16 → Thu 19 Mar
    services.provide_supplement(dossier, citizen, note="Đã nộp")
    dossier.refresh_from_db()
    assert dossier.due_at == dossier.statutory_due_at == local(2026, 3, 19, 17, 0)


def test_continue_leaves_the_clock_running(make_version, submit, actors, citizen, clock):
    version = make_version(time_limit_value=3, supplement_clock_rule=SupplementClockRule.CONTINUE, papers=())
    clock.set(local(2026, 3, 9, 9, 0))
    dossier = submit(version=version, papers=[])
    clock.set(local(2026, 3, 10, 9, 0))
    services.request_supplement(dossier, actors.one_stop, ["Giấy chứng sinh"], "Thiếu")
    dossier.refresh_from_db()
    assert dossier.paused_at is None
    clock.set(local(2026, 3, 13, 10, 0))
    services.provide_supplement(dossier, citizen, note="Đã nộp")
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 12, 17, 0)


# --- Extension, classification, apology --------------------------------------------------------------


def test_extension_moves_the_appointment_not_the_statutory_deadline(
    make_version, in_processing, actors, clock
):
    version = make_version(time_limit_value=3, papers=())
    dossier = in_processing(version, local(2026, 3, 9, 9, 0))  # Mon 9 → Thu 12 Mar 17:00
    clock.set(local(2026, 3, 11, 10, 0))
    extension = services.extend(dossier, actors.leader, date(2026, 3, 13), "Chờ kết quả xác minh của công an")
    dossier.refresh_from_db()
    assert (extension.old_due_at, extension.new_due_at) == (
        local(2026, 3, 12, 17, 0),
        local(2026, 3, 13, 17, 0),
    )
    assert extension.before_deadline and extension.form_code == "04"
    assert dossier.due_at == local(2026, 3, 13, 17, 0)
    assert dossier.statutory_due_at == local(2026, 3, 12, 17, 0)
    event = OutboxEvent.objects.get(name="dossier.extended", aggregate_id=str(dossier.pk))
    assert event.payload["due_at"] == local(2026, 3, 13, 17, 0).isoformat()
    # Finished on Fri 13 Mar: within the new appointment, but after the statutory deadline → late.
    clock.set(local(2026, 3, 13, 10, 0))
    services.mark_result_ready(dossier, actors.specialist, result_note="Đã cấp")
    assert dossier.timeliness == Timeliness.LATE


def test_extension_refuses_bad_dates_and_roles(make_version, in_processing, actors, clock):
    dossier = in_processing(make_version(time_limit_value=3, papers=()), local(2026, 3, 9, 9, 0))
    clock.set(local(2026, 3, 11, 10, 0))
    with pytest.raises(InvalidDossierInput, match="không phải ngày làm việc"):
        services.extend(dossier, actors.leader, date(2026, 3, 14), "Chờ xác minh")  # a Saturday
    with pytest.raises(InvalidDossierInput, match="phải sau ngày hẹn hiện tại"):
        services.extend(dossier, actors.leader, date(2026, 3, 12), "Chờ xác minh")
    with pytest.raises(InvalidDossierInput, match="lý do"):
        services.extend(dossier, actors.leader, date(2026, 3, 16), "  ")
    with pytest.raises(PermissionDenied):
        services.extend(dossier, actors.specialist, date(2026, 3, 16), "Chờ xác minh")
    assert not Extension.objects.exists()


def test_extension_after_the_deadline_is_recorded_as_late(make_version, in_processing, actors, clock):
    dossier = in_processing(make_version(time_limit_value=3, papers=()), local(2026, 3, 9, 9, 0))
    clock.set(local(2026, 3, 13, 9, 0))  # the appointment (Thu 12 Mar 17:00) has passed
    extension = services.extend(dossier, actors.leader, date(2026, 3, 17), "Chờ xác minh")
    assert extension.before_deadline is False


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (local(2026, 3, 10, 16, 0), Timeliness.EARLY),  # an earlier working day than Thu 12
        (local(2026, 3, 12, 7, 45), Timeliness.ON_TIME),  # the due day itself
        (local(2026, 3, 12, 17, 0), Timeliness.ON_TIME),  # the last minute is still on time
        (local(2026, 3, 12, 17, 1), Timeliness.LATE),
        (local(2026, 3, 13, 8, 0), Timeliness.LATE),
    ],
)
def test_classification(finished, expected):
    assert classify(finished, local(2026, 3, 12, 17, 0)) == expected


def test_classification_needs_both_moments():
    assert classify(None, local(2026, 3, 12, 17, 0)) == ""
    assert classify(local(2026, 3, 12, 10, 0), None) == ""


def test_needs_apology_from_eight_working_hours_before_the_appointment(
    make_version, in_processing, actors, clock
):
    dossier = in_processing(
        make_version(time_limit_value=3, papers=()), local(2026, 3, 9, 9, 0)
    )  # Thu 12 17:00
    # Wed 11 Mar 16:00 + 8 office hours = Wed 16–17 (1), Thu 07:30–11:30 (5), 13:00–16:00 (8) → Thu 16:00,
    # before the appointment: not yet.
    assert not deadlines.needs_apology(dossier, local(2026, 3, 11, 16, 0))
    # Wed 11 Mar 17:00 + 8 h = Thu 12 Mar 17:00, the appointment itself: now.
    assert deadlines.needs_apology(dossier, local(2026, 3, 11, 17, 0))
    assert deadlines.needs_apology(dossier, local(2026, 3, 13, 9, 0))  # already late
    clock.set(local(2026, 3, 11, 17, 0))
    services.extend(dossier, actors.leader, date(2026, 3, 18), "Chờ xác minh")
    dossier.refresh_from_db()
    assert not deadlines.needs_apology(dossier, local(2026, 3, 11, 17, 0))
    clock.set(local(2026, 3, 12, 9, 0))
    services.mark_result_ready(dossier, actors.specialist, result_note="Đã cấp")
    assert not deadlines.needs_apology(dossier, local(2026, 3, 20, 9, 0))  # finished


# --- The periodic watch --------------------------------------------------------------------------------


def _events(name, dossier):
    return OutboxEvent.objects.filter(name=name, aggregate_id=str(dossier.pk)).count()


def test_watch_flags_at_risk_then_overdue_once_each(make_version, in_processing, actors, clock):
    dossier = in_processing(
        make_version(time_limit_value=3, papers=()), local(2026, 3, 9, 9, 0)
    )  # Thu 12 17:00
    # Wed 12:00 + 8 h = Wed 13:00–17:00 (4), Thu 07:30–11:30 (8) → Thu 11:30 < Thu 17:00: not at risk.
    assert deadlines.watch(local(2026, 3, 11, 12, 0)) == {"at_risk": 0, "overdue": 0}
    # Wed 17:30 + 8 h = Thu 17:00 ≥ the appointment: at risk, once.
    assert deadlines.watch(local(2026, 3, 11, 17, 30)) == {"at_risk": 1, "overdue": 0}
    assert deadlines.watch(local(2026, 3, 12, 9, 0)) == {"at_risk": 0, "overdue": 0}
    assert deadlines.watch(local(2026, 3, 12, 17, 1)) == {"at_risk": 0, "overdue": 1}
    assert deadlines.watch(local(2026, 3, 13, 9, 0)) == {"at_risk": 0, "overdue": 0}
    assert (_events("dossier.deadline_at_risk", dossier), _events("dossier.overdue", dossier)) == (1, 1)


def test_watch_warns_again_when_the_appointment_moves(make_version, in_processing, actors, clock):
    dossier = in_processing(make_version(time_limit_value=3, papers=()), local(2026, 3, 9, 9, 0))
    assert deadlines.watch(local(2026, 3, 11, 17, 30))["at_risk"] == 1
    clock.set(local(2026, 3, 12, 9, 0))
    services.extend(dossier, actors.leader, date(2026, 3, 13), "Chờ xác minh")  # before the deadline
    # Thu 12 17:00 passes, but the appointment is now Fri 13 17:00: no overdue; at risk again for it.
    assert deadlines.watch(local(2026, 3, 12, 17, 30)) == {"at_risk": 1, "overdue": 0}
    assert _events("dossier.overdue", dossier) == 0


def test_watch_ignores_paused_and_finished_dossiers(make_version, in_processing, actors, clock):
    paused = in_processing(make_version(time_limit_value=3, papers=()), local(2026, 3, 9, 9, 0))
    finished = in_processing(make_version(time_limit_value=3, papers=()), local(2026, 3, 9, 9, 0))
    clock.set(local(2026, 3, 10, 9, 0))
    services.request_supplement(paused, actors.specialist, ["Bản sao"], "Thiếu")
    services.mark_result_ready(finished, actors.specialist, result_note="Đã cấp")
    assert deadlines.watch(local(2026, 3, 20, 9, 0)) == {"at_risk": 0, "overdue": 0}


def test_watch_is_registered_as_a_periodic_job():
    from congso.core import scheduling

    job = next(j for j in scheduling.jobs() if j.name == "dossiers.deadline_watch")
    assert job.every.total_seconds() == 300


# --- Hand-over steps (control sheet) ------------------------------------------------------------------


def test_a_hand_over_by_hand_is_due_no_later_than_the_appointment(
    make_version, submit, actors, agency_a, clock
):
    clock.set(local(2026, 3, 6, 9, 0))
    dossier = submit(version=make_version(time_limit_value=5, papers=()), papers=[])
    services.accept(dossier, actors.one_stop)
    dossier.refresh_from_db()
    row = services.hand_over(
        dossier,
        to_agency=agency_a,
        step_name="Thẩm định hồ sơ",
        given_by=actors.one_stop,
        allotted_working_hours=200,  # 25 working days, for a 5-day procedure
    )
    assert row.allotted_hours == 200 and row.due_at == dossier.due_at


def test_hand_over_steps_are_classified(make_version, submit, actors, agency_a, agency_b, clock):
    clock.set(local(2026, 3, 6, 9, 0))
    dossier = submit(version=make_version(time_limit_value=5, papers=()), papers=[])
    services.accept(dossier, actors.one_stop)

    clock.set(local(2026, 3, 9, 9, 0))
    # 8 h from Mon 9 Mar 09:00: Mon 2.5 + 4 = 6.5; Tue 07:30–09:00 = 8 → due Tue 10 Mar 09:00.
    first = services.hand_over(
        dossier,
        to_agency=agency_a,
        to_unit_label="Công chức Tư pháp – Hộ tịch",
        step_name="Thẩm định hồ sơ",
        given_by=actors.one_stop,
        received_by=actors.specialist,
        allotted_working_hours=8,
    )
    assert first.due_at == local(2026, 3, 10, 9, 0)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING  # the first hand-over starts processing

    clock.set(local(2026, 3, 9, 16, 0))
    # Closed on Mon 9, an earlier day than its due Tue 10 → early. Next: 8 h from Mon 16:00 = Mon 1 h,
    # Tue 07:30–11:30 (5 h), 13:00–16:00 (8 h) → Tue 10 Mar 16:00.
    second = services.hand_over(
        dossier,
        to_agency=agency_b,
        to_unit_label="Phòng Hành chính tư pháp",
        step_name="Xác minh",
        given_by=actors.specialist,
        received_by=actors.specialist_b,
        allotted_working_hours=8,
    )
    first.refresh_from_db()
    assert (first.completed_at, first.result) == (local(2026, 3, 9, 16, 0), Timeliness.EARLY)
    assert second.due_at == local(2026, 3, 10, 16, 0)
    assert (second.from_agency, second.from_unit_label) == (agency_a, "Công chức Tư pháp – Hộ tịch")

    clock.set(local(2026, 3, 10, 16, 0))
    # Closed exactly at its due Tue 16:00 → on time. Next: 4 h from Tue 16:00 = Tue 1 h, Wed 07:30–10:30.
    third = services.hand_over(
        dossier,
        to_agency=agency_b,
        to_unit_label="Lãnh đạo Sở",
        step_name="Phê duyệt",
        given_by=actors.specialist_b,
        allotted_working_hours=4,
    )
    second.refresh_from_db()
    assert second.result == Timeliness.ON_TIME
    assert third.due_at == local(2026, 3, 11, 10, 30)

    clock.set(local(2026, 3, 11, 11, 0))
    services.mark_result_ready(dossier, actors.leader_b, result_note="Quyết định số 15/QĐ-STP")
    third.refresh_from_db()
    assert third.result == Timeliness.LATE  # closed 11:00 after its due 10:30
    dossier.refresh_from_db()
    assert dossier.current_agency == agency_b
    assert set(dossier.processing_agencies.all()) == {agency_a, agency_b}
    assert list(HandOver.objects.filter(dossier=dossier, completed_at__isnull=True)) == []
    # The dossier itself: Fri 6 Mar 09:00 + 5 working days = Fri 13 Mar; finished Wed 11 → early.
    assert dossier.timeliness == Timeliness.EARLY


def test_step_without_allotment_takes_the_dossier_appointment(make_version, submit, actors, agency_a, clock):
    clock.set(local(2026, 3, 9, 9, 0))
    dossier = submit(version=make_version(time_limit_value=3, papers=()), papers=[])
    services.accept(dossier, actors.one_stop)
    row = services.hand_over(
        dossier,
        to_agency=agency_a,
        to_unit_label="Công chức Tư pháp – Hộ tịch",
        step_name="Giải quyết",
        given_by=actors.one_stop,
    )
    assert row.due_at == dossier.due_at == local(2026, 3, 12, 17, 0)


# --- At risk: a window scaled with the allotted time ------------------------------------------------


def test_same_day_dossier_is_not_at_risk_on_arrival(make_version, submit, clock):
    # Thu 12 Mar 2026 09:00, same-day procedure: due 17:00, 6.5 office hours allotted (09:00–11:30,
    # 13:00–17:00); a third is 2.17 h → a 2-hour window: at risk from 15:00, not at 09:05.
    clock.set(local(2026, 3, 12, 9, 0))
    dossier = submit(version=make_version(time_limit_value=0))
    assert dossier.due_at == local(2026, 3, 12, 17, 0)
    assert dossier.at_risk_hours == 2.0
    assert not deadlines.needs_apology(dossier, local(2026, 3, 12, 9, 5))
    assert not deadlines.needs_apology(dossier, local(2026, 3, 12, 14, 55))
    assert deadlines.needs_apology(dossier, local(2026, 3, 12, 15, 0))
    assert deadlines.watch(local(2026, 3, 12, 9, 5)) == {"at_risk": 0, "overdue": 0}
    assert deadlines.watch(local(2026, 3, 12, 15, 30)) == {"at_risk": 1, "overdue": 0}


@pytest.mark.parametrize(
    ("received", "limit", "window"),
    [
        (local(2026, 3, 12, 16, 0), 0, 1.0),  # same day, no 15:00 rule: 1 h left → the 1-hour minimum
        (local(2026, 3, 12, 9, 0), 1, 5.0),  # 1 day (due Fri 13 17:00): 6.5 + 8 = 14.5 h → 4.83 → 5 h
        (local(2026, 3, 9, 9, 0), 3, 8.0),  # 3 days: 30.5 h → a third > 8 → the 8-hour maximum
        (local(2026, 3, 9, 9, 0), 15, 8.0),
    ],
)
def test_at_risk_window_scales_with_the_time_limit(make_version, received, limit, window):
    version = make_version(time_limit_value=limit, receipt_cutoff=None)
    due = deadlines.initial_due(version, received)
    assert deadlines.at_risk_window(received, due) == window
