"""Background tasks of notifications, run by ``congso worker`` (django.tasks, queue ``notifications``)."""

from django_tasks import task


@task(queue_name="notifications")
def send_due(channel: str) -> dict:
    """Send the due notifications of one channel in batches (``services.drain``); counts by outcome."""
    from . import services

    return services.drain(channel)


@task(queue_name="notifications")
def send_notification(notification_id: int) -> str:
    """Send one queued notification once (``services.attempt_send``). Nothing enqueues it any more;
    it stays so that tasks enqueued before sending went by batches still run after an upgrade."""
    from . import services

    return services.attempt_send(notification_id)
