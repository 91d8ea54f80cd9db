"""The named queries of process monitoring: counts, mean and p90, shares late and overdue, bottlenecks,
weekly trend, scope, period — on data made by the real engine on a settable clock."""

import random
import statistics
from datetime import timedelta

import pytest

from congso.core.timeliness import Timeliness
from congso.workflow import monitoring, services, timers
from congso.workflow.models import ProcessDefinition, WorkItem, WorkItemState
from congso.workflow.permissions import MonitoringScope
from tests.support.bpmn import flow, process, user_task
from tests.support.clock import local

EVERYTHING = MonitoringScope(everything=True)


@pytest.fixture
def defaults(db):
    return {v.definition.key: v for v in services.load_default_processes()}


def open_item(instance, task_name):
    return instance.work_items.get(state=WorkItemState.OPEN, task_name=task_name)


def by_name(steps):
    return {s.task_name: s for s in steps}


@pytest.fixture
def department_run(world, defaults, make_dossier, clock):
    """Three dossiers at the department, Monday 9 March 2026 from 08:00 (receive is due at 13:30):

    d1 received at 10:00 (2 h, on time), d2 at 15:00 (7 h, late), d3 not yet; the clock ends on
    Tuesday 10 March 08:00, when d3's receive and d1's assign (due Monday 15:30) are overdue and d2's
    assign (due Tuesday 09:30) is not."""
    clock.set(local(2026, 3, 9, 8))
    dossiers = [make_dossier("giai-quyet-tai-so", agency=world.department) for _ in range(3)]
    instances = [services.start(d) for d in dossiers]
    clock.set(local(2026, 3, 9, 10))
    services.complete(open_item(instances[0], "receive"), world.dept_one_stop)
    clock.set(local(2026, 3, 9, 15))
    services.complete(open_item(instances[1], "receive"), world.dept_one_stop)
    clock.set(local(2026, 3, 10, 8))
    return instances


def test_step_figures_count_and_time_every_step(world, department_run):
    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    steps = monitoring.step_figures(EVERYTHING, definition)

    # Every user step of the active version is listed, in the order of the file, even without items.
    assert [s.task_name for s in steps] == [
        "receive",
        "assign",
        "process",
        "review",
        "approve",
        "sign",
        "return",
    ]
    receive, assign = by_name(steps)["receive"], by_name(steps)["assign"]
    assert (receive.open_count, receive.overdue_count, receive.done_count, receive.late_count) == (1, 1, 2, 1)
    assert receive.label == "Tiếp nhận, chuyển hồ sơ" and receive.allotted_hours == 4
    assert receive.mean == timedelta(hours=4, minutes=30)
    # percentile_cont over (2 h, 7 h): 2 h + 0.9 × 5 h.
    assert receive.p90 == timedelta(hours=6, minutes=30)
    assert receive.share_late == 0.5 and receive.share_overdue == 1.0

    assert (assign.open_count, assign.overdue_count, assign.done_count) == (2, 1, 0)
    assert assign.mean is None and assign.p90 is None and assign.share_late is None
    assert assign.share_overdue == 0.5
    # Open since Monday 10:00 and 15:00: 22 h and 17 h of waiting so far.
    assert assign.open_age_mean == timedelta(hours=19, minutes=30)
    assert assign.queued_hours == pytest.approx(39.0)
    assert by_name(steps)["process"].open_count == 0


def test_process_figures_add_up_the_steps(world, department_run):
    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    other = ProcessDefinition.objects.get(key="chung-thuc-trong-ngay")
    rows = monitoring.process_figures(EVERYTHING, [definition, other])
    assert [r.definition for r in rows] == [definition, other]
    main, empty = rows
    assert (main.open_count, main.overdue_count, main.done_count, main.late_count) == (3, 2, 2, 1)
    assert main.mean == timedelta(hours=4, minutes=30)
    assert main.share_late == 0.5 and main.share_overdue == pytest.approx(2 / 3)
    assert (empty.open_count, empty.done_count, empty.mean, empty.share_late) == (0, 0, None, None)


def test_bottlenecks_rank_queued_hours_then_share_late(world, department_run):
    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    worst = monitoring.bottlenecks(monitoring.step_figures(EVERYTHING, definition))
    # assign: 2 waiting × 19.5 h = 39 h; receive: 1 waiting × 4.5 h mean = 4.5 h; others: nothing.
    assert [s.task_name for s in worst] == ["assign", "receive"]
    assert worst[1].queued_hours == pytest.approx(4.5)


def test_bottlenecks_with_nothing_waiting_fall_back_to_share_late():
    quick = monitoring.StepFigures(task_name="a", done_count=4, late_count=1)
    slow = monitoring.StepFigures(task_name="b", done_count=2, late_count=2)
    fine = monitoring.StepFigures(task_name="c", done_count=9)
    waiting = monitoring.StepFigures(
        task_name="d", open_count=1, time_spent_total=timedelta(hours=1), done_count=1
    )
    assert [s.task_name for s in monitoring.bottlenecks([quick, slow, fine, waiting])] == ["d", "b", "a"]
    assert monitoring.bottlenecks([quick, slow], limit=1) == [slow]


def test_escalations_and_cancelled_steps_are_not_counted(world, department_run):
    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    before = by_name(monitoring.step_figures(EVERYTHING, definition))
    assert timers.escalate_overdue() == 2  # d3's receive and d1's assign open leaders' escalation items
    assert WorkItem.objects.filter(kind="escalation").count() == 2
    after = by_name(monitoring.step_figures(EVERYTHING, definition))
    assert [(s.open_count, s.done_count) for s in after.values()] == [
        (s.open_count, s.done_count) for s in before.values()
    ]
    services.cancel(department_run[2].dossier, reason="Rút hồ sơ")
    receive = by_name(monitoring.step_figures(EVERYTHING, definition))["receive"]
    assert (receive.open_count, receive.overdue_count, receive.done_count) == (0, 0, 2)


def test_scope_counts_only_steps_at_its_agencies(world, department_run, make_dossier):
    commune_dossier = make_dossier("chung-thuc-trong-ngay")
    services.start(commune_dossier)
    department = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    commune_only = MonitoringScope(everything=False, agency_ids=frozenset({world.commune.pk}))
    rows = monitoring.process_figures(
        commune_only, ProcessDefinition.objects.filter(key__in=["giai-quyet-tai-so", "chung-thuc-trong-ngay"])
    )
    figures = {r.definition.key: r.open_count for r in rows}
    assert figures == {"chung-thuc-trong-ngay": 1, "giai-quyet-tai-so": 0}
    assert all(s.open_count == s.done_count == 0 for s in monitoring.step_figures(commune_only, department))
    assert monitoring.waiting_items(commune_only, department) == []
    assert len(monitoring.waiting_items(EVERYTHING, department)) == 3


def test_period_keeps_open_steps_and_drops_older_completions(world, department_run):
    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    since = local(2026, 3, 9, 12)  # after d1's receive (10:00), before d2's (15:00)
    receive = by_name(monitoring.step_figures(EVERYTHING, definition, since=since))["receive"]
    assert (receive.open_count, receive.done_count, receive.late_count) == (1, 1, 1)
    assert receive.mean == receive.p90 == timedelta(hours=7)
    (row,) = monitoring.process_figures(EVERYTHING, [definition], since=since)
    assert (row.open_count, row.done_count) == (3, 1)


def test_figures_span_every_version_of_the_process(world, make_dossier, deploy, clock):
    clock.set(local(2026, 3, 9, 8))
    first = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Bước A"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    deploy(first)
    old = services.start(make_dossier("thu-nghiem"))
    second = first.replace("Bước A", "Bước A (sửa)")
    deploy(second)
    new = services.start(make_dossier("thu-nghiem"))
    clock.set(local(2026, 3, 9, 9))
    services.complete(open_item(old, "a"), world.specialist)
    definition = ProcessDefinition.objects.get(key="thu-nghiem")
    (step,) = monitoring.step_figures(EVERYTHING, definition)
    assert (step.task_name, step.label, step.open_count, step.done_count) == ("a", "Bước A (sửa)", 1, 1)
    assert step.mean == timedelta(hours=1)
    (row,) = monitoring.process_figures(EVERYTHING, [definition])
    assert (row.open_count, row.done_count) == (1, 1)
    assert new.process_version.number == 2
    # A step that only an older version has is listed after the active version's, with its old label.
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("b", "Bước B"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "b"),
                flow("f2", "b", "e"),
            ],
            {"Chuyên viên": ["s", "b", "e"]},
        )
    )
    steps = monitoring.step_figures(EVERYTHING, definition)
    assert [(s.task_name, s.label, s.open_count, s.done_count) for s in steps] == [
        ("b", "Bước B", 0, 0),
        ("a", "Bước A (sửa)", 1, 1),
    ]


def test_weekly_trend_buckets_by_local_iso_week(world, make_dossier, deploy, clock):
    clock.set(local(2026, 2, 23, 8))
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Bước A", hours=1),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "e"),
            ],
            {"Chuyên viên": ["s", "a", "e"]},
        )
    )
    # Completions: Sunday 8 March 23:30 local (16:30 UTC, still ISO week 10), Monday 9 March 00:30 local
    # (week 11), and Wednesday 11 March; the first two started on Friday 6 March, so they are late.
    moments = [local(2026, 3, 6, 8), local(2026, 3, 6, 8), local(2026, 3, 11, 8)]
    ends = [local(2026, 3, 8, 23, 30), local(2026, 3, 9, 0, 30), local(2026, 3, 11, 8, 30)]
    for start, end in zip(moments, ends, strict=True):
        clock.set(start)
        instance = services.start(make_dossier("thu-nghiem"))
        clock.set(end)
        services.complete(open_item(instance, "a"), world.specialist)
    clock.set(local(2026, 3, 12, 9))
    definition = ProcessDefinition.objects.get(key="thu-nghiem")
    trend = monitoring.weekly_trend(EVERYTHING, definition, weeks=3)
    assert [w.iso for w in trend] == [(2026, 9), (2026, 10), (2026, 11)]
    assert [w.start for w in trend] == [local(2026, 2, 23), local(2026, 3, 2), local(2026, 3, 9)]
    assert [(w.done_count, w.late_count) for w in trend] == [(0, 0), (1, 1), (2, 1)]
    assert trend[2].share_late == 0.5 and trend[0].share_late is None
    assert trend[1].mean == ends[0] - moments[0]
    # Without a definition: every process in the scope; nothing outside the scope.
    assert sum(w.done_count for w in monitoring.weekly_trend(EVERYTHING, weeks=3)) == 3
    nobody = MonitoringScope(everything=False, agency_ids=frozenset())
    assert sum(w.done_count for w in monitoring.weekly_trend(nobody, weeks=3)) == 0
    # The number of weeks is kept within 1..MAX_WEEKS.
    assert len(monitoring.weekly_trend(EVERYTHING, weeks=0)) == 1
    assert len(monitoring.weekly_trend(EVERYTHING, weeks=10_000)) == monitoring.MAX_WEEKS


@pytest.fixture
def timed_items(world, make_dossier, deploy, clock):
    """Done items of two steps with known times spent (made directly: the percentile is the subject)."""
    clock.set(local(2026, 3, 9, 8))
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Bước A"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "e"),
            ],
            {"Chuyên viên": ["s", "a", "e"]},
        )
    )
    instance = services.start(make_dossier("thu-nghiem"))
    rng = random.Random(7)
    minutes = {"x": [rng.randint(1, 5000) for _ in range(37)], "y": [30, 90], "z": [45]}
    start = local(2026, 3, 1, 8)
    rows = [
        WorkItem(
            instance=instance,
            task_name=name,
            label=name,
            role="specialist",
            agency=world.commune,
            state=WorkItemState.DONE,
            opened_at=start,
            due_at=start,
            completed_at=start + timedelta(minutes=m),
            result=Timeliness.ON_TIME,
        )
        for name, values in minutes.items()
        for m in values
    ]
    WorkItem.objects.bulk_create(rows)
    return WorkItem.objects.filter(task_name__in=list(minutes)), minutes


def percentile_cont(values, fraction):
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.9, 1.0])
def test_duration_percentile_is_percentile_cont(timed_items, fraction):
    items, minutes = timed_items
    found = monitoring.duration_percentile(items, "task_name", fraction)
    portable = monitoring.percentile_by_offset(items.filter(state=WorkItemState.DONE), "task_name", fraction)
    for name, values in minutes.items():
        expected = timedelta(minutes=percentile_cont(values, fraction))
        assert abs(found[name] - expected) < timedelta(milliseconds=1), name
        assert abs(portable[name] - expected) < timedelta(milliseconds=1), name
    # The reference agrees with the standard library's inclusive quantiles.
    assert percentile_cont(minutes["x"], 0.9) == pytest.approx(
        statistics.quantiles(minutes["x"], n=10, method="inclusive")[8]
    )


def test_duration_percentile_ignores_open_items_and_refuses_bad_fractions(timed_items, world):
    items, _minutes = timed_items
    WorkItem.objects.filter(task_name="z").update(state=WorkItemState.OPEN)
    assert "z" not in monitoring.duration_percentile(items, "task_name", 0.9)
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError):
            monitoring.duration_percentile(items, "task_name", bad)


def test_step_figures_take_a_fixed_number_of_queries(world, department_run, django_assert_max_num_queries):
    from django.db import connection

    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    # The versions' step configuration, the version ids, the open and the completed steps with their
    # p90 (SQLite: then the counts and one query per step with completed items, here one).
    with django_assert_max_num_queries(4 if connection.vendor == "postgresql" else 6):
        monitoring.step_figures(EVERYTHING, definition)
    with django_assert_max_num_queries(3):
        monitoring.process_figures(EVERYTHING, [definition])
    # Whether the snapshot is fresh (none here), the version ids, the grouped weeks.
    with django_assert_max_num_queries(3):
        monitoring.weekly_trend(EVERYTHING, definition)


def test_dossier_flow_lists_steps_with_time_spent(world, defaults, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("giai-quyet-tai-so", agency=world.department)
    instance = services.start(dossier)
    for task, user, data, hours in [
        ("receive", world.dept_one_stop, None, 1),
        ("assign", world.dept_leader, None, 1),
        ("process", world.dept_specialist, None, 2),
        ("review", world.dept_leader, {"approved": False}, 1),  # back to the specialist
        ("process", world.dept_specialist, None, 3),
    ]:
        clock.advance(hours=hours)
        services.complete(open_item(instance, task), user, data)
    clock.advance(hours=1)
    found = monitoring.instance_of_dossier(dossier.pk)
    assert found == instance and monitoring.instance_of_dossier(-1) is None
    flow_ = monitoring.dossier_flow(found)
    assert [s.item.task_name for s in flow_.steps] == [
        "receive",
        "assign",
        "process",
        "review",
        "process",
        "review",
    ]
    assert flow_.done_tasks == {"receive", "assign", "process", "review"}
    assert flow_.current_tasks == {"review"}
    spent = flow_.time_spent_by_task()
    assert spent["process"] == timedelta(hours=5)  # both passes
    assert spent["review"] == timedelta(hours=2)  # 1 h done + 1 h waiting now
    assert flow_.steps[-1].waiting == timedelta(hours=1) and flow_.steps[-1].time_spent is None
    assert flow_.steps[0].time_spent == timedelta(hours=1) and flow_.steps[0].allotted_hours == 4


def test_cached_keeps_a_snapshot_per_scope_and_parts(settings):
    from django.core.cache import cache

    cache.clear()
    settings.CONGSO_MONITORING_CACHE_SECONDS = 60
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    commune = MonitoringScope(everything=False, agency_ids=frozenset({3, 1}))
    first = monitoring.cached("x", EVERYTHING, ("90",), compute)
    assert monitoring.cached("x", EVERYTHING, ("90",), compute) == first and first.value == 1
    assert monitoring.cached("x", EVERYTHING, ("30",), compute).value == 2
    assert monitoring.cached("x", commune, ("90",), compute).value == 3
    assert monitoring.cached("x", MonitoringScope(False, frozenset({1, 3})), ("90",), compute).value == 3
    settings.CONGSO_MONITORING_CACHE_SECONDS = 0
    assert monitoring.cached("x", EVERYTHING, ("90",), compute).value == 4
    cache.clear()
