"""Completed-step figures of monitoring kept precomputed in the database (``StepStatsSnapshot``).

Why
    At province scale the completed-step figures of a process (count, late, mean, p90 per step) aggregate
    hundreds of thousands of rows (see bench/README.md, "workflow"); a per-process cache makes every web
    process compute its own copy. The periodic job ``workflow.monitoring_snapshot`` (every 60 s, on one
    worker) computes them once, for every reporting period of the pages, and the pages read them.

What is stored
    Per period, process definition, step and agency: completed count, late count, total time spent
    (counts and totals add up over any set of agencies) and the p90 of the time spent; plus, per period,
    definition and step, one row without agency with the same figures for all agencies together, because
    a percentile does not add up.
    The steps in progress (``OpenStepSnapshot``): per process definition, step and agency, the open
    count, the overdue count and their total age as of ``computed_at``. Grouping every open item was
    the last part of a province page computed at each request (bench/README.md, "workflow"); a page
    read from the snapshot says "as of" its ``computed_at`` (at most ``FRESH_FOR`` ago), and the total
    age is carried forward to the request's moment (each open step has waited that much longer).
    The weekly trend (``WeeklyStepSnapshot``): per process definition, agency and ISO week (Monday, local
    time) of the last ``monitoring.MAX_WEEKS`` weeks, the completed count, late count and total time
    spent; ``monitoring.weekly_trend`` adds up a scope's agencies from it when it is fresh.

Reading (``monitoring.step_figures`` / ``process_figures`` with ``period``)
    The snapshot is used when its ``computed_at`` is younger than ``FRESH_FOR`` (2 × the job's
    interval); otherwise (no worker, a fresh install, the tests) the figures are computed live. The
    period is counted from ``computed_at`` (at most ``FRESH_FOR`` earlier than the request's). p90 of
    a scope: province-wide, the row without agency; one agency, that agency's row; several agencies,
    computed live for that scope only (a few agencies' steps, small).

The refresh replaces every row in one transaction (delete, then bulk insert), so a reader sees either
the previous snapshot or the new one.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from congso.core import request_cache
from congso.core.scheduling import periodic

from .models import (
    OpenStepSnapshot,
    StepStatsSnapshot,
    WeeklyStepSnapshot,
    WorkItem,
    WorkItemKind,
    WorkItemState,
)

INTERVAL_SECONDS = 60
FRESH_FOR = timedelta(seconds=2 * INTERVAL_SECONDS)
# The reporting periods of the monitoring pages (``views.PERIODS``): key → days (``None``: all time).
PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}
DEFINITION = "instance__process_version__definition_id"
INSERT_BATCH = 2000


def period_since(period: str, computed_at):
    """The first completion moment counted in ``period`` for a snapshot computed at ``computed_at``."""
    days = PERIODS[period]
    return computed_at - timedelta(days=days) if days is not None else None


def _grouped(done, fields: list[str]) -> list[dict]:
    """Completed count, late count, total time spent and p90 of ``done`` per value of ``fields``: one
    query with ``percentile_cont`` on PostgreSQL; elsewhere the portable offset queries per group."""
    from . import monitoring

    annotations = {
        "done_count": Count("id"),
        "late_count": Count("id", filter=monitoring.LATE),
        "time_spent_total": Sum(monitoring.TIME_SPENT),
    }
    percentile = monitoring.percentile_aggregate(done.db, monitoring.P90)
    if percentile is not None:
        annotations["p90"] = percentile
    rows = list(done.values(*fields).annotate(**annotations).order_by())
    if percentile is None:
        for row in rows:
            group = done.filter(**{f: row[f] for f in fields})
            row["p90"] = monitoring.percentile_by_offset(group, fields[0], monitoring.P90).get(row[fields[0]])
    return rows


def compute(now=None) -> list[StepStatsSnapshot]:
    """The snapshot rows for every period as of ``now`` (not saved)."""
    now = now or timezone.now()
    tasks = WorkItem.objects.filter(kind=WorkItemKind.TASK, state=WorkItemState.DONE)
    found = []
    for period in PERIODS:
        since = period_since(period, now)
        done = tasks.filter(completed_at__gte=since) if since is not None else tasks
        for fields in (["task_name", DEFINITION, "agency_id"], ["task_name", DEFINITION]):
            for row in _grouped(done, fields):
                found.append(
                    StepStatsSnapshot(
                        period=period,
                        definition_id=row[DEFINITION],
                        task_name=row["task_name"],
                        agency_id=row.get("agency_id"),
                        done_count=row["done_count"],
                        late_count=row["late_count"],
                        time_spent_total=row["time_spent_total"] or timedelta(0),
                        p90=row["p90"],
                        computed_at=now,
                    )
                )
    return found


def compute_weeks(now=None) -> list[WeeklyStepSnapshot]:
    """The weekly-trend rows as of ``now`` (not saved): one grouped query over the steps completed in the
    last ``monitoring.MAX_WEEKS`` weeks (the partial index of completed steps serves the range)."""
    from . import monitoring

    now = now or timezone.now()
    first = monitoring.week_start(now) - timedelta(weeks=monitoring.MAX_WEEKS - 1)
    rows = (
        WorkItem.objects.filter(kind=WorkItemKind.TASK, state=WorkItemState.DONE, completed_at__gte=first)
        .annotate(week=TruncWeek("completed_at"))
        .values(DEFINITION, "agency_id", "week")
        .annotate(
            done_count=Count("id"),
            late_count=Count("id", filter=monitoring.LATE),
            time_spent_total=Sum(monitoring.TIME_SPENT),
        )
        .order_by()
    )
    return [
        WeeklyStepSnapshot(
            definition_id=row[DEFINITION],
            agency_id=row["agency_id"],
            week=timezone.localtime(row["week"]).date(),
            done_count=row["done_count"],
            late_count=row["late_count"],
            time_spent_total=row["time_spent_total"] or timedelta(0),
            computed_at=now,
        )
        for row in rows
    ]


def compute_open(now=None) -> list[OpenStepSnapshot]:
    """The steps in progress as of ``now`` (not saved): one grouped query over the open steps (the
    partial index of open steps serves it)."""
    from . import monitoring

    now = now or timezone.now()
    rows = (
        WorkItem.objects.filter(kind=WorkItemKind.TASK, state=WorkItemState.OPEN)
        .values(DEFINITION, "task_name", "agency_id")
        .annotate(**monitoring.open_annotations(now))
        .order_by()
    )
    return [
        OpenStepSnapshot(
            definition_id=row[DEFINITION],
            task_name=row["task_name"],
            agency_id=row["agency_id"],
            open_count=row["open_count"],
            overdue_count=row["overdue_count"],
            open_age_total=row["open_age_total"] or timedelta(0),
            computed_at=now,
        )
        for row in rows
    ]


def refresh(now=None) -> int:
    """Recompute the snapshot (step figures, weekly trend, steps in progress) and replace the stored one
    in one transaction; return the rows written."""
    now = now or timezone.now()
    rows = compute(now)
    weeks = compute_weeks(now)
    opened = compute_open(now)
    with transaction.atomic():
        for model, found in (
            (StepStatsSnapshot, rows),
            (WeeklyStepSnapshot, weeks),
            (OpenStepSnapshot, opened),
        ):
            model.objects.all().delete()
            model.objects.bulk_create(found, batch_size=INSERT_BATCH)
    return len(rows) + len(weeks) + len(opened)


@periodic("workflow.monitoring_snapshot", every=INTERVAL_SECONDS)
def _monitoring_snapshot():
    refresh()


def fresh_computed_at(now=None):
    """When the stored snapshot was computed, if that is less than ``FRESH_FOR`` ago; else ``None``."""
    now = now or timezone.now()
    # Read once per request: a page asks for the step figures, the process figures and the trend.
    computed_at = request_cache.remember(
        ("workflow.snapshot_computed_at",),
        lambda: StepStatsSnapshot.objects.values_list("computed_at", flat=True).first(),
    )
    if computed_at is None or computed_at <= now - FRESH_FOR or computed_at > now + FRESH_FOR:
        return None
    return computed_at


def done_rows(scope, period: str, definition_ids) -> list[StepStatsSnapshot]:
    """The stored rows of ``period`` and ``definition_ids`` for ``scope``: province-wide the rows without
    agency, else the rows of the scope's agencies (to be added up)."""
    rows = StepStatsSnapshot.objects.filter(period=period, definition_id__in=list(definition_ids))
    if scope.everything:
        return list(rows.filter(agency__isnull=True))
    return list(rows.filter(agency_id__in=sorted(scope.agency_ids)))


def week_rows(scope, first_week, definition_id=None) -> list[dict]:
    """Per week from ``first_week`` (a date), the stored trend of ``scope`` (of one definition when
    given) added up over its agencies: dicts with ``week``, ``done``, ``late``, ``spent``."""
    rows = WeeklyStepSnapshot.objects.filter(scope.step_q(), week__gte=first_week)
    if definition_id is not None:
        rows = rows.filter(definition_id=definition_id)
    return list(
        rows.values("week")
        .annotate(done=Sum("done_count"), late=Sum("late_count"), spent=Sum("time_spent_total"))
        .order_by()
    )


def open_rows(scope, definition_ids, group: str, computed_at, now) -> list[dict]:
    """The stored steps in progress of ``definition_ids`` in ``scope``, added up per ``group``
    (``"definition_id"`` or ``"task_name"``): dicts with ``group``, ``open_count``, ``overdue_count`` and
    ``open_age_total`` — the total age carried from ``computed_at`` to ``now``."""
    rows = (
        OpenStepSnapshot.objects.filter(scope.step_q(), definition_id__in=list(definition_ids))
        .values(group)
        .annotate(
            open_count=Sum("open_count"),
            overdue_count=Sum("overdue_count"),
            open_age_total=Sum("open_age_total"),
        )
        .order_by()
    )
    elapsed = max(now - computed_at, timedelta(0))
    return [{**row, "open_age_total": row["open_age_total"] + elapsed * row["open_count"]} for row in rows]
