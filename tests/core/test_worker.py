"""The real background worker process: delivery, heartbeat, and no loss when it is killed mid-delivery."""

import os
import re
import signal
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from congso.core import events
from congso.core.models import AuditEntry, DeliveryStatus, EventDelivery, WorkerHeartbeat
from tests.support.subprocesses import wait_until

pytestmark = [pytest.mark.worker]


def probe_delivery():
    return EventDelivery.objects.get(subscriber="probe.recorder")


def test_worker_delivers_an_event_and_announces_itself(worker_process, tmp_path):
    worker_process()
    event = events.publish("probe.ping", {"marker_dir": str(tmp_path)})

    wait_until(lambda: probe_delivery().status == DeliveryStatus.DELIVERED, message="delivery")
    assert AuditEntry.objects.filter(action="probe.handled", changes__event=str(event.pk)).count() == 1
    assert WorkerHeartbeat.objects.exists()


def test_worker_killed_mid_delivery_loses_nothing(worker_process, tmp_path):
    (tmp_path / "hang").touch()
    first = worker_process(CONGSO_OUTBOX_STALE_SECONDS=1)
    event = events.publish("probe.ping", {"marker_dir": str(tmp_path)})

    wait_until(lambda: (tmp_path / "entered").exists(), message="the subscriber to start")
    os.kill(first.pid, signal.SIGKILL)  # no clean shutdown: the delivery transaction dies with it
    first.wait(timeout=10)

    delivery = probe_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert not AuditEntry.objects.filter(action="probe.handled").exists()

    (tmp_path / "hang").unlink()
    worker_process(CONGSO_OUTBOX_STALE_SECONDS=1)  # its sweep finds the stale delivery and re-enqueues it
    wait_until(lambda: probe_delivery().status == DeliveryStatus.DELIVERED, timeout=60, message="redelivery")

    attempts = (tmp_path / "attempts.log").read_text().split()
    assert attempts == [str(event.pk), str(event.pk)]  # entered twice (at least once)…
    # …but its effect committed once, together with the "delivered" mark.
    assert AuditEntry.objects.filter(action="probe.handled", changes__event=str(event.pk)).count() == 1


def test_worker_retries_a_failing_subscriber_until_it_succeeds(worker_process, tmp_path):
    (tmp_path / "fail").touch()
    worker_process(CONGSO_OUTBOX_BACKOFF_SECONDS=0.5)
    events.publish("probe.ping", {"marker_dir": str(tmp_path)})

    wait_until(lambda: probe_delivery().attempts >= 2, message="two failed attempts")
    assert probe_delivery().status == DeliveryStatus.PENDING
    (tmp_path / "fail").unlink()
    wait_until(lambda: probe_delivery().status == DeliveryStatus.DELIVERED, message="delivery after failures")
    delivered = probe_delivery()
    assert delivered.attempts >= 3 and delivered.last_error == ""  # failures cleared once it got through


def test_worker_parks_a_delivery_that_keeps_failing(worker_process, tmp_path):
    (tmp_path / "fail").touch()
    worker_process(CONGSO_OUTBOX_BACKOFF_SECONDS=0.2, CONGSO_OUTBOX_MAX_ATTEMPTS=3)
    events.publish("probe.ping", {"marker_dir": str(tmp_path)})

    wait_until(lambda: probe_delivery().status == DeliveryStatus.PARKED, message="parking")
    delivery = probe_delivery()
    assert delivery.attempts == 3
    assert "probe told to fail" in delivery.last_error


def test_sigterm_stops_the_worker_gracefully(worker_process):
    proc = worker_process()
    wait_until(lambda: WorkerHeartbeat.objects.exists(), message="heartbeat")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    assert not WorkerHeartbeat.objects.exists()


# --- Database outages -----------------------------------------------------------------------------


def _worker_heartbeat(proc):
    return WorkerHeartbeat.objects.filter(pid=proc.pid).first()


class Outage:
    """Make the test database refuse the worker, through a side connection to the ``postgres`` database
    (PostgreSQL will not change ``ALLOW_CONNECTIONS`` of the database one is connected to). The test's
    own connection stays up: only the other backends are terminated."""

    def __init__(self):
        import psycopg

        s = connection.settings_dict
        self.name = s["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.own_pid = cursor.fetchone()[0]
        self.admin = psycopg.connect(
            host=s.get("HOST") or "127.0.0.1",
            port=s.get("PORT") or 5432,
            user=s.get("USER") or "postgres",
            password=s.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )

    def allow_connections(self, allowed: bool) -> None:
        from psycopg import sql

        self.admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(self.name), sql.SQL("true" if allowed else "false")
            )
        )

    def cut_off_others(self) -> None:
        self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
            [self.name, self.own_pid],
        )

    def close(self) -> None:
        self.admin.close()


def test_worker_rides_out_a_database_outage_and_delivers_afterwards(worker_process, tmp_path):
    """PostgreSQL refuses the worker for a while (its connections cut, new ones refused): the SAME
    process stays up, beats again once the database is back, and delivers an event published after."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no server to refuse the worker's connections")
    proc = worker_process(CONGSO_WORKER_HEARTBEAT_SECONDS=0.5, CONGSO_WORKER_RECONNECT_MAX_SECONDS=1)
    wait_until(lambda: _worker_heartbeat(proc), message="the worker's first heartbeat")
    log = tmp_path / "worker-0.log"

    outage = Outage()

    def met_the_outage():
        outage.cut_off_others()  # again and again: the worker keeps trying to reconnect
        text = log.read_text()
        if proc.poll() is not None:
            return True  # died: the assertion below shows why
        return "congso-heartbeat: database unavailable" in text and re.search(
            r"Worker \S+: database unavailable", text
        )

    outage.allow_connections(False)
    try:
        wait_until(met_the_outage, message="the claim loop and the heartbeat to meet the outage")
        assert proc.poll() is None, log.read_text()
    finally:
        outage.allow_connections(True)
        outage.close()
    back = timezone.now()

    wait_until(lambda: _worker_heartbeat(proc).last_seen_at > back, message="the heartbeat to resume")
    events.publish("probe.ping", {"marker_dir": str(tmp_path)})
    wait_until(lambda: probe_delivery().status == DeliveryStatus.DELIVERED, message="delivery after outage")
    assert proc.poll() is None  # the same process, never restarted
    assert "database reachable again" in log.read_text()


def test_the_claim_loop_survives_lost_connections_and_reruns_the_interrupted_delivery(
    transactional_db, monkeypatch, tmp_path, caplog
):
    """In-process, on either database: the connection drops once while claiming and once while a
    delivery runs; the loop backs off, reconnects and delivers exactly once, losing nothing."""
    from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

    from congso.core import worker

    monkeypatch.setattr(worker, "reconnect_delay", lambda failures: 0)
    real_get_locked, real_attempt = DBTaskResultQuerySet.get_locked, events.attempt_delivery
    faults = {"claim": 1, "delivery": 1}

    def get_locked(queryset):
        if faults["claim"]:
            faults["claim"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real_get_locked(queryset)

    def attempt_delivery(delivery_id):
        if faults["delivery"]:
            faults["delivery"] -= 1
            raise OperationalError("terminating connection due to administrator command")
        return real_attempt(delivery_id)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", get_locked)
    monkeypatch.setattr(events, "attempt_delivery", attempt_delivery)
    event = events.publish("probe.ping", {"marker_dir": str(tmp_path)})

    loop = worker.ResilientWorker(
        queue_names=["*"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=2,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with caplog.at_level("ERROR", logger="congso.core.worker"):
        loop.run()  # returns after two tasks instead of raising

    assert "Worker test-worker: database unavailable" in caplog.text
    assert probe_delivery().status == DeliveryStatus.DELIVERED
    assert AuditEntry.objects.filter(action="probe.handled", changes__event=str(event.pk)).count() == 1
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "SUCCESSFUL"]  # the interrupted run is recorded, then run again


@pytest.mark.django_db
def test_a_silent_heartbeat_stops_counting_after_a_few_intervals(settings):
    """A worker cut off or killed 30 s ago is not "alive" (it used to count for a whole minute)."""
    from congso.core.management.commands.selfcheck import check_worker

    WorkerHeartbeat.objects.create(
        worker_id="gone",
        hostname="h",
        pid=1,
        started_at=timezone.now() - timedelta(hours=1),
        last_seen_at=timezone.now() - timedelta(seconds=30),
    )
    ok, message = check_worker()
    assert not ok and "không có tiến trình nền nào đang chạy" in message
    assert settings.CONGSO_WORKER_HEARTBEAT_MAX_AGE <= 3 * settings.CONGSO_WORKER_HEARTBEAT_SECONDS


# --- A killed worker's delivery -------------------------------------------------------------------


def test_a_killed_workers_delivery_is_released_once_its_heartbeat_expires(worker_process, tmp_path, settings):
    """Not after the 120 s stale delay: the sweep sees that the holder's heartbeat has stopped."""
    from django_tasks_db.models import DBTaskResult

    from congso.core import worker

    settings.CONGSO_WORKER_HEARTBEAT_MAX_AGE = 1.5
    (tmp_path / "hang").touch()
    first = worker_process(CONGSO_WORKER_HEARTBEAT_SECONDS=0.5)  # the stale delay stays at 120 s
    event = events.publish("probe.ping", {"marker_dir": str(tmp_path)})
    wait_until(lambda: (tmp_path / "entered").exists(), message="the subscriber to start")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    held = DBTaskResult.objects.running().get()

    wait_until(lambda: not worker.live_workers().exists(), message="the killed worker's heartbeat to expire")
    assert events.requeue_stale() == 0  # far from stale: the fixed delay alone would leave it waiting
    assert worker.release_orphaned_tasks() == 1
    held.refresh_from_db()
    assert held.status == "FAILED" and "stopped while running this task" in held.traceback
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert probe_delivery().status == DeliveryStatus.PENDING

    (tmp_path / "hang").unlink()
    worker_process()
    wait_until(lambda: probe_delivery().status == DeliveryStatus.DELIVERED, message="redelivery")
    assert AuditEntry.objects.filter(action="probe.handled", changes__event=str(event.pk)).count() == 1


@pytest.mark.django_db
def test_the_sweep_leaves_alone_the_tasks_of_a_live_worker(settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from congso.core import worker

    events.publish("probe.ping", {"marker_dir": str(tmp_path)})
    task = DBTaskResult.objects.get()
    worker.heartbeat("alive-worker", timezone.now())
    task.claim("alive-worker")
    assert worker.release_orphaned_tasks() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"
