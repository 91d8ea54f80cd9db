"""Officers' inboxes: who sees which item, most urgent first, page by page."""

from congso.workflow import inbox, services
from congso.workflow.models import WorkItem
from tests.support.bpmn import flow, process, user_task
from tests.support.clock import local

# One step, "Xử lý", for the specialist.
ONE_STEP = process(
    [
        '<bpmn:startEvent id="s"/>',
        user_task("a", "Xử lý"),
        '<bpmn:endEvent id="e"/>',
        flow("f1", "s", "a"),
        flow("f2", "a", "e"),
    ],
    {"Chuyên viên": ["s", "a", "e"]},
)


def _five_at_the_commune_and_one_at_the_department(world, make_dossier, clock):
    for hour in (11, 9, 10, 8, 14):
        clock.set(local(2026, 3, 9, hour))
        services.start(make_dossier("thu-nghiem"))
    clock.set(local(2026, 3, 9, 15))
    services.start(make_dossier("thu-nghiem", agency=world.department))


def test_inbox_shows_items_by_role_and_agency_with_keyset_pages(
    world, make_dossier, deploy, clock, make_user
):
    deploy(ONE_STEP)
    _five_at_the_commune_and_one_at_the_department(world, make_dossier, clock)

    first = inbox.open_items_for(world.specialist, limit=2)
    assert [i.opened_at.hour for i in first.items] == [1, 2]  # 08:00 and 09:00 local, in UTC
    second = inbox.open_items_for(world.specialist, after=first.next_cursor, limit=2)
    third = inbox.open_items_for(world.specialist, after=second.next_cursor, limit=2)
    seen = first.items + second.items + third.items
    assert third.next_cursor is None and len(seen) == 5
    assert [i.due_at for i in seen] == sorted(i.due_at for i in seen)
    assert all(i.agency == world.commune for i in seen)
    assert inbox.count_open_for(world.specialist) == 5
    assert inbox.open_items_for(world.dept_specialist).items[0].agency == world.department
    assert inbox.open_items_for(world.leader).items == []
    assert inbox.open_items_for(make_user("dan", kind="citizen")).items == []


def test_bad_cursor_starts_from_the_top(world, make_dossier, deploy):
    deploy(ONE_STEP)
    services.start(make_dossier("thu-nghiem"))
    for cursor in ("rác|x", "2026-03-09T08:00:00|1", "", None):
        assert len(inbox.open_items_for(world.specialist, after=cursor).items) == 1


def test_dossier_history_and_overdue(world, make_dossier, deploy, clock):
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Xử lý", hours=1),
                user_task("b", "Duyệt"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "b"),
                flow("f3", "b", "e"),
            ],
            {"Chuyên viên": ["s", "a"], "Lãnh đạo": ["b", "e"]},
        )
    )
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    clock.set(local(2026, 3, 9, 10))
    assert list(inbox.overdue_items()) == list(WorkItem.objects.filter(task_name="a"))
    services.complete(instance.work_items.get(), world.specialist)
    assert [i.task_name for i in inbox.items_of_dossier(dossier)] == ["a", "b"]
    assert [i.task_name for i in inbox.open_items_at(world.commune, role="leader")] == ["b"]


def test_the_to_do_part_lists_what_the_inbox_lists_in_one_statement(
    world, make_dossier, deploy, clock, make_user, django_assert_num_queries
):
    deploy(ONE_STEP)
    _five_at_the_commune_and_one_at_the_department(world, make_dossier, clock)
    # An item named to one person is theirs alone, whatever role the step asks for.
    named = WorkItem.objects.filter(agency=world.commune).order_by("-due_at", "-id").first()
    WorkItem.objects.filter(pk=named.pk).update(assigned_user=world.leader)
    to_do = inbox.WorkItemsOnOfficerPages().to_do

    for user in (world.specialist, world.dept_specialist, world.leader, make_user("dan", kind="citizen")):
        expected = inbox.open_items_for(user, limit=3).items
        part = to_do(user, 3)
        assert [(e.label, e.due_at, e.agency.id, e.dossier.code) for e in part.entries] == [
            (i.label, i.due_at, i.agency_id, i.instance.dossier.code) for i in expected
        ]
        assert part.total == inbox.count_open_for(user)
    assert to_do(world.specialist, 3).total == 4
    assert [e.dossier.id for e in to_do(world.leader, 3).entries] == [named.instance.dossier_id]
    with django_assert_num_queries(2):  # the memberships, then the items with their number
        to_do(world.specialist, 3)
