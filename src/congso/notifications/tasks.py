"""Background tasks of notifications, run by ``congso worker`` (django.tasks, queue ``notifications``)."""

from django_tasks import task


@task(queue_name="notifications")
def send_notification(notification_id: int) -> str:
    """Send one queued notification once (``services.attempt_send``): sent, retry, failed, deferred
    (over the channel's rate) or skipped (already done, or another worker holds it)."""
    from . import services

    return services.attempt_send(notification_id)
