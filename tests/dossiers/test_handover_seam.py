"""The dossier's side of the seam with the workflow block: the process authority token (who may hold it,
what it allows, what it records), the control sheet of a process with parallel branches, and the
binding that keeps officers from routing a dossier its process routes."""

import pathlib
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from congso.agencies.models import AgencyKind
from congso.core.models import AuditEntry, OutboxEvent
from congso.dossiers import permissions as P
from congso.dossiers import process_authority, services
from congso.dossiers.errors import IllegalTransition, InvalidDossierInput
from congso.dossiers.models import Dossier, HandOver, Status, StatusChange, Timeliness
from tests.support.clock import local

LABEL = "Quy trình: thu-nghiem v1"


@pytest.fixture
def authority():
    """``authority(dossier, step_completed_by=None)`` — a token issued as the engine would, this test
    module standing in for the engine (tests are outside the import contracts that keep every module of
    the project but the engine from issuing one)."""

    def issue(dossier, step_completed_by=None):
        return process_authority.issue_process_authority(
            dossier=dossier,
            process_ref="workflow:thu-nghiem:v1",
            label=LABEL,
            step_completed_by=step_completed_by,
        )

    return issue


@pytest.fixture
def police(make_agency):
    return make_agency("000.00.09.H08", "Công an tỉnh", AgencyKind.POLICE)


@pytest.fixture
def insurance(make_agency):
    return make_agency("000.00.10.H08", "Bảo hiểm xã hội tỉnh", AgencyKind.SOCIAL_INSURANCE)


def step(ref, name, agency, **extra):
    return services.ProcessStep(
        ref=ref, step_name=name, to_agency=agency, to_unit_label="Chuyên viên", **extra
    )


# --- The token -----------------------------------------------------------------------------------------


def test_the_token_cannot_be_built_by_its_constructor():
    with pytest.raises(TypeError):
        P.ProcessAuthority()


def test_a_forged_or_foreign_token_is_refused_and_changes_nothing(drive, authority, agency_a):
    dossier, other = drive(Status.ACCEPTED), drive(Status.ACCEPTED)
    forged = object.__new__(P.ProcessAuthority)
    for name, value in (("dossier_id", dossier.pk), ("label", LABEL), ("step_completed_by", None)):
        object.__setattr__(forged, name, value)
    foreign = authority(other)
    with pytest.raises(PermissionDenied):
        services.start_processing(dossier)  # neither an officer nor a token: what a careless view would do
    for token in (forged, foreign, "Quy trình", None):
        with pytest.raises(PermissionDenied):
            services.hand_over_by_process(
                dossier, authority=token, opened=[step("wf:1", "Thẩm định", agency_a)]
            )
        if token is not None:
            with pytest.raises(PermissionDenied):
                services.start_processing(dossier, authority=token)
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED and not dossier.hand_overs.exists()
    token = authority(dossier)
    with pytest.raises(AttributeError):
        token.dossier_id = other.pk


def test_an_officer_and_a_token_together_is_a_programming_error(drive, authority, actors):
    dossier = drive(Status.ACCEPTED)
    with pytest.raises(TypeError):
        services.start_processing(dossier, actors.specialist, authority=authority(dossier))


def test_only_the_engine_names_the_issuing_function():
    """Views and other blocks never reach the process's authority: the one place that issues it is the
    workflow engine (``dossiers.process_authority`` defines it; the import contracts enforce it too)."""
    src = pathlib.Path(__file__).resolve().parents[2] / "src" / "congso"
    users = {
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"\bissue_process_authority\b", path.read_text(encoding="utf-8"))
    }
    assert users == {"dossiers/process_authority.py", "workflow/engine.py"}


def test_status_changes_on_the_process_authority_name_the_process(drive, authority, actors):
    dossier = drive(Status.ACCEPTED)
    services.start_processing(dossier, authority=authority(dossier, step_completed_by=actors.one_stop))
    request = services.request_supplement(
        dossier, None, ["Bản sao giấy chứng sinh"], "Thiếu giấy tờ", authority=authority(dossier)
    )
    assert request.requested_by is None and dossier.status == Status.SUPPLEMENT_REQUESTED
    changes = list(
        StatusChange.objects.filter(
            dossier=dossier, transition__in=["start_processing", "request_supplement"]
        )
    )
    assert [(c.by, c.extra["process"]) for c in changes] == [(None, LABEL), (None, LABEL)]
    assert changes[0].extra["step_completed_by"] == actors.one_stop.pk
    assert changes[1].extra["step_completed_by"] is None
    audit = AuditEntry.objects.filter(action="dossiers.start_processing").get()
    assert audit.changes["process"] == LABEL and audit.actor is None and audit.actor_label == LABEL
    event = OutboxEvent.objects.get(name="dossier.supplement_requested", aggregate_id=str(dossier.pk))
    assert event.payload["process"] == LABEL
    entries = [e for e in services.timeline(dossier) if e.kind == "status" and e.actor is None]
    assert [e.actor_label for e in entries][-2:] == [LABEL, LABEL]


def test_result_on_the_process_authority_needs_the_dossier_in_processing(drive, authority):
    dossier = drive(Status.ACCEPTED)
    with pytest.raises(IllegalTransition):
        services.mark_result_ready(dossier, result_note="Đã cấp", authority=authority(dossier))
    services.start_processing(dossier, authority=authority(dossier))
    services.mark_result_ready(dossier, result_note="Đã cấp", authority=authority(dossier))
    assert dossier.status == Status.RESULT_READY and dossier.timeliness


# --- The control sheet of a process --------------------------------------------------------------------


def test_parallel_branches_each_get_a_row_and_the_lead_agency_stays(
    drive, authority, actors, agency_a, police, insurance, officer, clock
):
    clock.set(local(2026, 3, 9, 8, 0))
    dossier = drive(Status.ACCEPTED)
    police_officer = officer("specialist", police)
    assert not P.can(police_officer, P.VIEW, dossier)

    token = authority(dossier, step_completed_by=actors.one_stop)
    [first] = services.hand_over_by_process(
        dossier,
        authority=token,
        opened=[
            step("wf:1", "Đăng ký khai sinh", agency_a, allotted_working_hours=8, from_unit_label="Một cửa")
        ],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING  # the first row of an accepted dossier starts processing
    assert (first.given_by, first.given_by_label, first.step_completed_by) == (None, LABEL, actors.one_stop)
    assert first.giver_label == LABEL

    clock.set(local(2026, 3, 9, 10, 0))
    branches = services.hand_over_by_process(
        dossier,
        authority=authority(dossier, step_completed_by=actors.specialist),
        finished=["wf:1"],
        opened=[
            step("wf:2", "Đăng ký thường trú", police, allotted_working_hours=8, branch=True),
            step("wf:3", "Cấp thẻ bảo hiểm y tế", insurance, allotted_working_hours=8, branch=True),
        ],
    )
    dossier.refresh_from_db()
    first.refresh_from_db()
    assert first.result == Timeliness.EARLY
    assert dossier.current_agency == agency_a  # the lead agency keeps the dossier
    assert set(dossier.processing_agencies.all()) == {agency_a, police, insurance}
    assert [(r.to_agency, r.is_branch, r.completed_at) for r in branches] == [
        (police, True, None),
        (insurance, True, None),
    ]
    assert P.can(police_officer, P.VIEW, dossier) and not P.can(police_officer, P.PROCESS, dossier)
    assert list(Dossier.objects.visible_to(police_officer)) == [dossier]

    # The police finish the next day (early? no: same day as due → on time); social insurance is late.
    clock.set(local(2026, 3, 10, 10, 0))
    services.hand_over_by_process(dossier, authority=authority(dossier), finished=["wf:2"])
    clock.set(local(2026, 3, 11, 9, 0))
    [compile_row] = services.hand_over_by_process(
        dossier,
        authority=authority(dossier, step_completed_by=actors.specialist_b),
        finished=["wf:3"],
        opened=[step("wf:4", "Tổng hợp kết quả", agency_a, allotted_working_hours=4, from_agency=insurance)],
    )
    results = dict(HandOver.objects.filter(dossier=dossier).values_list("step_ref", "result"))
    assert results == {"wf:1": "early", "wf:2": "on_time", "wf:3": "late", "wf:4": ""}
    assert (compile_row.from_agency, compile_row.is_branch) == (insurance, False)
    events = OutboxEvent.objects.filter(name="dossier.handed_over", aggregate_id=str(dossier.pk))
    payloads = sorted((e.payload for e in events), key=lambda p: p["hand_over_id"])
    assert [(p["to_agency_code"], p["branch"]) for p in payloads] == [
        (agency_a.code, False),
        (police.code, True),
        (insurance.code, True),
        (agency_a.code, False),
    ]


def test_a_half_hour_process_step_is_thirty_working_minutes_and_sums_exactly(
    drive, authority, agency_b, clock
):
    clock.set(local(2026, 3, 9, 8, 0))
    dossier = drive(Status.ACCEPTED)
    [row] = services.hand_over_by_process(
        dossier,
        authority=authority(dossier),
        opened=[step("wf:1", "Tiếp nhận", agency_b, allotted_working_hours=Decimal("0.5"))],
    )
    row.refresh_from_db()
    assert (row.allotted_hours, row.due_at) == (Decimal("0.5"), local(2026, 3, 9, 8, 30))
    [same] = services.hand_over_by_process(
        dossier,
        authority=authority(dossier),
        finished=["wf:1"],
        opened=[step("wf:2", "Ký", agency_b, allotted_working_hours=0.25, continues="wf:1")],
    )
    same.refresh_from_db()
    assert (same.allotted_hours, same.due_at) == (Decimal("0.75"), local(2026, 3, 9, 8, 45))
    entry = AuditEntry.objects.filter(action="dossiers.hand_over.continue").latest("pk")
    assert entry.changes["allotted_hours"] == "0.75"


@pytest.mark.parametrize("hours", [0, Decimal("-1"), Decimal("0.333"), 1.005, "1"])
def test_a_process_step_with_bad_hours_is_refused_and_changes_nothing(hours, drive, authority, agency_b):
    dossier = drive(Status.ACCEPTED)
    with pytest.raises(InvalidDossierInput, match="tối đa hai chữ số thập phân") as refused:
        services.hand_over_by_process(
            dossier,
            authority=authority(dossier),
            opened=[step("wf:1", "Xem xét", agency_b, allotted_working_hours=hours)],
        )
    assert refused.value.code == "allotted_hours"
    assert not HandOver.objects.filter(dossier=dossier).exists()


def test_consecutive_steps_of_one_unit_are_one_row_with_their_time_summed(drive, authority, agency_b, clock):
    clock.set(local(2026, 3, 9, 8, 0))
    dossier = drive(Status.ACCEPTED)
    [row] = services.hand_over_by_process(
        dossier,
        authority=authority(dossier),
        opened=[step("wf:1", "Xem xét", agency_b, allotted_working_hours=8)],
    )
    assert row.due_at == local(2026, 3, 10, 8, 0)
    clock.set(local(2026, 3, 9, 15, 0))
    [same] = services.hand_over_by_process(
        dossier,
        authority=authority(dossier),
        finished=["wf:1"],
        opened=[step("wf:2", "Phê duyệt", agency_b, allotted_working_hours=4, continues="wf:1")],
    )
    row.refresh_from_db()
    assert same.pk == row.pk and row.completed_at is None
    assert (row.step_ref, row.allotted_hours, row.step_name) == ("wf:2", 12, "Xem xét")
    assert row.due_at == local(2026, 3, 10, 13, 30)  # 12 working hours from Mon 08:00
    # Two parallel steps of the same unit: the first carries the row on, the second needs none.
    [again] = services.hand_over_by_process(
        dossier,
        authority=authority(dossier),
        finished=["wf:2"],
        opened=[
            step("wf:3", "Ký", agency_b, allotted_working_hours=2, continues="wf:2", branch=True),
            step("wf:4", "Đóng dấu", agency_b, allotted_working_hours=2, continues="wf:2", branch=True),
        ],
    )
    again.refresh_from_db()
    assert (again.pk, again.step_ref, again.allotted_hours) == (row.pk, "wf:3", 14)
    # A step continuing a unit that had no row (the reception desk) opens none either.
    assert (
        services.hand_over_by_process(
            dossier, authority=authority(dossier), opened=[step("wf:9", "Ký", agency_b, continues="wf:0")]
        )
        == []
    )
    assert dossier.hand_overs.count() == 1


def test_a_sequential_step_closes_any_lead_row_left_open(drive, authority, actors, agency_a, agency_b):
    dossier = drive(Status.ACCEPTED)
    services.hand_over(
        dossier, to_agency=agency_a, to_unit_label="Hộ tịch", step_name="Thẩm định", given_by=actors.one_stop
    )
    [row] = services.hand_over_by_process(
        dossier, authority=authority(dossier), opened=[step("wf:5", "Xác minh", agency_b)]
    )
    assert list(dossier.hand_overs.filter(completed_at__isnull=True)) == [row]
    dossier.refresh_from_db()
    assert dossier.current_agency == agency_b


def test_the_open_row_rules_hold_in_the_database(drive, agency_a, actors):
    dossier = drive(Status.IN_PROCESSING)
    base = {"dossier": dossier, "step_name": "Bước", "to_agency": agency_a, "handed_at": dossier.submitted_at}
    HandOver.objects.create(**base)
    HandOver.objects.create(**base, is_branch=True, step_ref="wf:1")
    HandOver.objects.create(**base, is_branch=True, step_ref="wf:2")
    with pytest.raises(IntegrityError), transaction.atomic():
        HandOver.objects.create(**base)  # a second open lead row
    with pytest.raises(IntegrityError), transaction.atomic():
        HandOver.objects.create(**base, is_branch=True, step_ref="wf:1")  # a second open row of one step


def test_process_rows_are_refused_before_acceptance_and_after_the_end(drive, authority, agency_a):
    for status in (Status.SUBMITTED, Status.RESULT_RETURNED):
        dossier = drive(status)
        with pytest.raises(IllegalTransition, match="Không thể bàn giao"):
            services.hand_over_by_process(
                dossier, authority=authority(dossier), opened=[step("wf:1", "Bước", agency_a)]
            )
    dossier = drive(Status.IN_PROCESSING)
    with pytest.raises(InvalidDossierInput, match="tên bước"):
        services.hand_over_by_process(
            dossier, authority=authority(dossier), opened=[step("wf:1", " ", agency_a)]
        )


def test_withdrawal_closes_every_open_row(drive, authority, citizen, police, insurance):
    dossier = drive(Status.IN_PROCESSING)
    services.hand_over_by_process(
        dossier,
        authority=authority(dossier),
        opened=[step("wf:1", "A", police, branch=True), step("wf:2", "B", insurance, branch=True)],
    )
    services.withdraw(dossier, citizen, "Không còn nhu cầu")
    assert not dossier.hand_overs.filter(completed_at__isnull=True).exists()
    assert dossier.hand_overs.count() == 2


# --- The binding: one routing mechanism at a time ------------------------------------------------------


def test_officers_may_not_route_a_dossier_its_process_routes(drive, authority, actors, agency_a, agency_b):
    dossier = drive(Status.ACCEPTED)
    services.attach_process(dossier, authority=authority(dossier))
    assert dossier.routed_by_process == LABEL
    with pytest.raises(InvalidDossierInput, match="danh sách công việc"):
        services.hand_over(
            dossier, to_agency=agency_b, to_unit_label="Phòng", step_name="Bước", given_by=actors.one_stop
        )
    services.hand_over_by_process(
        dossier, authority=authority(dossier), opened=[step("wf:1", "Xử lý", agency_a)]
    )
    services.release_process(dossier, authority=authority(dossier), reason="Quy trình đã hoàn thành.")
    dossier.refresh_from_db()
    assert (
        dossier.routed_by_process == "" and not dossier.hand_overs.filter(completed_at__isnull=True).exists()
    )
    services.hand_over(
        dossier, to_agency=agency_b, to_unit_label="Phòng", step_name="Bước", given_by=actors.one_stop
    )
    assert AuditEntry.objects.filter(action="dossiers.release_process").get().changes["closed_steps"] == 1


def test_a_finished_dossier_cannot_be_bound(drive, authority):
    dossier = drive(Status.RESULT_RETURNED)
    with pytest.raises(IllegalTransition, match="Không thể bắt đầu quy trình"):
        services.attach_process(dossier, authority=authority(dossier))
    dossier.refresh_from_db()
    assert dossier.routed_by_process == ""
