"""Webhook delivery with the real background worker and a real HTTP receiver: a subscriber that is down
for a while gets every event once it is back, and a worker killed mid-delivery loses nothing."""

import os
import signal

import pytest

from congso.core import events
from congso.lgsp import services
from congso.lgsp.models import Delivery, DeliveryStatus, PublishedEvent
from congso.lgsp.pubsub import signing
from tests.support.subprocesses import wait_until

from .webhook_receiver import Receiver, free_port

pytestmark = [pytest.mark.worker]


@pytest.fixture
def receivers():
    started = []

    def make(port=None):
        receiver = Receiver(port)
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.stop()


def delivery():
    return Delivery.objects.get()


def test_a_subscriber_down_for_a_while_gets_the_event_once_it_is_back(
    pubsub, dossier_payload, worker_process, receivers
):
    receiver = receivers(free_port())  # chosen, not yet listening: the subscriber is down
    created = services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=receiver.url)
    worker_process(CONGSO_LGSP_WEBHOOK_BACKOFF_SECONDS=0.5, CONGSO_LGSP_WEBHOOK_BACKOFF_MAX_SECONDS=2)

    events.publish("dossier.accepted", dossier_payload())  # from the outbox, through lgsp.publish
    wait_until(lambda: Delivery.objects.filter(attempts__gte=3).exists(), message="three failed attempts")
    assert delivery().status == DeliveryStatus.PENDING and delivery().last_error

    receiver.start()  # back up
    wait_until(lambda: delivery().status == DeliveryStatus.DELIVERED, message="delivery once back")
    (request,) = receiver.requests  # the failed attempts never reached it; nothing lost, once
    signing.verify(created.secret, request["body"], request["headers"]["X-Congso-Signature"])
    assert request["headers"]["X-Congso-Event-Id"] == str(PublishedEvent.objects.get().event_id)


def test_a_worker_killed_mid_delivery_loses_nothing(pubsub, dossier_payload, worker_process, receivers):
    receiver = receivers().start()
    receiver.hang.set()  # the first request is held open while the worker is killed
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=receiver.url)
    settings = {"CONGSO_LGSP_WEBHOOK_STALE_SECONDS": 1, "CONGSO_LGSP_WEBHOOK_TIMEOUT_SECONDS": 60}
    first = worker_process(**settings)

    events.publish("dossier.accepted", dossier_payload())
    wait_until(receiver.entered.is_set, message="the webhook to be called")
    os.kill(first.pid, signal.SIGKILL)  # no clean shutdown: the delivery's transaction dies with it
    first.wait(timeout=10)
    assert delivery().status == DeliveryStatus.PENDING and delivery().attempts == 0

    receiver.hang.clear()
    receiver.release.set()
    worker_process(**settings)  # its sweep finds the lost delivery and sends it again
    wait_until(lambda: delivery().status == DeliveryStatus.DELIVERED, timeout=90, message="redelivery")

    event_id = str(PublishedEvent.objects.get().event_id)
    assert receiver.event_ids() == [event_id, event_id]  # received twice (at least once)…
    assert len(set(receiver.event_ids())) == 1  # …one event for a receiver that deduplicates on its id
    assert delivery().attempts == 1  # the killed attempt never committed
