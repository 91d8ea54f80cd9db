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
    figures about open items are about now. Every query takes a ``permissions.MonitoringScope`` and
    counts only the steps at agencies in it.

Snapshot (``snapshots``)
    ``process_figures`` and ``step_figures`` given a ``period`` read the completed steps' figures from
    the ``StepStatsSnapshot`` rows that the periodic job ``workflow.monitoring_snapshot`` refreshes every
    minute, when they are fresh (younger than two intervals), and compute them live otherwise; the open
    items are always counted live. See ``snapshots`` for how a scope's p90 is found.

Bottlenecks (``bottlenecks``)
    A step is ranked by its **queued hours** = *in progress* × *mean time spent* (hours): by Little's
    law the mean number of items waiting times the mean wait is the work piled up at the step, so this
    is where extra staff or a simpler step gains most. A step with no completed item yet uses the mean
    age of its open items instead. Ties, and steps with nothing in progress, are ranked by *share late*
    (then by the number of late items). Steps with neither anything queued nor anything late are not
    bottlenecks.

Cache (``cached``)
    The pages read the figures through ``cached``: computed once, then served from Django's cache for
    ``CONGSO_MONITORING_CACHE_SECONDS`` (60 by default; 0 turns it off), per scope, process and
    parameters, and shown with the moment they were computed. At province scale a process's figures
    aggregate hundreds of thousands of steps (see bench/README.md); a dashboard a minute old is what
    leadership needs, and it keeps repeated views from re-reading them. The queries themselves are
    served by the partial indexes ``workflow_item_open_mon_idx`` and ``workflow_item_done_mon_idx``.

Percentiles behind one seam (``percentile_aggregate``, used by ``duration_percentile`` and the steps' figures)
    PostgreSQL: one grouped query with ``percentile_cont(f) WITHIN GROUP (ORDER BY completed_at −
    opened_at)``. Other databases (SQLite): the count per group, then for each group one ordered query
    reading the two rows around rank ``f·(n−1)`` (``ORDER BY … LIMIT 2 OFFSET k``) and interpolating —
    the same definition, so both give the same answer.
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from congso.core.timeliness import Timeliness

from .models import ProcessInstance, ProcessVersion, WorkItem, WorkItemKind, WorkItemState

P90 = 0.9
DEFAULT_WEEKS = 12
MAX_WEEKS = 104
BOTTLENECK_LIMIT = 5
WAITING_LIMIT = 20

TIME_SPENT = ExpressionWrapper(F("completed_at") - F("opened_at"), output_field=DurationField())
OPEN = Q(state=WorkItemState.OPEN)
DONE = Q(state=WorkItemState.DONE)
LATE = Q(result=Timeliness.LATE)


DEFAULT_CACHE_SECONDS = 60

# --- Rows ------------------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """The counts and times of a set of steps (a process, or one step of it)."""

    open_count: int = 0
    overdue_count: int = 0
    done_count: int = 0
    late_count: int = 0
    time_spent_total: timedelta = timedelta(0)
    open_age_total: timedelta = timedelta(0)

    @property
    def mean(self) -> timedelta | None:
        return self.time_spent_total / self.done_count if self.done_count else None

    @property
    def open_age_mean(self) -> timedelta | None:
        return self.open_age_total / self.open_count if self.open_count else None

    @property
    def share_late(self) -> float | None:
        return _share(self.late_count, self.done_count)

    @property
    def share_overdue(self) -> float | None:
        return _share(self.overdue_count, self.open_count)

    def add(self, row: dict) -> None:
        self.open_count += row["open_count"]
        self.overdue_count += row["overdue_count"]
        self.done_count += row["done_count"]
        self.late_count += row["late_count"]
        self.time_spent_total += row["time_spent_total"] or timedelta(0)
        self.open_age_total += row["open_age_total"] or timedelta(0)


@dataclass
class ProcessFigures(Figures):
    """One process (definition) on the list page."""

    definition: object = None


@dataclass
class StepFigures(Figures):
    """One step (BPMN task id) of a process."""

    task_name: str = ""
    label: str = ""
    lane: str = ""
    allotted_hours: int | None = None
    p90: timedelta | None = None

    @property
    def queued_hours(self) -> float:
        """In progress × mean time spent (hours): the work piled up at the step (see the module docstring)."""
        typical = self.mean if self.mean is not None else self.open_age_mean
        if not self.open_count or typical is None:
            return 0.0
        return self.open_count * typical.total_seconds() / 3600


@dataclass
class Week:
    """One ISO week of the trend: steps completed in it, and how many of them late."""

    start: datetime
    done_count: int = 0
    late_count: int = 0
    time_spent_total: timedelta = timedelta(0)

    @property
    def iso(self) -> tuple[int, int]:
        year, week, _day = self.start.date().isocalendar()
        return year, week

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=6)

    @property
    def share_late(self) -> float | None:
        return _share(self.late_count, self.done_count)

    @property
    def mean(self) -> timedelta | None:
        return self.time_spent_total / self.done_count if self.done_count else None


@dataclass
class FlowStep:
    """One step of one dossier's flow (a task work item), for the timeline and the diagram."""

    item: WorkItem
    time_spent: timedelta | None
    waiting: timedelta | None = None
    allotted_hours: int | None = None
    escalated: bool = False


@dataclass
class DossierFlow:
    instance: ProcessInstance
    steps: list[FlowStep] = field(default_factory=list)

    @property
    def done_tasks(self) -> set[str]:
        return {s.item.task_name for s in self.steps if s.item.state == WorkItemState.DONE}

    @property
    def current_tasks(self) -> set[str]:
        return {s.item.task_name for s in self.steps if s.item.state == WorkItemState.OPEN}

    def time_spent_by_task(self) -> dict[str, timedelta]:
        """Total time spent per BPMN task (a step done twice, after a rework loop, adds up)."""
        totals: dict[str, timedelta] = {}
        for step in self.steps:
            spent = step.time_spent if step.time_spent is not None else step.waiting
            if spent is not None:
                totals[step.item.task_name] = totals.get(step.item.task_name, timedelta(0)) + spent
        return totals


# --- Building blocks -----------------------------------------------------------------------------------


def task_items(scope) -> QuerySet:
    """Work items that are steps (not escalations) at agencies in ``scope``."""
    return WorkItem.objects.filter(scope.step_q(), kind=WorkItemKind.TASK)


def _done_since(since) -> Q:
    return DONE & Q(completed_at__gte=since) if since is not None else DONE


def _open_annotations(now: datetime) -> dict:
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
    opened = items.filter(OPEN).values(group_field).annotate(**_open_annotations(now)).order_by()
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


# --- Percentiles ---------------------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expr)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=_checked_fraction(fraction), **extra)


def _checked_fraction(fraction) -> str:
    value = float(fraction)
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError("A percentile fraction lies between 0 and 1.")
    return repr(value)


def percentile_aggregate(alias: str, fraction: float):
    """The seam: on PostgreSQL, the aggregate giving the ``fraction`` percentile of the time spent
    (``percentile_cont``); elsewhere ``None`` — use ``percentile_by_offset``."""
    _checked_fraction(fraction)
    if connections[alias].vendor == "postgresql":
        return PercentileCont(TIME_SPENT, fraction, output_field=DurationField())
    return None


def duration_percentile(items: QuerySet, group_field: str, fraction: float = P90) -> dict:
    """The ``fraction`` percentile (continuous) of the time spent of the completed ``items``, per value of
    ``group_field``: ``{group value: timedelta}``. Groups without completed items are absent.

    On PostgreSQL one ``percentile_cont`` query; elsewhere ordered offset queries (module docstring)."""
    done = items.filter(DONE, completed_at__isnull=False).order_by()
    aggregate = percentile_aggregate(done.db, fraction)
    if aggregate is not None:
        rows = done.values(group_field).annotate(value=aggregate)
        return {row[group_field]: row["value"] for row in rows}
    return percentile_by_offset(done, group_field, fraction)


def percentile_by_offset(done: QuerySet, group_field: str, fraction: float) -> dict:
    """The portable path of ``duration_percentile``: per group, the count, then the two rows around rank
    ``fraction·(n−1)`` in order of time spent, interpolated. Works on every database (used on SQLite)."""
    result = {}
    counts = done.values(group_field).annotate(n=Count("id")).order_by()
    ordered = done.annotate(spent=TIME_SPENT).order_by("spent", "id")
    for row in counts:
        n = row["n"]
        position = float(fraction) * (n - 1)
        lower = math.floor(position)
        pair = list(
            ordered.filter(**{group_field: row[group_field]}).values_list("spent", flat=True)[
                lower : lower + 2
            ]
        )
        value = pair[0]
        if len(pair) == 2 and position > lower:
            value = pair[0] + (pair[1] - pair[0]) * (position - lower)
        result[row[group_field]] = value
    return result


# --- Named queries ------------------------------------------------------------------------------------


def process_figures(scope, definitions, *, since=None, now=None, period=None) -> list[ProcessFigures]:
    """One row per process of ``definitions`` (in their order) with its figures in ``scope``: steps in
    progress, overdue, completed since ``since``, late, mean time spent. Two grouped queries (by version).
    With ``period`` (a key of ``snapshots.PERIODS``) and a fresh snapshot, the completed steps' figures
    are read from the snapshot instead (counted from its ``computed_at``) and only the open ones live."""
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

    opened = items.filter(OPEN).values("instance__process_version_id").annotate(**_open_annotations(now))
    for row in opened.order_by():
        by_definition[versions[row["instance__process_version_id"]]].add({**EMPTY_ROW, **row})
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
    """``_grouped_figures`` by step, with the completed steps' figures read from the snapshot: the open
    items live (one grouped query), the stored rows of the scope added up, and the p90 stored
    (province-wide or one agency) or computed live for a scope of several agencies (``snapshots``)."""
    from . import snapshots

    rows: dict = {}
    opened = items.filter(OPEN).values("task_name").annotate(**_open_annotations(now)).order_by()
    for row in opened:
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
    configuration. With ``period`` (a key of ``snapshots.PERIODS``) and a fresh snapshot, the completed
    steps' figures come from the snapshot (``_snapshot_step_rows``); ``since`` is then not used."""
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


# --- Cache ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Figures and the moment they were computed."""

    value: object
    computed_at: datetime


def cache_seconds() -> int:
    return int(getattr(settings, "CONGSO_MONITORING_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _scope_key(scope) -> str:
    return "all" if scope.everything else ",".join(str(i) for i in sorted(scope.agency_ids))


def cached(name: str, scope, parts: tuple, compute: Callable[[], object]) -> Snapshot:
    """``compute()``'s result for ``scope`` and ``parts`` (hashable, printable values: keys, periods),
    from the cache when computed less than ``cache_seconds()`` ago, else computed now and stored."""
    seconds = cache_seconds()
    if seconds <= 0:
        return Snapshot(compute(), timezone.now())
    digest = hashlib.sha256(repr((name, _scope_key(scope), parts)).encode("utf-8")).hexdigest()
    key = f"congso:workflow:monitoring:{digest}"
    found = cache.get(key)
    if found is None:
        found = Snapshot(compute(), timezone.now())
        cache.set(key, found, seconds)
    return found
