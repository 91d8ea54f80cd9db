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

from django.db import transaction
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

    Must run inside the transaction that stores the dossier (it opens a savepoint otherwise harmless):
    the row lock is held until that transaction ends, and a rollback returns the number.
    The row is created race-free with ``INSERT … ON CONFLICT DO NOTHING`` (``ignore_conflicts``) before
    it is locked, so two first submissions of the day never collide on the unique (agency, day).
    """
    with transaction.atomic():
        DailySequence.objects.bulk_create(
            [DailySequence(agency=agency, day=day, last_value=0)], ignore_conflicts=True
        )
        row = DailySequence.objects.select_for_update().get(agency=agency, day=day)
        row.last_value += 1
        row.save(update_fields=["last_value"])
        return row.last_value


def assign_code(agency, moment) -> str:
    """Allocate the next code of ``agency`` for the local day of ``moment`` (the receipt or submission
    time). Runs in the caller's transaction, see ``next_sequence``."""
    day = local_day(moment)
    return format_code(agency.code, day, next_sequence(agency, day))
