"""Dossier codes: ``<agency electronic code>-<YYMMDD>-<NNNN>`` (Circular 01/2018 art. 19, STANDARDS §1).

The pattern is the setting ``CONGSO_DOSSIER_CODE_PATTERN`` (default
``"{agency_code}-{date:%y%m%d}-{seq:04d}"``), a ``str.format`` string over ``agency_code``, ``date``
(the local date of receipt) and ``seq``. Whether Circular 03/2025 changed the format is [verify], hence a
setting rather than a constant.

The date is the local day of receipt — for an online dossier, of its submission: the applicant needs the
code to follow the dossier from that moment, before the one-stop desk accepts it.
The sequence counts per receiving agency per local (``TIME_ZONE``, Asia/Ho_Chi_Minh) day from 1. It is
gap-free and unique under concurrency: ``next_sequence`` increments a ``DailySequence`` row under a row
lock *inside the caller's transaction*, so a submission that rolls back gives its number back, and two
submissions at once wait for each other on that row instead of reading the same value.
Past 9999 the number simply grows (``{seq:04d}`` pads to at least four digits: ``…-10000``); the
``code`` column holds it.
"""

from django.db import connection, transaction
from django.utils import timezone

from . import conf
from .models import DailySequence


def format_code(agency_code: str, day, seq: int, pattern: str | None = None) -> str:
    """Render a dossier code from its parts (pure, used by the golden tests)."""
    return (pattern or conf.code_pattern()).format(agency_code=agency_code, date=day, seq=seq)


def local_day(moment):
    """The calendar day of ``moment`` in the platform's time zone (Asia/Ho_Chi_Minh by default)."""
    return timezone.localtime(moment).date()


def next_sequence(agency, day) -> int:
    """Take the next number of ``agency`` on ``day`` and return it.

    Must run inside the transaction that stores the dossier (outside one it opens its own): the row
    lock is held until that transaction ends, and a rollback returns the number.
    One statement, ``INSERT … ON CONFLICT (agency, day) DO UPDATE SET last_value = last_value + 1
    RETURNING last_value``: it creates the day's row at 1 or increments it, and locks it either way
    (PostgreSQL locks the conflicting row before updating it; SQLite holds the write lock of the
    IMMEDIATE transaction), so two first submissions of the day never collide on the unique
    (agency, day) and two submissions at once wait for each other instead of reading the same value.
    """
    quote = connection.ops.quote_name
    table = quote(DailySequence._meta.db_table)
    agency_column, day_column, value = (
        quote(DailySequence._meta.get_field(name).column) for name in ("agency", "day", "last_value")
    )
    # Identifiers come from the model's meta (quoted); the values are parameters.
    sql = (
        f"INSERT INTO {table} ({agency_column}, {day_column}, {value}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({agency_column}, {day_column}) DO UPDATE SET {value} = {table}.{value} + 1 "
        f"RETURNING {value}"
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, connection.ops.adapt_datefield_value(day)])
        return cursor.fetchone()[0]


def assign_code(agency, moment) -> str:
    """Allocate the next code of ``agency`` for the local day of ``moment`` (the receipt or submission
    time). Runs in the caller's transaction, see ``next_sequence``."""
    day = local_day(moment)
    return format_code(agency.code, day, next_sequence(agency, day))
