"""The precomputed completed-step figures of monitoring (``workflow.snapshots``): the job gives the same
figures as the live computation for every period and kind of scope, a stale snapshot falls back to the
live computation, and the pages read a fresh one."""

import random
from datetime import timedelta

import pytest
from django.urls import reverse

from congso.core import scheduling
from congso.core.timeliness import Timeliness
from congso.workflow import monitoring, services, snapshots
from congso.workflow.models import (
    OpenStepSnapshot,
    ProcessDefinition,
    StepStatsSnapshot,
    WeeklyStepSnapshot,
    WorkItem,
    WorkItemState,
)
from congso.workflow.permissions import MonitoringScope
from tests.support.bpmn import flow, process, user_task
from tests.support.clock import local

EVERYTHING = MonitoringScope(everything=True)
FIELDS = (
    "open_count",
    "overdue_count",
    "done_count",
    "late_count",
    "time_spent_total",
    "open_age_total",
    "p90",
)


@pytest.fixture
def history(world, make_dossier, deploy, clock):
    """A two-step process with ~400 steps done over the last ~14 months at three agencies (random times
    spent, a quarter late) and a few open ones; the clock ends on 10 March 2026 08:00."""
    clock.set(local(2024, 12, 1, 8))
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Bước A"),
                user_task("b", "Bước B"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "b"),
                flow("f3", "b", "e"),
            ],
            {"Chuyên viên": ["s", "a", "b", "e"]},
        )
    )
    instance = services.start(make_dossier("thu-nghiem"))
    now = clock.set(local(2026, 3, 10, 8))
    rng = random.Random(11)
    agencies = [world.commune, world.police, world.department]
    rows = []
    for _ in range(400):
        completed = now - timedelta(minutes=rng.randint(10, 420 * 24 * 60))
        opened = completed - timedelta(minutes=rng.randint(1, 6000))
        rows.append(
            WorkItem(
                instance=instance,
                task_name=rng.choice(["a", "b"]),
                label="x",
                role="specialist",
                agency=rng.choice(agencies),
                state=WorkItemState.DONE,
                opened_at=opened,
                due_at=opened + timedelta(hours=8),
                completed_at=completed,
                result=Timeliness.LATE if rng.random() < 0.25 else Timeliness.ON_TIME,
            )
        )
    for i in range(6):
        opened = now - timedelta(hours=3 + 7 * i)
        rows.append(
            WorkItem(
                instance=instance,
                task_name="b",
                label="x",
                role="specialist",
                agency=agencies[i % 3],
                state=WorkItemState.OPEN,
                opened_at=opened,
                due_at=opened + timedelta(hours=12),
            )
        )
    WorkItem.objects.bulk_create(rows)
    return ProcessDefinition.objects.get(key="thu-nghiem"), now


def figures(steps) -> dict:
    return {s.task_name: tuple(getattr(s, f) for f in FIELDS) for s in steps}


def scopes(world) -> dict:
    return {
        "province": EVERYTHING,
        "one agency": MonitoringScope(everything=False, agency_ids=frozenset({world.police.pk})),
        "two agencies": MonitoringScope(
            everything=False, agency_ids=frozenset({world.commune.pk, world.department.pk})
        ),
    }


def test_the_snapshot_gives_the_live_figures_for_every_period_and_scope(world, history):
    definition, now = history
    written = snapshots.refresh()
    assert written == (
        StepStatsSnapshot.objects.count()
        + WeeklyStepSnapshot.objects.count()
        + OpenStepSnapshot.objects.count()
    )
    assert OpenStepSnapshot.objects.count() > 0
    assert StepStatsSnapshot.objects.count() > 0
    assert set(StepStatsSnapshot.objects.values_list("computed_at", flat=True)) == {now}
    for period, days in snapshots.PERIODS.items():
        since = now - timedelta(days=days) if days is not None else None
        for name, scope in scopes(world).items():
            live = monitoring.step_figures(scope, definition, since=since)
            stored = monitoring.step_figures(scope, definition, since=since, period=period)
            assert figures(stored) == figures(live), (period, name)
            assert any(s.done_count for s in live), (period, name)
            (live_row,) = monitoring.process_figures(scope, [definition], since=since)
            (stored_row,) = monitoring.process_figures(scope, [definition], since=since, period=period)
            assert [getattr(stored_row, f) for f in FIELDS[:-1]] == [
                getattr(live_row, f) for f in FIELDS[:-1]
            ]


def test_a_fresh_snapshot_is_read_and_a_stale_one_falls_back_to_live(world, history, clock, monkeypatch):
    definition, now = history
    since = now - timedelta(days=30)
    snapshots.refresh()
    before = {
        s.task_name: s.done_count
        for s in monitoring.step_figures(EVERYTHING, definition, since=since, period="30")
    }
    item = WorkItem.objects.filter(state=WorkItemState.OPEN).first()
    WorkItem.objects.filter(pk=item.pk).update(
        state=WorkItemState.DONE, completed_at=now, result=Timeliness.EARLY
    )
    calls = []
    real = monitoring._grouped_figures
    monkeypatch.setattr(monitoring, "_grouped_figures", lambda *a, **k: calls.append(a) or real(*a, **k))
    # Fresh: the completion made after the snapshot is not counted yet, and nothing is aggregated live.
    fresh = {
        s.task_name: s.done_count
        for s in monitoring.step_figures(EVERYTHING, definition, since=since, period="30")
    }
    assert fresh == before and calls == []
    # Two intervals later, without a new run of the job, the figures are computed live again.
    clock.set(now + snapshots.FRESH_FOR + timedelta(seconds=1))
    stale = {
        s.task_name: s.done_count
        for s in monitoring.step_figures(EVERYTHING, definition, since=since, period="30")
    }
    assert stale[item.task_name] == before[item.task_name] + 1 and len(calls) == 1
    # An unknown period, or none, is always live.
    snapshots.refresh()
    monitoring.step_figures(EVERYTHING, definition, period="7")
    monitoring.step_figures(EVERYTHING, definition)
    assert len(calls) == 3


def test_the_job_is_registered_and_replaces_the_snapshot(world, history, clock):
    assert "workflow.monitoring_snapshot" in [job.name for job in scheduling.jobs()]
    definition, now = history
    snapshots.refresh()
    first = StepStatsSnapshot.objects.count()
    clock.set(now + timedelta(minutes=5))
    assert "workflow.monitoring_snapshot" in scheduling.run_due_jobs()
    assert StepStatsSnapshot.objects.count() == first
    assert set(StepStatsSnapshot.objects.values_list("computed_at", flat=True)) == {
        now + timedelta(minutes=5)
    }
    assert snapshots.fresh_computed_at() == now + timedelta(minutes=5)


@pytest.mark.urls("tests.workflow.urls_monitoring")
def test_the_pages_read_a_fresh_snapshot(client, world, history, settings, clock, monkeypatch):
    settings.CONGSO_MONITORING_CACHE_SECONDS = 0
    definition, now = history
    client.force_login(world.dept_leader)
    detail = reverse("workflow:process_detail", args=[definition.key])
    listing = reverse("workflow:monitoring")
    live_steps = client.get(detail, {"ky": "365"}).context["steps"]
    live_rows = client.get(listing, {"ky": "365"}).context["rows"]
    snapshots.refresh()

    def refuse(*args, **kwargs):
        raise AssertionError("computed live although the snapshot is fresh")

    monkeypatch.setattr(monitoring, "_grouped_figures", refuse)
    assert client.get(detail, {"ky": "365"}).context["steps"] == live_steps
    assert client.get(listing, {"ky": "365"}).context["rows"] == live_rows
    clock.set(now + snapshots.FRESH_FOR)
    with pytest.raises(AssertionError, match="computed live"):
        client.get(detail, {"ky": "365"})


def _trend(scope, definition, weeks):
    return [
        (w.start, w.done_count, w.late_count, w.time_spent_total)
        for w in monitoring.weekly_trend(scope, definition, weeks=weeks)
    ]


def test_the_weekly_trend_is_read_from_a_fresh_snapshot_with_the_live_figures(world, history, clock):
    definition, now = history
    live = {
        (name, d, weeks): _trend(scope, d, weeks)
        for name, scope in scopes(world).items()
        for d in (definition, None)
        for weeks in (3, monitoring.DEFAULT_WEEKS, monitoring.MAX_WEEKS)
    }
    assert any(done for row in live.values() for _start, done, _late, _spent in row)
    snapshots.refresh()
    assert set(WeeklyStepSnapshot.objects.values_list("computed_at", flat=True)) == {now}
    # Fresh: the work items are not read any more (removing the completed ones changes nothing)...
    WorkItem.objects.filter(state=WorkItemState.DONE).delete()
    for (name, d, weeks), expected in live.items():
        assert _trend(scopes(world)[name], d, weeks) == expected, (name, d, weeks)
    # ...and once the snapshot is stale the trend is computed live again.
    clock.set(now + snapshots.FRESH_FOR + timedelta(seconds=1))
    assert not any(done for _start, done, _late, _spent in _trend(EVERYTHING, definition, 3))


def _open(scope, definition, period="30"):
    (row,) = monitoring.process_figures(scope, [definition], period=period)
    steps = {s.task_name: s for s in monitoring.step_figures(scope, definition, period=period)}
    return (row.open_count, row.overdue_count, row.open_age_total), (
        steps["b"].open_count,
        steps["b"].overdue_count,
        steps["b"].open_age_total,
    )


def test_the_steps_in_progress_are_read_from_a_fresh_snapshot_and_age_with_the_clock(world, history, clock):
    definition, now = history
    live = {name: _open(scope, definition, period=None) for name, scope in scopes(world).items()}
    # the fixture's six open steps b (two per agency) and the started instance's first step
    assert live["province"][0][0] == 7 and live["one agency"][0][0] == 2
    snapshots.refresh()
    assert set(OpenStepSnapshot.objects.values_list("computed_at", flat=True)) == {now}
    # Fresh: the open work items are not read (closing them all changes nothing until the next run)...
    WorkItem.objects.filter(state=WorkItemState.OPEN).update(state=WorkItemState.CANCELLED)
    for name, scope in scopes(world).items():
        assert _open(scope, definition) == live[name], name
    # ...a minute later each open step has waited a minute more, the counts are those of the snapshot...
    clock.set(now + timedelta(minutes=1))
    (count, overdue, age), _steps = _open(EVERYTHING, definition)
    assert (count, overdue) == live["province"][0][:2]
    assert age == live["province"][0][2] + 7 * timedelta(minutes=1)
    # ...and once it is stale, the live count (nothing open any more) is back.
    clock.set(now + snapshots.FRESH_FOR + timedelta(seconds=1))
    assert _open(EVERYTHING, definition)[0][0] == 0
