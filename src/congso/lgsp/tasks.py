"""Background tasks of the LGSP, run by ``congso worker`` through the django.tasks API."""

from django_tasks import task

from .services import webhooks


@task(queue_name="outbox")
def deliver_webhook(delivery_id: int) -> str:
    """Push one event to one subscription's webhook (see ``lgsp.services.webhooks``)."""
    return webhooks.attempt_push(delivery_id)
