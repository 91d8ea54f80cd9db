"""A process changed mid-flight: dry-run plan, then moving the instances that can move."""

from congso.core.models import AuditEntry
from congso.workflow import services
from congso.workflow.models import ProcessInstance, WorkItemState
from tests.support.bpmn import flow, process, user_task

V1 = process(
    [
        '<bpmn:startEvent id="s"/>',
        user_task("a", "Xử lý"),
        user_task("b", "Duyệt"),
        '<bpmn:endEvent id="e"/>',
        flow("f1", "s", "a"),
        flow("f2", "a", "b"),
        flow("f3", "b", "e"),
    ],
    {"Chuyên viên": ["s", "a"], "Lãnh đạo": ["b", "e"]},
)
# Version 2 drops "Duyệt" and adds a review by the one-stop desk after "Xử lý" (8 hours instead of 4).
V2 = process(
    [
        '<bpmn:startEvent id="s"/>',
        user_task("a", "Xử lý (sửa đổi)", hours=4),
        user_task("c", "Rà soát"),
        '<bpmn:endEvent id="e"/>',
        flow("f1", "s", "a"),
        flow("f2", "a", "c"),
        flow("f3", "c", "e"),
    ],
    {"Chuyên viên": ["s", "a"], "Cán bộ một cửa": ["c", "e"]},
)


def open_item(instance):
    return instance.work_items.get(state=WorkItemState.OPEN)


def test_plan_then_migrate(world, make_dossier, deploy):
    v1 = deploy(V1, key="doi-quy-trinh")
    at_a = services.start(make_dossier("doi-quy-trinh"))
    at_b = services.start(make_dossier("doi-quy-trinh"))
    services.complete(open_item(at_b), world.specialist)
    item_a = open_item(at_a)
    v2 = deploy(V2, key="doi-quy-trinh")
    assert v2.number == 2

    plan = {row.instance.pk: row for row in services.plan_migration("doi-quy-trinh", 2)}
    assert plan[at_a.pk].can_move
    assert not plan[at_b.pk].can_move and "b" in plan[at_b.pk].reason
    # A dry run changes nothing.
    assert set(ProcessInstance.objects.values_list("process_version", flat=True)) == {v1.pk}

    rows = services.migrate("doi-quy-trinh", 2, by=world.leader)
    assert sorted((row.instance.pk, row.can_move) for row in rows) == [(at_a.pk, True), (at_b.pk, False)]
    at_a.refresh_from_db()
    at_b.refresh_from_db()
    assert at_a.process_version == v2 and at_b.process_version == v1
    # The waiting step kept its work item (same SpiffWorkflow task) and now follows the new drawing.
    assert open_item(at_a).pk == item_a.pk
    opened = services.complete(item_a, world.specialist)
    assert [(i.task_name, i.role) for i in opened] == [("c", "one_stop_officer")]
    services.complete(opened[0], world.one_stop)
    # The instance left on version 1 still finishes there.
    services.complete(open_item(at_b), world.leader)
    at_a.refresh_from_db()
    at_b.refresh_from_db()
    assert at_a.state == at_b.state == "completed"
    assert AuditEntry.objects.filter(action="workflow.migrate").count() == 1
    assert services.plan_migration("doi-quy-trinh", 2) == []


def test_migrate_only_chosen_instances(world, make_dossier, deploy):
    deploy(V1, key="doi-quy-trinh")
    first = services.start(make_dossier("doi-quy-trinh"))
    second = services.start(make_dossier("doi-quy-trinh"))
    v2 = deploy(V2, key="doi-quy-trinh")
    services.migrate("doi-quy-trinh", v2, instances=[second])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.process_version.number == 1 and second.process_version == v2
