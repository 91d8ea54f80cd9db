"""The named queries of the back office (``dossiers.inbox``): filters, search, deadline risk, keyset pages
in both orders and directions (with dossiers lacking an appointment), cursors, counts and the logbook."""

from datetime import date

import pytest
from django.core import signing

from congso.dossiers import deadlines, inbox, logbook, services
from congso.dossiers.inbox import InboxFilters
from congso.dossiers.models import Dossier, Status
from tests.factories.agencies import StaffMembershipFactory
from tests.samples import APPLICANT
from tests.support.clock import local

pytestmark = pytest.mark.django_db

ALL = InboxFilters(statuses=None, scope=inbox.SCOPE_ALL)


def codes(page):
    return [d.code for d in page.dossiers]


def walk(user, *, filters=ALL, order=inbox.ORDER_DUE, limit=2):
    """Every page forward, then every page back from the last; (forward pages, backward pages)."""
    forward, cursor, page = [], None, None
    while True:
        page = inbox.inbox_for(user, filters=filters, order=order, after_cursor=cursor, limit=limit)
        forward.append(codes(page))
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    backward = [codes(page)]
    while page.previous_cursor:
        page = inbox.inbox_for(
            user, filters=filters, order=order, before_cursor=page.previous_cursor, limit=limit
        )
        backward.append(codes(page))
    return forward, backward


@pytest.fixture
def five(submit, clock):
    """Five dossiers submitted on five days; the 4th shares the 3rd's appointment, the 5th has none."""
    made = []
    for day in (9, 10, 11, 12, 13):
        clock.set(local(2026, 3, day, 9))
        made.append(submit())
    clock.set(local(2026, 3, 13, 10))
    Dossier.objects.filter(pk=made[3].pk).update(due_at=made[2].due_at)
    Dossier.objects.filter(pk=made[4].pk).update(due_at=None)
    return made


# --- Keyset pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 10])
def test_due_order_walks_every_dossier_once_both_ways(actors, five, limit):
    expected = [d.code for d in five]  # by appointment, ties by id, no appointment last
    forward, backward = walk(actors.one_stop, limit=limit)
    assert [code for page in forward for code in page] == expected
    assert [code for page in reversed(backward) for code in page] == expected
    assert all(len(page) == limit for page in forward[:-1])


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_received_order_newest_first(actors, five, limit):
    expected = [d.code for d in reversed(five)]
    forward, backward = walk(actors.one_stop, order=inbox.ORDER_RECEIVED, limit=limit)
    assert [code for page in forward for code in page] == expected
    assert [code for page in reversed(backward) for code in page] == expected


def test_first_page_has_no_previous_and_last_has_no_next(actors, five):
    first = inbox.inbox_for(actors.one_stop, filters=ALL, limit=2)
    assert first.previous_cursor is None and first.next_cursor
    last = inbox.inbox_for(actors.one_stop, filters=ALL, limit=10)
    assert last.previous_cursor is None and last.next_cursor is None and len(last.dossiers) == 5


def test_cursor_of_another_order_or_forged_is_rejected(actors, five):
    page = inbox.inbox_for(actors.one_stop, filters=ALL, limit=2)
    received = inbox.inbox_for(
        actors.one_stop, filters=ALL, order=inbox.ORDER_RECEIVED, after_cursor=page.next_cursor, limit=2
    )
    assert received.cursor_rejected and received.previous_cursor is None
    assert codes(received) == [five[4].code, five[3].code]
    for forged in ("abc", signing.dumps(["due", "2026-03-10T17:00:00", 1], salt="other"), "x" * 300):
        again = inbox.inbox_for(actors.one_stop, filters=ALL, after_cursor=forged, limit=2)
        assert again.cursor_rejected and codes(again) == [five[0].code, five[1].code]


def test_decode_cursor_validates_its_content(five):
    salt = "congso.dossiers.inbox.cursor"
    assert inbox.decode_cursor("due", signing.dumps(["due", "2026-03-10T17:00:00+07:00", 5], salt=salt))
    assert inbox.decode_cursor("due", signing.dumps(["due", None, 5], salt=salt)) == (None, 5)
    # submitted_at is never empty: a cursor claiming so is malformed.
    assert inbox.decode_cursor("received", signing.dumps(["received", None, 5], salt=salt)) is None
    for bad in (
        ["due", "2026-03-10T17:00:00", 5],  # naive
        ["due", "not a date", 5],
        ["due", "2026-03-10T17:00:00+07:00", -1],
        ["due", "2026-03-10T17:00:00+07:00", True],
        ["due", "2026-03-10T17:00:00+07:00", "5"],
    ):
        assert inbox.decode_cursor("due", signing.dumps(bad, salt=salt)) is None, bad
    assert inbox.decode_cursor("due", signing.dumps({"a": 1}, salt=salt)) is None


# --- Filters -------------------------------------------------------------------------------------------


def test_default_filters_are_open_dossiers_now_at_my_agencies(actors, drive, counter_dossier, agency_b):
    open_here = drive(Status.SUBMITTED)
    finished = drive(Status.RESULT_RETURNED)
    handed = counter_dossier()
    services.hand_over(
        handed, to_agency=agency_b, to_unit_label="P", step_name="Thẩm định", given_by=actors.one_stop
    )
    page = inbox.inbox_for(actors.one_stop)
    assert codes(page) == [open_here.code]
    received = inbox.inbox_for(actors.one_stop, filters=InboxFilters(scope=inbox.SCOPE_RECEIVED))
    assert set(codes(received)) == {open_here.code, handed.code}
    everything = inbox.inbox_for(actors.one_stop, filters=ALL)
    assert set(codes(everything)) == {open_here.code, finished.code, handed.code}
    # The department's specialist has it in their default inbox.
    assert codes(inbox.inbox_for(actors.specialist_b)) == [handed.code]


def test_agency_filter_only_narrows_to_the_officers_own_agencies(actors, submit, agency_a, agency_c, officer):
    mine = submit()
    theirs = submit(receiving_agency=agency_c)
    filters = InboxFilters(agency_ids=frozenset({agency_c.pk}))
    assert codes(inbox.inbox_for(actors.one_stop, filters=filters)) == []
    both = officer("one_stop_officer", agency_a, "motcua_hai_noi")

    StaffMembershipFactory(user=both, agency=agency_c, role="one_stop_officer")
    assert set(codes(inbox.inbox_for(both))) == {mine.code, theirs.code}
    assert codes(inbox.inbox_for(both, filters=filters)) == [theirs.code]
    passed = inbox.inbox_for(
        both, filters=InboxFilters(statuses=None, scope=inbox.SCOPE_ALL, agency_ids=filters.agency_ids)
    )
    assert codes(passed) == [theirs.code]


def test_never_more_than_visible_to(actors, submit, agency_c):
    submit(receiving_agency=agency_c)
    assert codes(inbox.inbox_for(actors.one_stop, filters=ALL)) == []


def test_risk_filter_against_the_appointment(actors, submit, clock, drive):
    clock.set(local(2026, 3, 11, 9))
    late, at_risk, fine = submit(), submit(), submit()
    paused = drive(Status.SUPPLEMENT_REQUESTED, supplement_from=Status.SUBMITTED)
    Dossier.objects.filter(pk=late.pk).update(due_at=local(2026, 3, 10, 17))
    Dossier.objects.filter(pk=at_risk.pk).update(due_at=local(2026, 3, 11, 16))
    Dossier.objects.filter(pk=paused.pk).update(due_at=local(2026, 3, 10, 17))  # clock stopped: not late
    user = actors.one_stop

    def risk(value):
        return set(codes(inbox.inbox_for(user, filters=InboxFilters(risk=value))))

    assert risk(inbox.RISK_LATE) == {late.code}
    assert risk(inbox.RISK_AT_RISK) == {at_risk.code}
    assert risk(inbox.RISK_ON_TRACK) == {fine.code, paused.code}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("000.01.12.H08-260311-0007", {"code": "000.01.12.H08-260311-0007"}),
        ("000.01.12.h08-260311-0007", {"code": "000.01.12.H08-260311-0007"}),
        ("260311-0007", {"code__endswith": "-260311-0007"}),
        ("074 090 000 001", {"applicant_national_id": "074090000001"}),
        ("3700123456-001", {"applicant_national_id": "3700123456-001"}),
        ("+84 912 345 678", {"applicant_phone": "0912345678"}),
        ("091.234.567", {"applicant_phone": "091234567"}),
        ("Nguyễn  Văn", {"applicant_name__icontains": "Nguyễn Văn"}),
    ],
)
def test_search_text_is_read_for_what_it_is(text, expected):
    assert inbox.search_condition(text).children == list(expected.items())


def test_ten_digits_may_be_a_tax_code_or_a_phone():
    condition = inbox.search_condition("0912345678")
    assert condition.connector == "OR"
    assert condition.children == [("applicant_national_id", "0912345678"), ("applicant_phone", "0912345678")]
    assert inbox.search_condition("   ") is None


def test_search_by_each_identifier(actors, submit):
    found = submit()
    submit(
        applicant_details={
            **APPLICANT,
            "name": "Trần Bình",
            "national_id": "074090000009",
            "phone": "0987000000",
        }
    )
    for text in (found.code, "074090000001", "0912345678", "văn an"):
        page = inbox.inbox_for(actors.one_stop, filters=InboxFilters(statuses=None, query=text))
        assert codes(page) == [found.code], text


# --- Deadline state, counts, logbook ---------------------------------------------------------------


def test_deadline_state_words_and_colours(drive, clock):
    clock.set(local(2026, 3, 11, 9))
    now = local(2026, 3, 11, 9)
    threshold = deadlines.at_risk_threshold(now)  # a window of 8 working hours: Thu 12 Mar 09:00
    dossier = drive(Status.IN_PROCESSING)
    assert threshold.moment(dossier.at_risk_hours) == local(2026, 3, 12, 9)
    states = {}
    for due in (local(2026, 3, 10, 17), local(2026, 3, 11, 17), local(2026, 3, 16, 17)):
        dossier.due_at = due
        states[due.day] = inbox.deadline_state(dossier, now, threshold)
    assert (states[10].label, states[10].css) == ("Quá hạn", "late")
    assert (states[11].label, states[11].css) == ("Sắp đến hạn", "warn")
    assert (states[16].label, states[16].css) == ("Trong hạn", "ontime")
    dossier.paused_at = now
    assert inbox.deadline_state(dossier, now, threshold).key == "paused"
    done = drive(Status.RESULT_RETURNED)
    assert inbox.deadline_state(done, now, threshold).label == "Xong trước hạn"


def test_summary_counts(actors, submit, drive, clock):
    clock.set(local(2026, 3, 11, 9))
    late = submit()
    Dossier.objects.filter(pk=late.pk).update(due_at=local(2026, 3, 10, 17))
    submit()
    drive(Status.SUPPLEMENT_REQUESTED, supplement_from=Status.SUBMITTED)
    drive(Status.RESULT_RETURNED)
    summary = inbox.summary_for(actors.one_stop)
    assert (summary.open, summary.late, summary.at_risk) == (3, 1, 0)
    assert (summary.awaiting_reception, summary.awaiting_supplement) == (2, 1)
    assert inbox.summary_for(actors.specialist_b).open == 0


def test_logbook_rows_in_reception_order(actors, counter_dossier, submit, clock, agency_a):
    clock.set(local(2026, 3, 31, 16))
    march = counter_dossier()
    clock.set(local(2026, 4, 1, 8))
    april = counter_dossier()
    online = submit()
    rows = list(logbook.logbook_for(actors.one_stop, agency_a.pk, date(2026, 3, 1), date(2026, 4, 30)))
    assert rows == [march, april]  # the online dossier is not received yet
    assert list(logbook.logbook_for(actors.one_stop, agency_a.pk, date(2026, 4, 1), date(2026, 4, 1))) == [
        april
    ]
    services.accept(online, actors.one_stop)
    assert list(logbook.logbook_for(actors.one_stop, agency_a.pk, date(2026, 4, 1), date(2026, 4, 1))) == [
        april,
        online,
    ]
    assert (
        list(logbook.logbook_for(actors.specialist_b, agency_a.pk, date(2026, 3, 1), date(2026, 4, 30))) == []
    )


def test_export_rows_follow_the_order_and_stop_after_the_limit(actors, five):
    rows = list(inbox.rows_for_export(actors.one_stop, filters=ALL, limit=3))
    assert [d.code for d in rows] == [d.code for d in five[:4]]


# --- The officer's to-do ("Việc cần xử lý") -------------------------------------------------------


def test_a_new_online_dossier_is_in_the_one_stop_officers_to_do(actors, submit, officer, agency_c):
    dossier = submit()
    entries, total = inbox.todo_for(actors.one_stop)
    assert [(e.kind, e.dossier.code) for e in entries] == [(inbox.TODO_RECEIVE, dossier.code)]
    assert total == 1 == inbox.todo_count_for(actors.one_stop)
    # Not the specialist's, nor another agency's one-stop officer's, and gone once received.
    assert inbox.todo_for(actors.specialist) == ([], 0)
    assert inbox.todo_for(officer("one_stop_officer", agency_c)) == ([], 0)
    services.accept(dossier, actors.one_stop)
    assert inbox.todo_count_for(actors.one_stop) == 0


def test_a_hand_over_to_a_person_is_their_task_until_the_step_ends(actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    row = services.hand_over(
        dossier,
        to_agency=agency_b,
        to_unit_label="Sở Tư pháp",
        step_name="Thẩm định hồ sơ",
        given_by=actors.one_stop,
        received_by=actors.specialist_b,
        allotted_working_hours=8,
    )
    entries, total = inbox.todo_for(actors.specialist_b)
    assert [(e.kind, e.label, e.due_at) for e in entries] == [
        (inbox.TODO_HANDED_OVER, "Thẩm định hồ sơ", row.due_at)
    ]
    assert total == 1
    # Named to one person: not in the queue of the others of the unit.
    assert inbox.todo_count_for(actors.leader_b) == 0
    services.mark_result_ready(dossier, actors.specialist_b, result_note="Đã có kết quả.")
    assert inbox.todo_count_for(actors.specialist_b) == 0


def test_a_hand_over_to_a_units_queue_is_a_task_of_each_processing_officer_there(
    actors, counter_dossier, agency_b, officer
):
    dossier = counter_dossier()
    services.hand_over(
        dossier, to_agency=agency_b, to_unit_label="", step_name="Thẩm định", given_by=actors.one_stop
    )
    assert inbox.todo_count_for(actors.specialist_b) == 1
    assert inbox.todo_count_for(actors.leader_b) == 1
    assert inbox.todo_count_for(officer("clerk", agency_b)) == 0  # a clerk does not process dossiers
    assert inbox.todo_count_for(actors.specialist) == 0


def test_a_result_to_hand_back_is_in_the_one_stop_officers_to_do(actors, drive):
    dossier = drive(Status.RESULT_READY)
    entries, _total = inbox.todo_for(actors.one_stop)
    assert [(e.kind, e.dossier.code) for e in entries] == [(inbox.TODO_RETURN, dossier.code)]


def test_the_to_do_reads_its_queues_in_one_statement_and_counts_each_whole_queue(
    actors, submit, drive, counter_dossier, agency_a, django_assert_num_queries
):
    first, second, third = submit(), submit(), submit()
    ready = drive(Status.RESULT_READY)
    dossier = counter_dossier()
    hand_over = services.hand_over(
        dossier,
        to_agency=agency_a,
        to_unit_label="",
        step_name="Thẩm định hồ sơ",
        given_by=actors.one_stop,
        received_by=actors.one_stop,
        allotted_working_hours=8,
    )
    # The officer's memberships, then the three queues together.
    with django_assert_num_queries(2):
        entries, total = inbox.todo_for(actors.one_stop, limit=2)
    ready.refresh_from_db()
    hand_over.refresh_from_db()
    # Each queue in its own order and cut at the limit, in the order receive, handed over, return; the
    # total counts what the cut left out.
    assert [(e.kind, e.dossier.code) for e in entries] == [
        (inbox.TODO_RECEIVE, first.code),
        (inbox.TODO_RECEIVE, second.code),
        (inbox.TODO_HANDED_OVER, dossier.code),
        (inbox.TODO_RETURN, ready.code),
    ]
    assert total == 5 == inbox.todo_count_for(actors.one_stop)
    handed, returned = entries[2], entries[3]
    # Moments come back as aware datetimes on every database, the step's deadline for a hand-over.
    assert (handed.label, handed.due_at, handed.hand_over_id) == (
        "Thẩm định hồ sơ",
        hand_over.due_at,
        hand_over.pk,
    )
    assert returned.due_at == ready.due_at and returned.due_at.tzinfo is not None
    assert (returned.agency.id, returned.agency.name) == (agency_a.pk, agency_a.name)
    assert third.code not in [e.dossier.code for e in entries]
