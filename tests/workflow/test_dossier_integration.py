"""The seam between the one-stop dossier and its BPMN process, end to end through both blocks' services:
an accepted dossier starts its process through the outbox, the steps hand it over (every hand-over a
control-sheet row, parallel branches included), timers act on the process's authority, and the end of
the dossier cancels its process."""

import itertools
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from congso.catalog.models import OnlineMode, VersionStatus
from congso.core import events
from congso.core.models import DeliveryStatus, EventDelivery, OutboxEvent
from congso.dossiers import permissions as P
from congso.dossiers import services as dossiers
from congso.dossiers.models import Dossier, HandOver, Status, StatusChange
from congso.workflow import services, timers
from congso.workflow.engine import PROCESS_LABEL_LENGTH, process_label
from congso.workflow.models import InstanceState, ProcessInstance, WorkItemKind, WorkItemState
from tests.factories.catalog import ProcedureVersionFactory
from tests.support.bpmn import flow, process, service_task, user_task
from tests.support.clock import local

APPLICANT = {"name": "Trần Thị Bình", "national_id": "074190000123", "phone": "0912000111"}
_numbers = itertools.count(100)


def run_workflow_subscribers() -> int:
    """Deliver the pending outbox deliveries of the workflow block's subscribers now, as a worker does a
    moment after the commit; fail the test on a delivery that does not succeed. Returns how many ran."""
    done = 0
    while True:
        pending = list(
            EventDelivery.objects.filter(status=DeliveryStatus.PENDING, subscriber__startswith="workflow.")
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)
        )
        if not pending:
            return done
        for pk in pending:
            outcome = events.attempt_delivery(pk)
            assert outcome == "delivered", EventDelivery.objects.get(pk=pk).last_error
            done += 1


def open_items(instance):
    return list(
        instance.work_items.filter(state=WorkItemState.OPEN, kind=WorkItemKind.TASK).order_by("task_name")
    )


def only_open(instance):
    items = open_items(instance)
    assert len(items) == 1, [i.task_name for i in items]
    return items[0]


@pytest.fixture
def defaults(db):
    return {v.definition.key: v for v in services.load_default_processes()}


@pytest.fixture
def version_for(world):
    """A published procedure version naming ``process_key`` (5 working days, offered online)."""

    def make(process_key):
        return ProcedureVersionFactory(
            procedure=world.procedure,
            number=next(_numbers),
            status=VersionStatus.PUBLISHED,
            effective_from=date(2021, 1, 1),
            legal_basis="Nghị định 23/2015/NĐ-CP",
            time_limit_value=5,
            online_mode=OnlineMode.FULLY_ONLINE,
            process_key=process_key,
        )

    return make


@pytest.fixture
def at_counter(world, version_for):
    """Receive a dossier at the counter of ``agency`` (the commune by default) for ``process_key``."""

    def receive(process_key, agency=None, officer=None):
        return dossiers.receive_at_counter(
            version=version_for(process_key),
            receiving_agency=agency or world.commune,
            officer=officer or world.one_stop,
            applicant_details=APPLICANT,
            form_data={},
        )

    return receive


def rows_of(dossier):
    return list(HandOver.objects.filter(dossier=dossier).order_by("handed_at", "id"))


# --- Starting ---------------------------------------------------------------------------------------------


def test_counter_intake_starts_the_process_once_the_event_is_delivered(world, defaults, at_counter, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = at_counter("chung-thuc-trong-ngay")
    assert not ProcessInstance.objects.filter(dossier=dossier).exists()  # asynchronous: not yet
    assert run_workflow_subscribers() == 1
    instance = ProcessInstance.objects.get(dossier=dossier)
    receive = only_open(instance)
    assert (receive.task_name, receive.role, receive.agency) == ("receive", "one_stop_officer", world.commune)
    dossier.refresh_from_db()
    assert dossier.routed_by_process == "Quy trình: Chứng thực bản sao trong ngày (cấp xã) (phiên bản 1)"
    assert dossier.status == Status.ACCEPTED and not rows_of(dossier)  # already at the one-stop desk


def test_online_acceptance_starts_the_process(world, defaults, version_for, make_user, clock):
    clock.set(local(2026, 3, 9, 8))
    citizen = make_user("cong_dan")
    dossier = dossiers.submit_online(
        version=version_for("chung-thuc-trong-ngay"),
        applicant=citizen,
        receiving_agency=world.commune,
        form_data={},
        applicant_details=APPLICANT,
        acting_for=None,
        submitted_by=citizen,
        idempotency_key="k-online-1",
        papers=[],
    )
    run_workflow_subscribers()
    assert not ProcessInstance.objects.filter(dossier=dossier).exists()  # submitted is not accepted
    dossiers.accept(dossier, world.one_stop)
    run_workflow_subscribers()
    assert only_open(ProcessInstance.objects.get(dossier=dossier)).task_name == "receive"


def test_a_start_delivered_twice_makes_one_instance(world, defaults, at_counter):
    dossier = at_counter("chung-thuc-trong-ngay")
    run_workflow_subscribers()
    delivery = EventDelivery.objects.get(subscriber="workflow.start_process")
    EventDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)  # at least once
    run_workflow_subscribers()
    assert services.start_for_dossier(dossier) is None
    with pytest.raises(services.ProcessAlreadyStarted):
        services.start(dossier)
    instance = ProcessInstance.objects.get(dossier=dossier)
    assert instance.work_items.count() == 1


def test_a_procedure_without_a_process_is_routed_by_officers(world, defaults, at_counter):
    dossier = at_counter("")
    run_workflow_subscribers()
    assert not ProcessInstance.objects.exists()
    dossiers.hand_over(
        dossier,
        to_agency=world.commune,
        to_unit_label="Tư pháp",
        step_name="Thẩm định",
        given_by=world.one_stop,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING and dossier.routed_by_process == ""


def test_no_hand_over_by_hand_while_the_process_start_is_pending(world, defaults, at_counter, client):
    """Between the acceptance and the worker's start, a hand-over by hand would start processing beside
    the process (which would then fail its start, or route the dossier a second way)."""
    dossier = at_counter("chung-thuc-trong-ngay")
    client.force_login(world.one_stop)
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đang khởi tạo quy trình xử lý" in page
    assert f"/can-bo/ho-so/{dossier.code}/ban-giao/" not in page
    assert client.get(f"/can-bo/ho-so/{dossier.code}/ban-giao/").status_code == 409
    with pytest.raises(dossiers.InvalidDossierInput) as refused:
        dossiers.hand_over(
            dossier,
            to_agency=world.commune,
            to_unit_label="Tư pháp",
            step_name="Thẩm định",
            given_by=world.one_stop,
        )
    assert refused.value.code == "process_starting"

    run_workflow_subscribers()
    dossier.refresh_from_db()
    assert dossier.routed_by_process and not rows_of(dossier)  # the process alone routes it
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đang khởi tạo quy trình xử lý" not in page
    # The officer reads the process's name and version, not its technical key.
    assert "Quy trình: Chứng thực bản sao trong ngày (cấp xã) (phiên bản 1)" in page
    assert "chung-thuc-trong-ngay" not in page


def test_a_key_without_an_active_version_leaves_the_dossier_to_the_officers(world, at_counter):
    dossier = at_counter("chua-co-quy-trinh")  # nothing will start: no reason to wait
    dossiers.hand_over(
        dossier,
        to_agency=world.commune,
        to_unit_label="Tư pháp",
        step_name="Thẩm định",
        given_by=world.one_stop,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING


def test_a_process_without_an_active_version_starts_nothing_and_says_so(world, at_counter):
    dossier = at_counter("chua-co-quy-trinh")
    run_workflow_subscribers()
    assert not ProcessInstance.objects.exists()
    event = OutboxEvent.objects.get(name="workflow.not_started")
    assert event.payload == {
        "dossier_id": dossier.pk,
        "process_key": "chua-co-quy-trinh",
        "reason": "no_active_version",
    }


# --- Running -------------------------------------------------------------------------------------------


def test_department_process_to_result_ready_with_every_hand_over(world, defaults, at_counter, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = at_counter("giai-quyet-tai-so", agency=world.department, officer=world.dept_one_stop)
    run_workflow_subscribers()
    instance = ProcessInstance.objects.get(dossier=dossier)
    steps = [
        ("receive", world.dept_one_stop, None),
        ("assign", world.dept_leader, None),
        ("process", world.dept_specialist, {"de_xuat": "cấp"}),
        ("review", world.dept_leader, {"approved": True}),
        ("approve", world.dept_leader, None),
        ("sign", world.dept_leader, None),
    ]
    for hours, (task_name, officer, data) in enumerate(steps, start=1):
        clock.set(local(2026, 3, 9, 8 + hours))
        item = only_open(instance)
        assert item.task_name == task_name
        services.complete(item, officer, data)

    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY and dossier.timeliness == "early"
    # The default result note is the applicant's (portal, status page): it names no inner BPMN step.
    assert dossier.result_note == "Đã có kết quả giải quyết."
    ready = StatusChange.objects.get(dossier=dossier, transition="mark_result_ready")
    assert ready.reason == dossier.result_note
    assert (
        ready.by is None
        and ready.extra["process"] == "Quy trình: Giải quyết hồ sơ tại sở, ngành (phiên bản 1)"
    )
    assert ready.extra["step_completed_by"] == world.dept_leader.pk
    assert only_open(instance).task_name == "return"

    rows = rows_of(dossier)
    assert [(r.step_name, r.from_unit_label, r.to_unit_label) for r in rows] == [
        ("Phân công xử lý", "Bộ phận một cửa", "Lãnh đạo"),
        ("Thẩm định, xử lý hồ sơ", "Lãnh đạo", "Chuyên viên"),
        ("Xem xét kết quả xử lý", "Chuyên viên", "Lãnh đạo"),
        ("Trả kết quả", "Lãnh đạo", "Bộ phận một cửa"),
    ]
    assert [r.step_completed_by for r in rows] == [
        world.dept_one_stop,
        world.dept_leader,
        world.dept_specialist,
        world.dept_leader,
    ]
    # The leaders' review, approval and signature are one hand-over: 8 + 8 + 4 allotted hours.
    assert rows[2].allotted_hours == 20 and rows[2].result == "early"
    assert all(r.given_by is None and r.given_by_label for r in rows)
    assert [r.completed_at is None for r in rows] == [False, False, False, True]

    services.complete(only_open(instance), world.dept_one_stop)
    instance.refresh_from_db()
    dossier.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED
    assert dossier.routed_by_process == "" and rows_of(dossier)[-1].completed_at is not None


def test_liên_thông_branches_are_on_the_control_sheet(world, defaults, at_counter, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = at_counter("lien-thong-khai-sinh-thuong-tru-bhyt")
    run_workflow_subscribers()
    instance = ProcessInstance.objects.get(dossier=dossier)
    assert not P.can(world.police_officer, P.VIEW, dossier)
    services.complete(only_open(instance), world.one_stop)
    clock.set(local(2026, 3, 9, 9))
    services.complete(only_open(instance), world.specialist)
    clock.set(local(2026, 3, 9, 10))
    services.complete(only_open(instance), world.leader, {"approved": True})

    dossier.refresh_from_db()
    open_rows = list(dossier.hand_overs.filter(completed_at__isnull=True).order_by("id"))
    assert [(r.step_name, r.to_agency, r.is_branch) for r in open_rows] == [
        ("Cấp thẻ bảo hiểm y tế", world.insurance, True),
        ("Đăng ký thường trú", world.police, True),
    ]
    assert dossier.current_agency == world.commune  # the lead agency keeps the dossier
    assert set(dossier.processing_agencies.all()) == {world.commune, world.police, world.insurance}
    assert P.can(world.police_officer, P.VIEW, dossier)
    assert list(Dossier.objects.visible_to(world.police_officer)) == [dossier]

    police_item = instance.work_items.get(task_name="register_residence")
    clock.set(local(2026, 3, 9, 15))  # due Tue 10:00: a day before is early
    assert services.complete(police_item, world.police_officer) == []
    police_row = dossier.hand_overs.get(step_name="Đăng ký thường trú")
    assert (police_row.result, police_row.step_completed_by) == ("early", world.leader)
    clock.set(local(2026, 3, 11, 9))  # 8 working hours from Mon 10:00 end Tue 10:00: late
    services.complete(instance.work_items.get(task_name="issue_insurance_card"), world.insurance_officer)
    insurance_row = dossier.hand_overs.get(step_name="Cấp thẻ bảo hiểm y tế")
    assert insurance_row.result == "late"
    clock.set(local(2026, 3, 11, 10))
    services.complete(only_open(instance), world.specialist)  # compile → issue_result
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY

    rows = rows_of(dossier)
    assert [(r.step_name, r.from_agency, r.to_agency, r.is_branch) for r in rows] == [
        ("Đăng ký khai sinh, dự thảo giấy khai sinh", world.commune, world.commune, False),
        ("Phê duyệt, ký giấy khai sinh", world.commune, world.commune, False),
        ("Cấp thẻ bảo hiểm y tế", world.commune, world.insurance, True),
        ("Đăng ký thường trú", world.commune, world.police, True),
        ("Tổng hợp kết quả liên thông", world.insurance, world.commune, False),
        ("Trả kết quả", world.commune, world.commune, False),
    ]
    # The specialist's draft goes up to the leader; the leader's signature sends out the branches.
    assert (rows[1].step_completed_by, rows[2].step_completed_by) == (world.specialist, world.leader)
    assert rows[4].step_completed_by == world.insurance_officer
    # The control sheet's source, the timeline, lists every hand-over in order.
    titles = [e.title for e in dossiers.timeline(dossier) if e.kind == "hand_over"]
    assert titles == [r.step_name for r in rows]


TIMER = "<bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition>"


def timer_process(after_timer: list[str], lanes_after: dict) -> str:
    return process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Thẩm định", hours=8),
            f'<bpmn:boundaryEvent id="late" attachedToRef="a">{TIMER}</bpmn:boundaryEvent>',
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
            *after_timer,
        ],
        {"Chuyên viên": ["s", "a", "e"], **lanes_after},
    )


def test_a_timer_escalates_to_the_leader_on_the_process_authority(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(
        timer_process(
            [
                user_task("escalated", "Lãnh đạo xử lý thay", hours=4),
                '<bpmn:endEvent id="e2"/>',
                flow("f3", "late", "escalated"),
                flow("f4", "escalated", "e2"),
            ],
            {"Lãnh đạo": ["escalated", "e2"]},
        )
    )
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    clock.set(local(2026, 3, 9, 10, 1))
    assert timers.fire_due_timers() == 1
    instance.refresh_from_db()
    assert instance.state == InstanceState.RUNNING
    assert only_open(instance).task_name == "escalated"
    first, escalated = rows_of(dossier)
    assert (first.to_unit_label, first.result) == ("Chuyên viên", "early")  # the timer closed it early
    assert (escalated.from_unit_label, escalated.to_unit_label) == ("Chuyên viên", "Lãnh đạo")
    assert (escalated.given_by, escalated.step_completed_by) == (None, None)  # a timer: no officer
    assert escalated.given_by_label == "Quy trình: Quy trình thử nghiệm (phiên bản 1)"
    services.complete(only_open(instance), world.leader)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED


def test_a_timer_path_issues_the_result_on_the_process_authority(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(
        timer_process(
            [
                service_task("result", "issue_result", note="Tự động có kết quả"),
                user_task("give_back", "Trả kết quả", hours=2),
                '<bpmn:endEvent id="e2"/>',
                flow("f3", "late", "result"),
                flow("f4", "result", "give_back"),
                flow("f5", "give_back", "e2"),
            ],
            {"Lãnh đạo": ["result"], "Cán bộ một cửa": ["give_back", "e2"]},
        )
    )
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    clock.set(local(2026, 3, 9, 10, 30))
    timers.fire_due_timers()
    instance.refresh_from_db()
    dossier.refresh_from_db()
    assert instance.state == InstanceState.RUNNING and not instance.last_error
    assert (dossier.status, dossier.result_note) == (Status.RESULT_READY, "Tự động có kết quả")
    change = StatusChange.objects.get(dossier=dossier, transition="mark_result_ready")
    assert change.by is None and change.extra == {
        "files": 0,
        "timeliness": dossier.timeliness,
        "process": "Quy trình: Quy trình thử nghiệm (phiên bản 1)",
        "step_completed_by": None,
    }
    assert only_open(instance).task_name == "give_back"
    assert rows_of(dossier)[-1].to_unit_label == "Cán bộ một cửa"


# --- Ending ------------------------------------------------------------------------------------------


def test_withdrawal_cancels_the_process(world, defaults, at_counter, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = at_counter("chung-thuc-trong-ngay")
    run_workflow_subscribers()
    instance = ProcessInstance.objects.get(dossier=dossier)
    services.complete(only_open(instance), world.one_stop)
    dossiers.withdraw(dossier, world.one_stop, "Người nộp xin rút")
    assert instance.work_items.filter(state=WorkItemState.OPEN).exists()  # until the event is delivered
    run_workflow_subscribers()
    instance.refresh_from_db()
    dossier.refresh_from_db()
    assert instance.state == InstanceState.CANCELLED
    assert not instance.work_items.filter(state=WorkItemState.OPEN).exists()
    assert (
        dossier.routed_by_process == "" and not dossier.hand_overs.filter(completed_at__isnull=True).exists()
    )
    event = OutboxEvent.objects.get(name="workflow.cancelled")
    assert event.payload["reason"] == "Người nộp rút hồ sơ."


def test_stopping_cancels_the_process(world, defaults, at_counter):
    dossier = at_counter("chung-thuc-trong-ngay")
    run_workflow_subscribers()
    dossiers.stop(dossier, world.leader, "Có tranh chấp")
    run_workflow_subscribers()
    assert ProcessInstance.objects.get(dossier=dossier).state == InstanceState.CANCELLED


def test_a_withdrawal_delivered_before_the_acceptance_starts_nothing(world, defaults, at_counter):
    dossier = at_counter("chung-thuc-trong-ngay")
    dossiers.withdraw(dossier, world.one_stop, "Rút ngay tại quầy")
    cancel = EventDelivery.objects.get(subscriber="workflow.cancel_process")
    assert events.attempt_delivery(cancel.pk) == "delivered"
    run_workflow_subscribers()  # now the acceptance: the dossier is no longer open
    assert not ProcessInstance.objects.filter(dossier=dossier).exists()
    dossier.refresh_from_db()
    assert dossier.routed_by_process == ""


def test_completing_a_step_needs_its_role_even_with_the_process_acting(world, defaults, at_counter):
    dossier = at_counter("chung-thuc-trong-ngay")
    run_workflow_subscribers()
    receive = only_open(ProcessInstance.objects.get(dossier=dossier))
    with pytest.raises(PermissionDenied):
        services.complete(receive, world.police_officer)
    assert not rows_of(dossier)


# --- The default processes the demo catalogue runs on ---------------------------------------------------


def test_the_leader_approves_and_signs_before_the_result_and_a_refusal_goes_back(world, defaults, at_counter):
    dossier = at_counter("tham-dinh-ky-duyet")
    run_workflow_subscribers()
    instance = ProcessInstance.objects.get(dossier=dossier)
    assert only_open(instance).task_name == "examine"
    services.complete(only_open(instance), world.specialist)
    approval = only_open(instance)
    assert (approval.task_name, approval.role) == ("approve", "leader")
    with pytest.raises(PermissionDenied):  # the specialist cannot approve their own draft
        services.complete(approval, world.specialist, {"approved": True})
    services.complete(approval, world.leader, {"approved": False})  # not approved: examined again
    assert only_open(instance).task_name == "examine"
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING
    services.complete(only_open(instance), world.specialist)
    services.complete(only_open(instance), world.leader, {"approved": True})
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    ready = StatusChange.objects.get(dossier=dossier, transition="mark_result_ready")
    assert ready.extra["step_completed_by"] == world.leader.pk
    assert only_open(instance).task_name == "return"


def test_the_death_registration_liên_thông_signs_then_branches_to_police_and_insurance(
    world, defaults, at_counter
):
    dossier = at_counter("lien-thong-khai-tu-xoa-thuong-tru-mai-tang")
    run_workflow_subscribers()
    instance = ProcessInstance.objects.get(dossier=dossier)
    services.complete(only_open(instance), world.specialist)
    services.complete(only_open(instance), world.leader, {"approved": True})
    assert [item.task_name for item in open_items(instance)] == ["funeral_allowance", "remove_residence"]
    services.complete(instance.work_items.get(task_name="remove_residence"), world.police_officer)
    services.complete(instance.work_items.get(task_name="funeral_allowance"), world.insurance_officer)
    services.complete(only_open(instance), world.specialist)  # compile → issue_result
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


# --- Step deadlines and the dossier's appointment --------------------------------------------------------


def long_step_process() -> str:
    """One step allotted 80 working hours: longer than the 5 working days of the test procedure."""
    return process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Thẩm định", hours=80),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )


def test_a_steps_deadline_is_capped_at_the_dossiers_appointment(world, deploy, at_counter, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(long_step_process())
    dossier = at_counter("thu-nghiem")
    run_workflow_subscribers()
    dossier.refresh_from_db()
    item = only_open(ProcessInstance.objects.get(dossier=dossier))
    assert item.allotted_hours == 80  # the designer's estimate is kept …
    assert item.due_at == dossier.due_at  # … but the step has no longer than the dossier
    (row,) = rows_of(dossier)
    assert row.due_at == item.due_at  # the control sheet says the same


def test_the_pages_say_a_steps_deadline_was_capped_and_link_the_dossier(
    world, deploy, at_counter, clock, client
):
    """ "80 giờ làm việc" beside a deadline a week earlier read as a mistake: the work-item page and the
    control sheet now say the deadline is no later than the dossier's appointment, and the work item
    links to the dossier's page."""
    from django.urls import reverse

    from tests.support.html import one

    clock.set(local(2026, 3, 9, 8))
    deploy(long_step_process())
    dossier = at_counter("thu-nghiem")
    run_workflow_subscribers()
    dossier.refresh_from_db()
    item = only_open(ProcessInstance.objects.get(dossier=dossier))
    client.force_login(world.specialist)
    page = client.get(reverse("workflow_tasks:detail", args=[item.pk])).content.decode()
    assert "(không quá ngày hẹn trả kết quả của hồ sơ)" in page
    assert one(page, f'a[href="{reverse("dossiers:detail", args=[dossier.code])}"]').text == dossier.code
    detail = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "80 giờ làm việc (không quá ngày hẹn trả kết quả của hồ sơ)" in detail


def test_a_step_opened_after_the_appointment_keeps_its_own_time(world, deploy, at_counter, clock, client):
    from django.urls import reverse

    clock.set(local(2026, 3, 9, 8))
    deploy(long_step_process())
    dossier = at_counter("thu-nghiem")
    clock.set(local(2026, 3, 23, 8))  # the worker was away: the appointment has passed
    run_workflow_subscribers()
    dossier.refresh_from_db()
    item = only_open(ProcessInstance.objects.get(dossier=dossier))
    assert dossier.due_at < local(2026, 3, 23, 8) < item.due_at
    assert rows_of(dossier)[0].due_at == item.due_at
    client.force_login(world.specialist)
    page = client.get(reverse("workflow_tasks:detail", args=[item.pk])).content.decode()
    assert "không quá ngày hẹn trả kết quả" not in page


def test_the_process_label_names_the_process_and_fits_its_columns():
    """The label stored on the dossier and the control sheet (200 characters) shortens a long name."""

    def version(name):
        return SimpleNamespace(number=12, definition=SimpleNamespace(key="tham-dinh-ky-duyet", name=name))

    assert process_label(version("Thẩm định, ký duyệt")) == "Quy trình: Thẩm định, ký duyệt (phiên bản 12)"
    long = process_label(version("Thẩm định " * 40))
    assert len(long) == PROCESS_LABEL_LENGTH and long.endswith("… (phiên bản 12)")
