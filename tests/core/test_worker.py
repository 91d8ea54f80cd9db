"""The real background worker process: delivery, heartbeat, and no loss when it is killed mid-delivery."""

import os
import signal

import pytest

from congso.core import events
from congso.core.models import AuditEntry, DeliveryStatus, EventDelivery, WorkerHeartbeat
from tests.conftest import wait_until

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
