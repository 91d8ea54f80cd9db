"""Background tasks of the documents block, run by ``congso worker`` through the django.tasks API."""

from django_tasks import task


@task(queue_name="outbox")
def send_transmission(transmission_id: int) -> str:
    """Send one package or status message beyond this installation (see ``documents.transport``)."""
    from . import transport

    return transport.attempt_send(transmission_id)
