"""The documents block's outbox subscriber (discovered at start-up by ``core``).

``documents.official_document_request``: a workflow step's ``send_official_document`` action published
``workflow.document_requested``; it becomes a draft outgoing document of the agency now handling the
dossier, linked to the dossier, addressed to the requested agency, waiting for a specialist to write
it. At least once: the draft remembers the event that asked for it, so a redelivery finds it instead of
making a second one.

``documents.exchange_packages`` / ``documents.exchange_status``: the edXML exchange between agencies of
this installation or beyond it (``documents.exchange``, ``documents.transport``);
``documents.exchange_recall`` sends a recall request. The periodic job ``documents.axis_pull`` takes
what the national document axis holds for this installation's agencies. The periodic job
``documents.deadline_reminders`` publishes ``documents.deadline_near`` once per incoming document
whose deadline is near.
"""

from congso.core.events import subscriber
from congso.core.scheduling import periodic

from . import services


@subscriber("workflow.document_requested", name="documents.official_document_request")
def draft_requested_document(event) -> None:
    services.draft_for_request(event.pk, event.payload or {})


@subscriber("documents.dispatched", name="documents.exchange_packages")
def exchange_packages(event) -> None:
    """Hand the package of a dispatched document to each recipient agency of this installation."""
    from . import exchange

    exchange.deliver_dispatched((event.payload or {}).get("document_id"))


@subscriber("documents.status_changed", name="documents.exchange_status")
def exchange_status(event) -> None:
    """Carry a receiver's status (arrived … done) back to the sender's document."""
    from . import exchange

    payload = event.payload or {}
    exchange.deliver_status(
        payload.get("document_id"), payload.get("status", ""), payload.get("description", "")
    )


@subscriber("documents.recall_requested", name="documents.exchange_recall")
def exchange_recall(event) -> None:
    """Carry the sender's recall request (13) to each electronic recipient."""
    from . import exchange

    exchange.deliver_recall((event.payload or {}).get("document_id"))


@periodic("documents.axis_pull", every=60)
def axis_pull() -> None:
    """Take what waits for this installation's agencies on the national document axis (pull, apply once,
    acknowledge)."""
    from . import transport

    transport.pull_axis()


@periodic("documents.deadline_reminders", every=3600)
def deadline_reminders() -> None:
    """Remind the people in charge of incoming documents whose deadline is near (once per deadline)."""
    services.send_deadline_reminders()


@periodic("documents.transmission_sweep", every=60)
def transmission_sweep() -> None:
    """Send the packages and status messages for other installations whose attempt is due (the task of
    each normally does; this catches a lost task)."""
    from . import transport

    transport.send_due()


@subscriber("documents.attachment_stored", name="documents.extract_text")
def extract_text(event) -> None:
    """Read the text of a stored attachment for the full-text search (``documents.search``)."""
    from . import search

    search.extract((event.payload or {}).get("attachment_id"))
