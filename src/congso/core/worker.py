"""The background worker process: the django-tasks-db worker loop plus a scheduler thread.

The scheduler thread records a heartbeat (read by ``congso check``), runs due periodic jobs and marks as
failed the tasks left "running" by a worker that died. Killing the process at any moment loses nothing:
every unit of work is a database row that another run picks up again.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import scheduling
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

TICK_SECONDS = 2.0


def heartbeat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen_at": timezone.now(),
        },
    )


def live_workers():
    """Workers whose heartbeat is recent enough to count as alive."""
    horizon = timezone.now() - timedelta(seconds=settings.CONGSO_WORKER_HEARTBEAT_MAX_AGE)
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=horizon)


def fail_orphaned_tasks() -> int:
    """Mark failed the tasks still "running" on a worker that no longer beats.

    The outbox sweep re-enqueues the work itself; this only keeps the task list honest.
    """
    alive = set(live_workers().values_list("worker_id", flat=True))
    count = 0
    for result in DBTaskResult.objects.running().only("id", "worker_ids")[:500]:
        last_worker = (result.worker_ids or [None])[-1]
        if last_worker not in alive:
            result.set_failed(RuntimeError(f"Worker {last_worker} stopped while running this task"))
            count += 1
    return count


def purge_dead_heartbeats() -> None:
    WorkerHeartbeat.objects.filter(last_seen_at__lt=timezone.now() - timedelta(days=1)).delete()


class Scheduler(threading.Thread):
    def __init__(self, worker_id: str):
        super().__init__(name="congso-scheduler", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                heartbeat(self.worker_id, self.started_at)
                scheduling.run_due_jobs()
            except Exception:
                logger.exception("Scheduler tick failed; will try again")
            self.stopping.wait(TICK_SECONDS)
        connection.close()


@scheduling.periodic("core.worker_housekeeping", every=30)
def _housekeeping():
    fail_orphaned_tasks()
    purge_dead_heartbeats()


def run(*, queues: list[str] | None = None, interval: float = 0.5, max_tasks: int | None = None) -> None:
    """Run a worker until SIGINT/SIGTERM."""
    worker_id = f"{socket.gethostname()[:20]}-{os.getpid()}-{get_random_string(8)}"
    scheduler = Scheduler(worker_id)
    heartbeat(worker_id, scheduler.started_at)
    scheduler.start()
    worker = Worker(
        queue_names=queues or ["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    logger.info("congso worker %s started (queues: %s)", worker_id, ",".join(queues or ["*"]))
    try:
        worker.run()
    finally:
        scheduler.stopping.set()
        scheduler.join(timeout=TICK_SECONDS * 2)
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
        logger.info("congso worker %s stopped", worker_id)
