"""Background tasks of the kernel, run by ``congso worker`` through the django.tasks API."""

from django_tasks import task

from . import events


@task(queue_name="outbox")
def deliver_event(delivery_id: int) -> str:
    """Deliver one outbox event to one subscriber (see ``core.events``)."""
    return events.attempt_delivery(delivery_id)


@task(queue_name="outbox")
def deliver_events(delivery_ids: list[int]) -> dict[str, str]:
    """Deliver the outbox deliveries of one change (``events.publish_many``), one after the other, each
    in its own transaction; what happened to each, by delivery id."""
    return {str(delivery_id): events.attempt_delivery(delivery_id) for delivery_id in delivery_ids}
