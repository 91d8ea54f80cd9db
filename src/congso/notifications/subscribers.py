"""Outbox subscribers: dossier events tell the applicant, workflow events tell the officers
(``services.notify_for_event``). Delivery is at least once; the notifications' unique
(source, recipient, channel) makes a second delivery create nothing."""

from congso.core.events import subscriber

from . import services


@subscriber(*sorted(services.CITIZEN_EVENTS), name="notifications.applicant")
def tell_applicant(event) -> None:
    services.notify_for_event(event)


@subscriber(*sorted(services.OFFICER_EVENTS), name="notifications.officers")
def tell_officers(event) -> None:
    services.notify_for_event(event)
