"""Percentiles of the time spent at steps, behind one seam (``percentile_aggregate``, used by
``duration_percentile`` and the steps' figures in ``monitoring``).

PostgreSQL: one grouped query with ``percentile_cont(f) WITHIN GROUP (ORDER BY completed_at −
opened_at)``. Other databases (SQLite): the count per group, then for each group one ordered query
reading the two rows around rank ``f·(n−1)`` (``ORDER BY … LIMIT 2 OFFSET k``) and interpolating —
the same definition, so both give the same answer.
"""

import math

from django.db import connections
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from .models import WorkItemState

P90 = 0.9
TIME_SPENT = ExpressionWrapper(F("completed_at") - F("opened_at"), output_field=DurationField())
DONE = Q(state=WorkItemState.DONE)


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
