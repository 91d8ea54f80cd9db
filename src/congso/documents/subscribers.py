"""The documents block's outbox subscriber (discovered at start-up by ``core``).

``documents.official_document_request``: a workflow step's ``send_official_document`` action published
``workflow.document_requested``; it becomes a draft outgoing document of the agency now handling the
dossier, linked to the dossier, addressed to the requested agency, waiting for a specialist to write
it. At least once: the draft remembers the event that asked for it, so a redelivery finds it instead of
making a second one.

``documents.exchange_packages`` / ``documents.exchange_status``: the edXML exchange between agencies of
this installation (``documents.exchange``). The periodic job ``documents.deadline_reminders`` publishes
``documents.deadline_near`` once per incoming document whose deadline is near.
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
    exchange.deliver_status(payload.get("document_id"), payload.get("status", ""))


@periodic("documents.deadline_reminders", every=3600)
def deadline_reminders() -> None:
    """Remind the people in charge of incoming documents whose deadline is near (once per deadline)."""
    services.send_deadline_reminders()


@subscriber("documents.attachment_stored", name="documents.extract_text")
def extract_text(event) -> None:
    """Read the text of a stored attachment for the full-text search (``documents.search``)."""
    from . import search

    search.extract((event.payload or {}).get("attachment_id"))
