"""The outbox subscriber: every status event of a dossier becomes a status report for the national
portal (``services.record_status_change``), in the transaction that marks the delivery done.

Registered at start-up only while a link is configured (``CONGSO_NATIONALPORTAL_LINK``): without one,
no delivery row is written for this block on any event."""

from django.conf import settings

from congso.core import events

from . import services


def report_status_change(event) -> None:
    services.record_status_change(event)


def register() -> None:
    events.subscriber(*services.STATUS_EVENTS, name=services.SUBSCRIBER)(report_status_change)


def unregister() -> None:
    events.unsubscribe(services.SUBSCRIBER)


def register_if_linked() -> None:
    if settings.CONGSO_NATIONALPORTAL_LINK:
        register()
