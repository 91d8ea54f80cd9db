"""Delivery of edXML packages and status messages between the congso agencies of this installation.

``documents.dispatched`` → for each electronic recipient that is an agency here, the package is built
(``services.package_for``) and handed to ``services.receive_package`` as bytes — the same parse the
national axis' packages go through. ``documents.status_changed`` → the receiver's status message is
built and applied to the sender's document (``services.receive_status``). Both run as outbox
subscribers, so a failure is retried and nothing is lost.

Not yet: sending through the LGSP gateway to another installation and the national document axis
(pull and acknowledge); both would replace the local hand-over here with an HTTP call of the same
bytes.
"""

from congso.agencies import services as agencies

from . import services
from .models import IncomingDocument, OutgoingDocument, Recipient


def deliver_dispatched(document_id: int) -> list:
    document = OutgoingDocument.objects.select_related("agency").filter(pk=document_id).first()
    if document is None:
        return []
    received = []
    for recipient in document.recipients.filter(electronic=True).exclude(organ_code=""):
        local = agencies.agencies_by_code([recipient.organ_code]).get(recipient.organ_code)
        if local is None:
            continue
        received.append(services.receive_package(local, services.package_for(document, recipient)))
    return received


def deliver_status(document_id: int, status: str) -> Recipient | None:
    document = IncomingDocument.objects.select_related("agency").filter(pk=document_id).first()
    if document is None or not document.sender_code:
        return None
    if agencies.agencies_by_code([document.sender_code]).get(document.sender_code) is None:
        return None
    return services.receive_status(services.status_message_for(document, status))
