"""Recall (thu hồi, edXML 13/15/16): the sender recalls a dispatched document with a reason, the
recipient agency agrees (the document is marked recalled and leaves the handling lists) or refuses with
a reason, the sender sees each answer; who may do it, once; the pages; the audit trail."""

import pytest
from django.test import Client

from congso.core.models import AuditEntry
from congso.documents import permissions, recall, services
from congso.documents.models import IncomingDocument, IncomingStatus, Recall, RecallState, RecipientStatus
from tests.documents.exchange_helpers import dispatched, run_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(settings, cast, signed_draft, agency_b):
    """A document of agency A received electronically by agency B, and B's incoming document."""
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = ""
    document = dispatched(signed_draft, cast)
    run_outbox()
    return document, IncomingDocument.objects.get(agency=agency_b)


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def test_recall_agreed(sent, cast, agency_b):
    document, received = sent
    recall.request_recall(document, by=cast.clerk, reason="Sai số liệu tại Điều 2")
    electronic = document.recipients.get(electronic=True)
    assert electronic.status == RecipientStatus.RECALLED
    assert document.recipients.get(electronic=False).status == RecipientStatus.SENT  # paper: told apart
    run_outbox()
    asked = Recall.objects.get(incoming=received)
    assert (asked.state, asked.reason) == (RecallState.REQUESTED, "Sai số liệu tại Điều 2")
    run_outbox()  # the request delivered again changes nothing
    assert Recall.objects.filter(incoming=received).count() == 1

    recall.answer(received, by=cast.clerk_b, agree=True)
    received.refresh_from_db()
    assert received.status == IncomingStatus.RECALLED
    assert not permissions.can_assign(cast.leader_b, received)  # out of the handling lists
    assert received in services.incoming_for(cast.clerk_b, agency_b)  # still in the register, marked
    run_outbox()
    electronic.refresh_from_db()
    assert electronic.status == RecipientStatus.RECALL_AGREED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "documents.outgoing.recall",
        "documents.incoming.recall_requested",
        "documents.incoming.recall_answer",
    } <= actions


def test_recall_refused_needs_a_reason_and_the_sender_sees_it(sent, cast):
    document, received = sent
    recall.request_recall(document, by=cast.leader, reason="Ban hành nhầm")
    run_outbox()
    with pytest.raises(services.DocumentError):
        recall.answer(received, by=cast.leader_b, agree=False, note="")
    recall.answer(received, by=cast.leader_b, agree=False, note="Văn bản đã được triển khai thực hiện")
    received.refresh_from_db()
    assert received.status == IncomingStatus.REGISTERED
    run_outbox()
    electronic = document.recipients.get(electronic=True)
    assert electronic.status == RecipientStatus.RECALL_REFUSED
    assert electronic.status_note == "Văn bản đã được triển khai thực hiện"
    with pytest.raises(services.DocumentError):
        recall.answer(received, by=cast.clerk_b, agree=True)  # answered already


def test_who_may_recall_and_only_once(sent, cast):
    document, received = sent
    for outsider in (cast.specialist, cast.clerk_b):
        with pytest.raises(services.DocumentError):
            recall.request_recall(document, by=outsider, reason="x")
    with pytest.raises(services.DocumentError):
        recall.request_recall(document, by=cast.clerk, reason="  ")
    recall.request_recall(document, by=cast.clerk, reason="Sai sót")
    with pytest.raises(services.DocumentError):
        recall.request_recall(document, by=cast.leader, reason="Lần hai")
    run_outbox()
    with pytest.raises(services.DocumentError):
        recall.answer(received, by=cast.clerk, agree=True)  # not the receiving agency


def test_the_pages(sent, cast):
    document, received = sent
    page = _as(cast.clerk).get(f"/can-bo/van-ban/di/{document.pk}/")
    assert f"/can-bo/van-ban/thu-hoi/di/{document.pk}/" in page.content.decode()
    assert _as(cast.specialist).get(f"/can-bo/van-ban/thu-hoi/di/{document.pk}/").status_code == 403
    clerk = _as(cast.clerk)
    empty = clerk.post(f"/can-bo/van-ban/thu-hoi/di/{document.pk}/", {"reason": ""})
    assert empty.status_code == 200 and not Recall.objects.exists()
    done = clerk.post(f"/can-bo/van-ban/thu-hoi/di/{document.pk}/", {"reason": "Sai số liệu"})
    assert done.status_code == 302 and Recall.objects.get(outgoing=document).reason == "Sai số liệu"
    run_outbox()

    clerk_b = _as(cast.clerk_b)
    page = clerk_b.get(f"/can-bo/van-ban/den/{received.pk}/").content.decode()
    assert "Sai số liệu" in page and f"/can-bo/van-ban/thu-hoi/den/{received.pk}/" in page
    form = clerk_b.get(f"/can-bo/van-ban/thu-hoi/den/{received.pk}/")
    assert form.status_code == 200 and "Sai số liệu" in form.content.decode()
    refused = clerk_b.post(f"/can-bo/van-ban/thu-hoi/den/{received.pk}/", {"decision": "refuse", "note": ""})
    assert refused.status_code == 200 and Recall.objects.get(incoming=received).state == RecallState.REQUESTED
    agreed = clerk_b.post(f"/can-bo/van-ban/thu-hoi/den/{received.pk}/", {"decision": "agree", "note": ""})
    assert agreed.status_code == 302
    assert clerk_b.get(f"/can-bo/van-ban/thu-hoi/den/{received.pk}/").status_code == 403  # answered
    run_outbox()
    sender_page = _as(cast.clerk).get(f"/can-bo/van-ban/di/{document.pk}/").content.decode()
    assert "Đồng ý thu hồi" in sender_page


@pytest.mark.parametrize("agree", [True, False])
def test_a_recall_asked_of_us_is_on_the_clerks_and_leaders_todo_until_answered(sent, cast, agree):
    from congso.documents.workspace_entries import todo_count_for

    document, received = sent
    clerk_b, leader_b = cast.clerk_b, cast.leader_b
    before = {person: todo_count_for(person) for person in (clerk_b, leader_b, cast.clerk, cast.leader)}
    recall.request_recall(document, by=cast.clerk, reason="Sai số liệu tại Điều 2")
    run_outbox()
    assert Recall.objects.get(incoming=received).state == RecallState.REQUESTED
    assert todo_count_for(clerk_b) == before[clerk_b] + 1
    assert todo_count_for(leader_b) == before[leader_b] + 1
    # The sending agency's people have nothing new to answer.
    assert todo_count_for(cast.clerk) == before[cast.clerk]
    assert todo_count_for(cast.leader) == before[cast.leader]

    recall.answer(received, by=clerk_b, agree=agree, note="" if agree else "Văn bản đã được thực hiện")
    assert todo_count_for(clerk_b) == before[clerk_b]
    # Agreed, the document also leaves the leader's "to assign" list.
    assert todo_count_for(leader_b) == before[leader_b] - (1 if agree else 0)
