"""Helpers of the notifications tests: deliver the outbox to the notifications' subscribers, send what
is queued, a real SMTP server (aiosmtpd) and the sandbox's SMS gateway behind the live server."""

import socket
import time

import pytest

from congso.core import events
from congso.core.models import DeliveryStatus, EventDelivery
from congso.notifications import services
from congso.notifications.models import Notification, NotificationStatus

SMTP_PORT = 8151  # the brief's ports for this block: 8150–8159


def deliver_notifications() -> int:
    """Deliver the pending outbox deliveries of the notifications' subscribers, as a worker would."""
    done = 0
    while True:
        pending = list(
            EventDelivery.objects.filter(
                status=DeliveryStatus.PENDING, subscriber__startswith="notifications."
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not pending:
            return done
        for pk in pending:
            outcome = events.attempt_delivery(pk)
            assert outcome == "delivered", EventDelivery.objects.get(pk=pk).last_error
            done += 1


def send_queued() -> dict:
    """One attempt of every queued notification that is due; outcomes by id."""
    return {
        pk: services.attempt_send(pk, rate_limited=False)
        for pk in Notification.objects.filter(status=NotificationStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    }


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1:8151 that keeps what it receives; Django sends to it."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = SMTP_PORT
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture
def sms_gateway(live_server, settings):
    """The sandbox's simulated SMS gateway, over real HTTP at the live server, with delivery reports
    coming back to the live server."""
    settings.CONGSO_PUBLIC_BASE_URL = live_server.url
    settings.CONGSO_SMS_GATEWAY_URL = "sandbox"
    from congso.notifications import channels

    channels._client = None  # a fresh pooled client for this server
    yield live_server
    channels._client = None


def wait_port_closed(port: int, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.05)
