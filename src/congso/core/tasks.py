"""Background tasks of the kernel, run by ``congso worker`` through the django.tasks API."""

from django_tasks import task

from . import events


@task(queue_name="outbox")
def deliver_event(delivery_id: int) -> str:
    """Deliver one outbox event to one subscriber (see ``core.events``)."""
    return events.attempt_delivery(delivery_id)
