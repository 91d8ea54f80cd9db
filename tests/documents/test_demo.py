"""The documents demo: seeded through congso.demo, twice changes nothing, and shows the whole journey."""

import pytest

from congso import demo
from congso.documents.demo import DEMO_INCOMING, DEMO_NOTICE, DEMO_REPLY
from congso.documents.models import IncomingDocument, OutgoingDocument, OutgoingStatus, RecipientStatus


@pytest.mark.django_db
def test_demo_documents_are_seeded_once():
    demo.seed()
    demo.seed()
    assert IncomingDocument.objects.filter(summary=DEMO_INCOMING).count() == 1
    reply = OutgoingDocument.objects.get(summary=DEMO_REPLY)
    assert reply.status == OutgoingStatus.DISPATCHED and reply.number == 1
    assert reply.recipients.get().status == RecipientStatus.ARRIVED
    received = IncomingDocument.objects.get(exchange_id__endswith=reply.number_symbol.lstrip("0"))
    assert received.agency == reply.recipients.get().agency
    assert OutgoingDocument.objects.get(summary=DEMO_NOTICE).status == OutgoingStatus.IN_REVIEW
