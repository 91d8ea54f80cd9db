"""The outbox subscriber: every status event of a dossier becomes a status report for the national
portal (``services.record_status_change``), in the transaction that marks the delivery done."""

from congso.core.events import subscriber

from . import services


@subscriber(*services.STATUS_EVENTS, name=services.SUBSCRIBER)
def report_status_change(event) -> None:
    services.record_status_change(event)
