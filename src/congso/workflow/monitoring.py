"""Named queries of process monitoring (electronic ISO): how each process, and each step of it, performs.

Every figure is computed by the database with aggregates (``GROUP BY``) over work items of kind ``task``
(escalation items are reminders, not steps); Python only combines the handful of grouped rows.

What the figures mean
    *in progress* — open items now. *Completed* — items done (an item cancelled because a timer or a
    stopped dossier made it moot counts nowhere). *Time spent* — ``completed_at − opened_at`` of a
    completed item, in calendar time: how long the dossier waited at that step. (Deadlines are counted
    in working hours; whether a step kept its deadline is its ``result``, not its time spent.)
    *Mean* and *p90* — of the time spent; p90 is the continuous 90th percentile (``percentile_cont``,
    linear interpolation between the two nearest ranks). *Share late* — items with result ``late`` among
    the completed. *Share overdue* — open items already past ``due_at`` among the open.

Period and scope
    Figures about completed items cover items completed at or after ``since`` (``None``: all time);
    figures about open items are about now (or the snapshot's moment, below). Every query takes a
    ``permissions.MonitoringScope`` and counts only the steps at agencies in it.

Snapshot (``snapshots``)
    ``process_figures`` and ``step_figures`` given a ``period`` read the completed steps' figures and the
    steps in progress from the ``StepStatsSnapshot`` and ``OpenStepSnapshot`` rows that the periodic job
    ``workflow.monitoring_snapshot`` refreshes every minute, when they are fresh (younger than two
    intervals), and compute them live otherwise. See ``snapshots`` for how a scope's p90 is found.

Bottlenecks (``bottlenecks``)
    A step is ranked by its **queued hours** = *in progress* × *mean time spent* (hours): by Little's
    law the mean number of items waiting times the mean wait is the work piled up at the step, so this
    is where extra staff or a simpler step gains most. A step with no completed item yet uses the mean
    age of its open items instead. Ties, and steps with nothing in progress, are ranked by *share late*
    (then by the number of late items). Steps with neither anything queued nor anything late are not
    bottlenecks.

Where the rest lives: the rows in ``monitoring_rows``, the percentiles in ``percentiles``, the cache the
pages read through (``cached``) in ``monitoring_cache``; their public names are re-exported here.
"""

from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncWeek
from django.utils import timezone

from congso.core.timeliness import Timeliness

from .models import ProcessInstance, ProcessVersion, WorkItem, WorkItemKind, WorkItemState
from .monitoring_cache import DEFAULT_CACHE_SECONDS, Snapshot, cache_seconds, cached
from .monitoring_rows import DossierFlow, Figures, FlowStep, ProcessFigures, StepFigures, Week
from .percentiles import (
    DONE,
    P90,
    TIME_SPENT,
    PercentileCont,
    duration_percentile,
    percentile_aggregate,
    percentile_by_offset,
)

__all__ = [
    "BOTTLENECK_LIMIT",
    "DEFAULT_CACHE_SECONDS",
    "DEFAULT_WEEKS",
    "DONE",
    "LATE",
    "MAX_WEEKS",
    "OPEN",
    "P90",
    "TIME_SPENT",
    "WAITING_LIMIT",
    "DossierFlow",
    "Figures",
    "FlowStep",
    "PercentileCont",
    "ProcessFigures",
    "Snapshot",
    "StepFigures",
    "Week",
    "bottlenecks",
    "cache_seconds",
    "cached",
    "dossier_flow",
    "duration_percentile",
    "instance_of_dossier",
    "percentile_aggregate",
    "percentile_by_offset",
    "process_figures",
    "step_figures",
    "task_items",
    "waiting_items",
    "week_start",
    "weekly_trend",
]

DEFAULT_WEEKS = 12
MAX_WEEKS = 104
BOTTLENECK_LIMIT = 5
WAITING_LIMIT = 20

OPEN = Q(state=WorkItemState.OPEN)
LATE = Q(result=Timeliness.LATE)


# --- Building blocks -----------------------------------------------------------------------------------


def task_items(scope) -> QuerySet:
    """Work items that are steps (not escalations) at agencies in ``scope``."""
    return WorkItem.objects.filter(scope.step_q(), kind=WorkItemKind.TASK)


def _done_since(since) -> Q:
    return DONE & Q(completed_at__gte=since) if since is not None else DONE


def open_annotations(now: datetime) -> dict:
    age = ExpressionWrapper(Value(now) - F("opened_at"), output_field=DurationField())
    return {
        "open_count": Count("id"),
        "overdue_count": Count("id", filter=Q(due_at__lt=now)),
        "open_age_total": Sum(age),
    }


def _done_annotations() -> dict:
    return {
        "done_count": Count("id"),
        "late_count": Count("id", filter=LATE),
        "time_spent_total": Sum(TIME_SPENT),
    }


EMPTY_ROW = {
    "open_count": 0,
    "overdue_count": 0,
    "open_age_total": None,
    "done_count": 0,
    "late_count": 0,
    "time_spent_total": None,
}


def _grouped_figures(items: QuerySet, group_field: str, *, now: datetime, since, p90: bool = False) -> dict:
    """``{group value: row}`` with the counts and time totals of ``items`` — two grouped queries, one over
    the open items and one over the items completed since ``since``, served by the partial indexes
    ``workflow_item_open_mon_idx`` and ``workflow_item_done_mon_idx``. With ``p90``, each row also has
    ``p90`` (``duration_percentile``'s seam: on PostgreSQL inside the second query, saving a scan)."""
    rows: dict = {}
    opened = items.filter(OPEN).values(group_field).annotate(**open_annotations(now)).order_by()
    done_items = items.filter(_done_since(since))
    annotations = _done_annotations()
    percentile = percentile_aggregate(done_items.db, P90) if p90 else None
    if percentile is not None:
        annotations["p90"] = percentile
    done = done_items.values(group_field).annotate(**annotations).order_by()
    for found in (opened, done):
        for row in found:
            rows.setdefault(row[group_field], dict(EMPTY_ROW)).update(row)
    if p90 and percentile is None:
        for group, value in percentile_by_offset(done_items, group_field, P90).items():
            rows[group]["p90"] = value
    return rows


def _version_ids(definition) -> list[int]:
    return list(ProcessVersion.objects.filter(definition=definition).values_list("pk", flat=True))


# --- Named queries ------------------------------------------------------------------------------------


def process_figures(scope, definitions, *, since=None, now=None, period=None) -> list[ProcessFigures]:
    """One row per process of ``definitions`` (in their order) with its figures in ``scope``: steps in
    progress, overdue, completed since ``since``, late, mean time spent. Two grouped queries (by version).
    With ``period`` (a key of ``snapshots.PERIODS``) and a fresh snapshot, the completed steps' figures
    and the steps in progress are read from the snapshot instead (as of its ``computed_at``)."""
    now = now or timezone.now()
    definitions = list(definitions)
    by_definition = {d.pk: ProcessFigures(definition=d) for d in definitions}
    versions = dict(
        ProcessVersion.objects.filter(definition__in=definitions).values_list("pk", "definition_id")
    )
    if not versions:
        return list(by_definition.values())
    items = task_items(scope).filter(instance__process_version_id__in=list(versions))
    computed_at = _fresh_snapshot(period, now)
    if computed_at is None:
        grouped = _grouped_figures(items, "instance__process_version_id", now=now, since=since)
        for version_id, row in grouped.items():
            by_definition[versions[version_id]].add(row)
        return list(by_definition.values())
    from . import snapshots

    for row in snapshots.open_rows(scope, by_definition, "definition_id", computed_at, now):
        by_definition[row["definition_id"]].add({**EMPTY_ROW, **row})
    for stored in snapshots.done_rows(scope, period, by_definition):
        by_definition[stored.definition_id].add({**EMPTY_ROW, **_stored_done(stored)})
    return list(by_definition.values())


def _fresh_snapshot(period, now):
    """``computed_at`` of the stored snapshot when ``period`` is one it holds and it is fresh, else None."""
    if period is None:
        return None
    from . import snapshots

    if period not in snapshots.PERIODS:
        return None
    return snapshots.fresh_computed_at(now)


def _stored_done(stored) -> dict:
    return {
        "done_count": stored.done_count,
        "late_count": stored.late_count,
        "time_spent_total": stored.time_spent_total,
    }


def _snapshot_step_rows(scope, definition, items: QuerySet, *, period: str, computed_at, now) -> dict:
    """``_grouped_figures`` by step, read from the snapshot: the steps in progress and the completed
    steps' figures stored for the scope's agencies added up, and the p90 stored
    (province-wide or one agency) or computed live for a scope of several agencies (``snapshots``)."""
    from . import snapshots

    rows: dict = {}
    for row in snapshots.open_rows(scope, [definition.pk], "task_name", computed_at, now):
        rows.setdefault(row["task_name"], dict(EMPTY_ROW)).update(row)
    stored_p90 = scope.everything or len(scope.agency_ids) == 1
    for stored in snapshots.done_rows(scope, period, [definition.pk]):
        row = rows.setdefault(stored.task_name, dict(EMPTY_ROW))
        row["done_count"] += stored.done_count
        row["late_count"] += stored.late_count
        row["time_spent_total"] = (row["time_spent_total"] or timedelta(0)) + stored.time_spent_total
        if stored_p90:
            row["p90"] = stored.p90
    if not stored_p90:
        done = items.filter(_done_since(snapshots.period_since(period, computed_at)))
        for name, value in duration_percentile(done, "task_name", P90).items():
            rows.setdefault(name, dict(EMPTY_ROW))["p90"] = value
    return rows


def _steps_config(definition) -> tuple[dict[str, dict], list[str]]:
    """What the versions' files say of each user step (the newest version that has the step wins), and
    the order of the steps of the active (else latest) version, as in its BPMN file."""
    config: dict[str, dict] = {}
    order: list[str] = []
    versions = ProcessVersion.objects.filter(definition=definition).order_by("-is_active", "-number")
    for i, version in enumerate(versions.only("step_config", "is_active", "number")):
        steps = version.step_config.get("steps") or {}
        users = {name: s for name, s in steps.items() if s.get("kind") == "user"}
        if i == 0:
            order = sorted(users, key=lambda name: (users[name].get("line") or 0, name))
        for name, step in users.items():
            config.setdefault(name, step)
    return config, order


def step_figures(scope, definition, *, since=None, now=None, period=None) -> list[StepFigures]:
    """One row per step of ``definition`` with its figures in ``scope``, in the order of the active
    version's BPMN file (steps known only from older versions follow, by label). Two grouped queries:
    the open items, and the completed ones with their p90 (on SQLite the p90 takes the ordered offset
    queries of ``percentile_by_offset``); labels, lanes and allotted hours come from the versions' step
    configuration. With ``period`` (a key of ``snapshots.PERIODS``) and a fresh snapshot, the figures
    come from the snapshot (``_snapshot_step_rows``); ``since`` is then not used."""
    now = now or timezone.now()
    config, order = _steps_config(definition)
    items = task_items(scope).filter(instance__process_version_id__in=_version_ids(definition))
    computed_at = _fresh_snapshot(period, now)
    if computed_at is None:
        grouped = _grouped_figures(items, "task_name", now=now, since=since, p90=True)
    else:
        grouped = _snapshot_step_rows(
            scope, definition, items, period=period, computed_at=computed_at, now=now
        )
    found: dict[str, StepFigures] = {}
    for name in [*order, *sorted(set(grouped) - set(order))]:
        step = config.get(name, {})
        figures = StepFigures(
            task_name=name,
            label=step.get("label") or name,
            lane=step.get("lane") or "",
            allotted_hours=step.get("allotted_hours"),
            p90=grouped.get(name, {}).get("p90"),
        )
        figures.add(grouped.get(name, EMPTY_ROW))
        found[name] = figures
    rank = {name: i for i, name in enumerate(order)}
    return sorted(found.values(), key=lambda s: (rank.get(s.task_name, len(rank)), s.label, s.task_name))


def bottlenecks(steps: list[StepFigures], limit: int = BOTTLENECK_LIMIT) -> list[StepFigures]:
    """The worst steps among ``steps`` (already aggregated), worst first — see the module docstring."""
    candidates = [s for s in steps if s.queued_hours > 0 or s.late_count > 0]
    candidates.sort(key=lambda s: (-s.queued_hours, -(s.share_late or 0.0), -s.late_count, s.task_name))
    return candidates[:limit]


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 (local time) of the ISO week of ``moment``."""
    local = timezone.localtime(moment)
    monday = local.date() - timedelta(days=local.weekday())
    return timezone.make_aware(datetime(monday.year, monday.month, monday.day))


def weekly_trend(scope, definition=None, *, weeks: int = DEFAULT_WEEKS, now=None) -> list[Week]:
    """Steps completed per ISO week (Monday to Sunday, local time) for the last ``weeks`` weeks, the
    current one included, oldest first, with how many were late — one grouped query, over the snapshot
    of the periodic job when it is fresh (``snapshots.week_rows``), else over the work items. Weeks
    without any completed step are present with zeros. ``definition`` limits it to one process."""
    weeks = max(1, min(int(weeks), MAX_WEEKS))
    now = now or timezone.now()
    first = week_start(now) - timedelta(weeks=weeks - 1)
    rows = _stored_weeks(scope, definition, first, now)
    if rows is None:
        items = task_items(scope).filter(DONE, completed_at__gte=first)
        if definition is not None:
            items = items.filter(instance__process_version_id__in=_version_ids(definition))
        rows = [
            {**row, "week": timezone.localtime(row["week"]).date() if row["week"] else None}
            for row in items.annotate(week=TruncWeek("completed_at"))
            .values("week")
            .annotate(done=Count("id"), late=Count("id", filter=LATE), spent=Sum(TIME_SPENT))
            .order_by()
        ]
    trend = {}
    start = first
    for _i in range(weeks):
        trend[start.date()] = Week(start=start)
        # Adding days, not hours, keeps Monday 00:00 across a daylight-saving change elsewhere.
        start = timezone.make_aware(datetime.combine(start.date() + timedelta(days=7), datetime.min.time()))
    for row in rows:
        week = trend.get(row["week"])
        if week is not None:
            week.done_count, week.late_count = row["done"], row["late"]
            week.time_spent_total = row["spent"] or timedelta(0)
    return list(trend.values())


def _stored_weeks(scope, definition, first: datetime, now: datetime) -> list[dict] | None:
    """The weeks' rows from the snapshot when it is fresh (``snapshots.week_rows``), else None (then
    the trend is computed live). The current week counts the steps completed until the snapshot."""
    from . import snapshots

    if snapshots.fresh_computed_at(now) is None:
        return None
    return snapshots.week_rows(scope, first.date(), definition.pk if definition is not None else None)


def waiting_items(scope, definition, *, limit: int = WAITING_LIMIT, now=None) -> list[WorkItem]:
    """The open steps of ``definition`` in ``scope`` that have waited longest (oldest ``opened_at``)."""
    items = (
        task_items(scope)
        .filter(OPEN, instance__process_version_id__in=_version_ids(definition))
        .select_related("agency", "instance__dossier")
        .order_by("opened_at", "id")
    )
    return list(items[:limit])


def instance_of_dossier(dossier_id) -> ProcessInstance | None:
    """The process instance of dossier ``dossier_id``, with its version, definition and dossier loaded."""
    return (
        ProcessInstance.objects.select_related(
            "process_version__definition",
            "dossier__procedure_version__procedure",
            "dossier__receiving_agency",
            "dossier__current_agency",
        )
        .filter(dossier_id=dossier_id)
        .first()
    )


def dossier_flow(instance: ProcessInstance, *, now=None) -> DossierFlow:
    """The steps of ``instance`` in the order they were opened, each with its time spent (done), how
    long it has been waiting (open), its allotted hours and whether it was escalated."""
    now = now or timezone.now()
    items = (
        WorkItem.objects.filter(instance=instance, kind=WorkItemKind.TASK)
        .select_related("agency", "completed_by", "assigned_user")
        .order_by("opened_at", "id")
    )
    flow = DossierFlow(instance=instance)
    for item in items:
        spent = item.completed_at - item.opened_at if item.state == WorkItemState.DONE else None
        waiting = now - item.opened_at if item.state == WorkItemState.OPEN else None
        flow.steps.append(
            FlowStep(
                item=item,
                time_spent=spent,
                waiting=waiting,
                allotted_hours=item.allotted_hours,
                escalated=item.escalated_at is not None,
            )
        )
    return flow
