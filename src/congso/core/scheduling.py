"""Periodic jobs run by the background worker (outbox sweep, deadline reminders, timers).

``@periodic("core.outbox_sweep", every=15)`` registers a job. Each worker's scheduler thread calls
``run_due_jobs()`` every few seconds; a job run is claimed with a conditional UPDATE so that, with any
number of workers, each due run happens once.
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[[], object]


_jobs: dict[str, Job] = {}


def periodic(name: str, *, every: float):
    """Register ``func()`` to run every ``every`` seconds on some worker."""

    def decorator(func):
        _jobs[name] = Job(name, timedelta(seconds=every), func)
        return func

    return decorator


def jobs() -> list[Job]:
    return [_jobs[n] for n in sorted(_jobs)]


def _claim(job: Job, now) -> bool:
    PeriodicJob.objects.get_or_create(name=job.name)
    claimed = PeriodicJob.objects.filter(
        Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every), name=job.name
    ).update(last_started_at=now)
    return claimed == 1


def run_due_jobs() -> list[str]:
    """Run every job whose interval has passed; return the names run."""
    ran = []
    for job in jobs():
        now = timezone.now()
        if not _claim(job, now):
            continue
        error = ""
        try:
            job.func()
        except Exception:
            error = traceback.format_exc()[-8000:]
            logger.exception("Periodic job %s failed", job.name)
        PeriodicJob.objects.filter(name=job.name).update(last_finished_at=timezone.now(), last_error=error)
        ran.append(job.name)
    return ran


@periodic("core.outbox_sweep", every=15)
def _outbox_sweep():
    """Release what dead workers held (their heartbeat expired), then anything else left too long."""
    from . import events, worker

    worker.release_orphaned_tasks()
    events.requeue_stale()


@periodic("core.calendar_next_year", every=24 * 3600)
def _calendar_next_year():
    """Write next year's statutory holidays early, so administrators can correct them before use."""
    from . import working_days

    working_days.ensure_year(timezone.localdate().year + 1)
