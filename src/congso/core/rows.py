"""Values of rows read by a written-out statement (a named query that skips the ORM on a hot path).

A column read through a union, a subquery or an expression comes back without its model field's
conversion: SQLite gives a moment as text, PostgreSQL as an aware datetime. ``moment`` makes both the
aware datetime the ORM would have given.
"""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def moment(value) -> datetime | None:
    """``value`` (a datetime, its ISO text, or None) as an aware datetime; a naive one is read as UTC,
    which is how Django stores moments in SQLite."""
    if value is None:
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a moment: {value!r}")
        value = parsed
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


def placeholders(values) -> str:
    """``%s, %s, …``, one per value, for an ``IN (…)`` list of parameters."""
    return ", ".join(["%s"] * len(values))
