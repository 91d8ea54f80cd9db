"""The documents block's outbox subscriber (discovered at start-up by ``core``).

``documents.official_document_request``: a workflow step's ``send_official_document`` action published
``workflow.document_requested``; it becomes a draft outgoing document of the agency now handling the
dossier, linked to the dossier, addressed to the requested agency, waiting for a specialist to write
it. At least once: the draft remembers the event that asked for it, so a redelivery finds it instead of
making a second one.
"""

from congso.core.events import subscriber

from . import services


@subscriber("workflow.document_requested", name="documents.official_document_request")
def draft_requested_document(event) -> None:
    services.draft_for_request(event.pk, event.payload or {})
