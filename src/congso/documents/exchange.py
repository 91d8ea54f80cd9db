"""Delivery of edXML packages and status messages, wherever the other agency is.

``documents.dispatched`` → for each electronic recipient the package is built
(``services.package_for``) and sent by its route (``transport.route``: an agency of this installation
gets the bytes through ``services.receive_package`` — the same parse the national axis' packages go
through —, a peer installation or the national axis gets them through the LGSP gateway).
``documents.status_changed`` → the receiver's status message goes back to the sender the same way;
``documents.recall_requested`` → the sender's "13 recalled" goes to each recipient. All run as outbox
subscribers, so a failure is retried and nothing is lost.
"""

from . import transport


def deliver_dispatched(document_id: int) -> list:
    return transport.deliver_dispatched(document_id)


def deliver_status(document_id: int, status: str, description: str = ""):
    return transport.deliver_status(document_id, status, description)


def deliver_recall(document_id: int) -> None:
    from . import recall

    recall.deliver_request(document_id)
