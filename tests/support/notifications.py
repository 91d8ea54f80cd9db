"""Helpers of the notifications tests: deliver the outbox to the notifications' subscribers now (as a
worker does a moment after the commit), and send what is queued."""

from congso.core import events
from congso.core.models import DeliveryStatus, EventDelivery
from congso.notifications import services
from congso.notifications.models import Notification, NotificationStatus


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
