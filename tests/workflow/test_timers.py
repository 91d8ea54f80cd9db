"""BPMN timers fired by the periodic job on a mocked clock; step deadlines and escalation."""

import pytest
from django.core.exceptions import PermissionDenied

from congso.core import scheduling
from congso.core.models import OutboxEvent
from congso.core.scheduling import run_due_jobs
from congso.workflow import services, timers
from congso.workflow.errors import WorkflowError
from congso.workflow.models import InstanceState, ProcessInstance, WorkItem, WorkItemKind, WorkItemState
from tests.support.bpmn import boundary_process, flow, process, service_task, timer, user_task
from tests.support.clock import local


@pytest.fixture(autouse=True)
def only_the_workflow_job(monkeypatch):
    """``run_due_jobs`` runs this block's job alone: other blocks' jobs are tested by their owners."""
    monkeypatch.setattr(scheduling, "_jobs", {"workflow.timers": scheduling._jobs["workflow.timers"]})


def open_names(instance):
    return sorted(
        instance.work_items.filter(state=WorkItemState.OPEN, kind=WorkItemKind.TASK).values_list(
            "task_name", flat=True
        )
    )


def test_interrupting_boundary_timer_fires_through_the_periodic_job(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(boundary_process())
    instance = services.start(make_dossier("thu-nghiem"))
    instance.refresh_from_db()
    assert instance.next_timer_at == local(2026, 3, 9, 10)
    assert open_names(instance) == ["a"]

    clock.set(local(2026, 3, 9, 9, 59))
    assert "workflow.timers" in run_due_jobs()
    assert open_names(instance) == ["a"]  # not yet

    clock.set(local(2026, 3, 9, 10, 1))
    assert "workflow.timers" in run_due_jobs()
    instance.refresh_from_db()
    assert open_names(instance) == ["remind"]
    first = instance.work_items.get(task_name="a")
    assert first.state == WorkItemState.CANCELLED
    assert instance.next_timer_at is None
    remind = instance.work_items.get(task_name="remind")
    assert remind.role == "leader" and remind.opened_at == local(2026, 3, 9, 10, 1)
    services.complete(remind, world.leader)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED


def test_non_interrupting_timer_keeps_the_step_open(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(boundary_process(interrupting=False, kind="timeDate", value="2026-03-09T14:00:00"))
    instance = services.start(make_dossier("thu-nghiem"))
    instance.refresh_from_db()
    assert instance.next_timer_at == local(2026, 3, 9, 14)  # a date without offset is local time
    clock.set(
        local(
            2026,
            3,
            9,
            14,
            0,
        )
    )
    timers.fire_due_timers()
    assert open_names(instance) == ["a", "remind"]
    services.complete(instance.work_items.get(task_name="a"), world.specialist)
    assert open_names(instance) == ["remind"]


def test_timer_cancelled_when_the_step_is_done_in_time(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(boundary_process())
    instance = services.start(make_dossier("thu-nghiem"))
    services.complete(instance.work_items.get(), world.specialist)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED and instance.next_timer_at is None
    clock.set(local(2026, 3, 9, 11))
    assert timers.fire_due_timers() == 0


def test_intermediate_timer_waits_then_continues(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Gửi xác minh"),
                f'<bpmn:intermediateCatchEvent id="wait">{timer("timeDuration", "P1D")}'
                "</bpmn:intermediateCatchEvent>",
                user_task("b", "Xem kết quả xác minh"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "wait"),
                flow("f3", "wait", "b"),
                flow("f4", "b", "e"),
            ],
            {"Chuyên viên": ["s", "a", "wait", "b", "e"]},
        )
    )
    instance = services.start(make_dossier("thu-nghiem"))
    clock.set(local(2026, 3, 9, 9))
    assert services.complete(instance.work_items.get(), world.specialist) == []
    instance.refresh_from_db()
    assert instance.next_timer_at == local(2026, 3, 10, 9) and open_names(instance) == []
    clock.set(local(2026, 3, 10, 9, 0))
    assert timers.fire_due_timers() == 1
    assert open_names(instance) == ["b"]


def test_quoted_timer_expression_reads_the_data(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(boundary_process(value='"PT" + form.gio + "H"'))
    instance = services.start(make_dossier("thu-nghiem", form={"gio": "3"}))
    instance.refresh_from_db()
    assert instance.next_timer_at == local(2026, 3, 9, 11)


def test_a_timer_path_that_fails_puts_the_instance_in_error(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Xử lý"),
                service_task("result", "request_supplement"),
                f'<bpmn:boundaryEvent id="late" attachedToRef="a">{timer("timeDuration", "PT1H")}'
                "</bpmn:boundaryEvent>",
                '<bpmn:endEvent id="e"/>',
                '<bpmn:endEvent id="e2"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "e"),
                flow("f3", "late", "result"),
                flow("f4", "result", "e2"),
            ],
            {"Chuyên viên": ["s", "a", "result", "e", "e2"]},
        )
    )
    instance = services.start(make_dossier("thu-nghiem"))
    clock.set(local(2026, 3, 9, 9, 30))
    timers.fire_due_timers()  # the supplement request names no papers: it can never succeed
    instance.refresh_from_db()
    assert instance.state == InstanceState.ERROR and instance.last_error and instance.next_timer_at is None
    assert instance.work_items.get().state == WorkItemState.OPEN  # the failed run changed nothing else
    assert OutboxEvent.objects.filter(name="workflow.instance_failed").count() == 1


YEARS_FROM_FORM = '"P" + form.nam + "Y"'


def test_a_quoted_timer_beyond_the_limit_is_refused_when_reached_not_computed(
    world, make_dossier, deploy, clock
):
    """The value of a quoted expression is known only at run time: it is bounded there too, so a
    dossier cannot make the engine count a hundred years month by month."""
    clock.set(local(2026, 3, 9, 8))
    deploy(boundary_process(value=YEARS_FROM_FORM))
    with pytest.raises(WorkflowError) as raised:
        services.start(make_dossier("thu-nghiem", form={"nam": "100"}))
    assert "vượt quá giới hạn" in raised.value.messages[0]
    assert not ProcessInstance.objects.exists()


def test_a_timer_beyond_the_limit_met_by_the_job_puts_the_instance_in_error(
    world, make_dossier, deploy, clock
):
    clock.set(local(2026, 3, 9, 8))
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Xử lý"),
                f'<bpmn:boundaryEvent id="late" attachedToRef="a">{timer("timeDuration", "PT1H")}'
                "</bpmn:boundaryEvent>",
                f'<bpmn:intermediateCatchEvent id="wait">{timer("timeDuration", YEARS_FROM_FORM)}'
                "</bpmn:intermediateCatchEvent>",
                '<bpmn:endEvent id="e"/>',
                '<bpmn:endEvent id="e2"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "e"),
                flow("f3", "late", "wait"),
                flow("f4", "wait", "e2"),
            ],
            {"Chuyên viên": ["s", "a", "wait", "e", "e2"]},
        )
    )
    instance = services.start(make_dossier("thu-nghiem", form={"nam": "100"}))
    clock.set(local(2026, 3, 9, 9, 30))
    assert timers.fire_due_timers() == 0
    instance.refresh_from_db()
    assert instance.state == InstanceState.ERROR and instance.next_timer_at is None
    assert "vượt quá giới hạn" in instance.last_error
    assert instance.work_items.get().state == WorkItemState.OPEN  # the failed run changed nothing else


def test_overdue_step_is_escalated_once_to_the_leaders(world, defaults_cert, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    instance = services.start(make_dossier("chung-thuc-trong-ngay"))
    receive = instance.work_items.get()
    assert receive.due_at == local(2026, 3, 9, 9)
    clock.set(local(2026, 3, 9, 8, 59))
    assert timers.escalate_overdue() == 0
    clock.set(local(2026, 3, 9, 9, 0))
    run_due_jobs()
    receive.refresh_from_db()
    assert receive.escalated_at == local(2026, 3, 9, 9)
    escalation = WorkItem.objects.get(kind=WorkItemKind.ESCALATION)
    assert (escalation.role, escalation.agency, escalation.escalation_of) == (
        "leader",
        world.commune,
        receive,
    )
    assert escalation.due_at == local(2026, 3, 9, 14, 30)  # 4 working hours, lunch excluded
    event = OutboxEvent.objects.get(name="workflow.step_overdue")
    assert (
        event.payload["work_item_id"] == receive.pk and event.payload["escalation_item_id"] == escalation.pk
    )
    clock.set(local(2026, 3, 9, 12))
    assert timers.escalate_overdue() == 0  # once only

    with pytest.raises(PermissionDenied):
        services.acknowledge_escalation(escalation, world.one_stop)
    services.complete(receive, world.one_stop)
    escalation.refresh_from_db()
    receive.refresh_from_db()
    assert escalation.state == WorkItemState.DONE and receive.result == "late"


def test_leader_acknowledges_an_escalation(world, defaults_cert, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    services.start(make_dossier("chung-thuc-trong-ngay"))
    clock.set(local(2026, 3, 9, 10))
    timers.escalate_overdue()
    escalation = WorkItem.objects.get(kind=WorkItemKind.ESCALATION)
    services.acknowledge_escalation(escalation, world.leader, "Đã nhắc cán bộ một cửa.")
    escalation.refresh_from_db()
    assert escalation.state == WorkItemState.DONE and escalation.completed_by == world.leader
    assert ProcessInstance.objects.get().state == InstanceState.RUNNING


@pytest.fixture
def defaults_cert(db):
    return services.load_default_processes()
