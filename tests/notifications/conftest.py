"""Fixtures of the notifications tests: a real SMTP server (aiosmtpd) and the sandbox's SMS gateway
behind the live server (the helpers are in tests/support/notifications.py)."""

import pytest

SMTP_PORT = 8151  # the brief's ports for this block: 8150–8159


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

    channels.reset_connections()  # fresh connections to this server
    yield live_server
    channels.reset_connections()
