"""The background worker process: the django-tasks-db worker loop plus a heartbeat and a scheduler thread.

The heartbeat thread records that this process is alive (read by ``congso check`` and by the outbox
sweep); the scheduler thread runs due periodic jobs. Killing the process at any moment loses nothing:
every unit of work is a database row that another run picks up again.

A database outage (PostgreSQL restarted, network cut) does not end the process: the claim loop, the
heartbeat and the scheduler each drop their broken connection, wait with capped exponential backoff and
carry on once the database answers again. While the database is away no heartbeat is written, so the
worker honestly looks dead to the others; it looks alive again with its first heartbeat afterwards.
"""

import logging
import os
import socket
import threading
import time
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import scheduling
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

TICK_SECONDS = 2.0
# What a lost or refused database connection raises (psycopg and sqlite3 both map to these).
DATABASE_DOWN = (OperationalError, InterfaceError)
LOST_DATABASE_ERRORS = {f"{e.__module__}.{e.__qualname__}" for e in DATABASE_DOWN}
DELIVER_EVENT_TASK = "congso.core.tasks.deliver_event"
DELIVER_EVENTS_TASK = "congso.core.tasks.deliver_events"
RELEASE_FIELDS = ("id", "worker_ids", "task_path", "args_kwargs")


def heartbeat_seconds() -> float:
    return float(settings.CONGSO_WORKER_HEARTBEAT_SECONDS)


def reconnect_delay(failures: int) -> float:
    """Capped exponential backoff while the database is unreachable: 0.5 s, 1 s, 2 s … the cap."""
    cap = float(settings.CONGSO_WORKER_RECONNECT_MAX_SECONDS)
    return min(cap, 0.5 * (2 ** max(0, failures - 1)))


def drop_connection() -> None:
    """Forget this thread's database connection so that the next query opens a fresh one."""
    with suppress(Exception):  # closing a connection the server already cut may fail too
        connection.close()


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
    """Workers whose heartbeat is recent enough to count as alive (a few heartbeat intervals)."""
    horizon = timezone.now() - timedelta(seconds=settings.CONGSO_WORKER_HEARTBEAT_MAX_AGE)
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=horizon)


def release_tasks(results, reason: str) -> int:
    """Mark failed the given running tasks and put their outbox deliveries straight back in the queue.

    The delivery's own transaction died with the task (a killed worker, a lost connection), so the
    delivery is still pending; enqueuing it again now, rather than after ``CONGSO_OUTBOX_STALE_SECONDS``,
    is safe because ``attempt_delivery`` locks the row and skips what is already done.
    """
    from . import events

    delivery_ids = []
    with transaction.atomic():  # the "failed" marks and the new tasks together
        for result in results:
            result.set_failed(RuntimeError(reason))
            args = (result.args_kwargs or {}).get("args") or []
            if result.task_path == DELIVER_EVENT_TASK and args:
                delivery_ids.append(args[0])
            elif result.task_path == DELIVER_EVENTS_TASK and args:
                delivery_ids.extend(args[0])
        events.requeue_now(delivery_ids)
    return len(results)


def release_orphaned_tasks() -> int:
    """Release the tasks still "running" on a worker whose heartbeat has expired (killed, or cut off
    from the database): the task list stays honest and their deliveries are retried at once."""
    alive = set(live_workers().values_list("worker_id", flat=True))
    orphans = [
        result
        for result in DBTaskResult.objects.running().only(*RELEASE_FIELDS)[:500]
        if (result.worker_ids or [None])[-1] not in alive
    ]
    if not orphans:
        return 0
    by = {(r.worker_ids or ["?"])[-1] for r in orphans}
    count = release_tasks(orphans, f"Worker {', '.join(sorted(by))} stopped while running this task")
    logger.warning("Released %s task(s) of worker(s) whose heartbeat expired: %s", count, sorted(by))
    return count


def purge_dead_heartbeats() -> None:
    WorkerHeartbeat.objects.filter(last_seen_at__lt=timezone.now() - timedelta(days=1)).delete()


class _Loop(threading.Thread):
    """A daemon thread that calls ``tick()`` every ``every`` seconds and rides out database outages."""

    every = TICK_SECONDS

    def __init__(self, name: str):
        super().__init__(name=name, daemon=True)
        self.stopping = threading.Event()

    def tick(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            wait = self.every
            try:
                close_old_connections()
                self.tick()
                if failures:
                    logger.warning("%s: database reachable again", self.name)
                failures = 0
            except DATABASE_DOWN as exc:
                failures += 1
                drop_connection()
                wait = min(wait, reconnect_delay(failures))
                logger.error("%s: database unavailable (%s); retrying in %.1f s", self.name, exc, wait)
            except Exception:
                logger.exception("%s tick failed; will try again", self.name)
            self.stopping.wait(wait)
        drop_connection()


class Heartbeat(_Loop):
    """Writes the heartbeat row; its own thread so that a long periodic job cannot make it late."""

    def __init__(self, worker_id: str, started_at):
        super().__init__("congso-heartbeat")
        self.worker_id, self.started_at = worker_id, started_at
        self.every = heartbeat_seconds()
        self.writing = threading.Lock()

    def tick(self) -> None:
        with self.writing:
            if not self.stopping.is_set():
                heartbeat(self.worker_id, self.started_at)

    def remove(self, attempts: int = 5) -> None:
        """Stop beating and delete the row; a beat in progress finishes first, so none comes after.
        A busy database (SQLite locked by a job finishing) gets a few more tries."""
        self.stopping.set()
        with self.writing:
            for attempt in range(1, attempts + 1):
                try:
                    WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
                    return
                except DATABASE_DOWN:
                    drop_connection()
                    if attempt == attempts:
                        raise
                    time.sleep(reconnect_delay(attempt))


class Scheduler(_Loop):
    def __init__(self):
        super().__init__("congso-scheduler")

    def tick(self) -> None:
        scheduling.run_due_jobs()


class ResilientWorker(Worker):
    """django-tasks-db's claim loop, restarted after a database outage instead of ending the process.

    The task being run when the connection was lost is released once the database is back: its
    transaction rolled back with the connection, so it ran zero times in effect and runs again.
    """

    current: DBTaskResult | None = None

    @property
    def _lost_database_reason(self) -> str:
        return f"Worker {self.worker_id} lost the database while running this task"

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = db_task_result
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED and _lost_database(db_task_result):
            # The task failed only because the connection dropped (its work rolled back with it); a
            # new outage here leaves ``current`` set so that the recovery path releases it.
            release_tasks([db_task_result], self._lost_database_reason)
        self.current = None

    def run(self) -> None:
        failures = 0
        while self.running:
            try:
                super().run()
                return
            except DATABASE_DOWN as exc:
                failures += 1
                self._wait_out(exc, failures)
                if self._database_back():
                    logger.warning("Worker %s: database reachable again; resuming", self.worker_id)
                    failures = 0
                    self._release_interrupted()

    def _wait_out(self, exc, failures: int) -> None:
        drop_connection()
        delay = reconnect_delay(failures)
        logger.error("Worker %s: database unavailable (%s); retrying in %.1f s", self.worker_id, exc, delay)
        time.sleep(delay)  # SIGTERM during the wait still stops the worker (see Worker.shutdown)

    def _database_back(self) -> bool:
        try:
            connection.ensure_connection()
        except DATABASE_DOWN:
            drop_connection()
            return False
        return True

    def _release_interrupted(self) -> None:
        interrupted, self.current = self.current, None
        if interrupted is None:
            return
        self.running_task = False
        try:
            release_tasks([interrupted], self._lost_database_reason)
        except DATABASE_DOWN:
            drop_connection()  # the sweep releases it once this worker's heartbeat shows the gap


def _lost_database(result: DBTaskResult) -> bool:
    return result.exception_class_path in LOST_DATABASE_ERRORS


@scheduling.periodic("core.worker_housekeeping", every=30)
def _housekeeping():
    purge_dead_heartbeats()


def run(*, queues: list[str] | None = None, interval: float = 0.5, max_tasks: int | None = None) -> None:
    """Run a worker until SIGINT/SIGTERM; a database outage only pauses it."""
    worker_id = f"{socket.gethostname()[:20]}-{os.getpid()}-{get_random_string(8)}"
    beat = Heartbeat(worker_id, timezone.now())
    scheduler = Scheduler()
    worker = ResilientWorker(
        queue_names=queues or ["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    # Everything after the signal handlers is inside the try: a SIGTERM at any point (sys.exit in the
    # handler) still removes the heartbeat.
    worker.configure_signals()
    try:
        _start(beat, scheduler)
        logger.info("congso worker %s started (queues: %s)", worker_id, ",".join(queues or ["*"]))
        worker.run()
    finally:
        _stop(worker_id, beat, scheduler)


def _start(beat: Heartbeat, scheduler: Scheduler) -> None:
    # Beat once before claiming anything, so no task of this worker is ever held by an unknown worker
    # (the sweep would release it); a database down at start-up only delays it to the thread's retry.
    try:
        beat.tick()
    except DATABASE_DOWN:
        drop_connection()
    beat.start()
    scheduler.start()


def _stop(worker_id: str, beat: Heartbeat, scheduler: Scheduler) -> None:
    """Stop the threads and remove the heartbeat row so that nobody counts this worker alive. The
    scheduler goes first: on SQLite its job's write transaction would otherwise hold up the delete."""
    scheduler.stopping.set()
    _join(scheduler)
    drop_connection()  # SIGTERM may have interrupted a query on it: start the clean-up afresh
    try:
        beat.remove()
    except DATABASE_DOWN as exc:
        logger.warning("Worker %s: could not remove its heartbeat (%s)", worker_id, exc)
    _join(beat)
    logger.info("congso worker %s stopped", worker_id)


def _join(thread: threading.Thread) -> None:
    if thread.ident is not None:  # it was started
        thread.join(timeout=TICK_SECONDS * 2)
