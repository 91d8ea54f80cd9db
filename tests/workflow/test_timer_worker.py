"""A BPMN timer fired by a real ``congso worker`` process, on the real clock."""

import pytest

from congso.workflow import services
from congso.workflow.models import WorkItemKind, WorkItemState
from tests.support.bpmn import boundary_process
from tests.support.subprocesses import wait_until

pytestmark = [pytest.mark.worker]


def open_task_names(instance):
    return sorted(
        instance.work_items.filter(state=WorkItemState.OPEN, kind=WorkItemKind.TASK).values_list(
            "task_name", flat=True
        )
    )


def test_an_interrupting_boundary_timer_fires_in_the_worker(worker_process, world, make_dossier, deploy):
    deploy(boundary_process(value="PT1S"))
    instance = services.start(make_dossier("thu-nghiem"))
    assert open_task_names(instance) == ["a"]
    assert instance.next_timer_at is not None

    worker_process()  # its scheduler runs the due periodic jobs, "workflow.timers" among them

    wait_until(lambda: open_task_names(instance) == ["remind"], timeout=60, message="the timer to fire")
    step = instance.work_items.get(task_name="a")
    assert step.state == WorkItemState.CANCELLED
