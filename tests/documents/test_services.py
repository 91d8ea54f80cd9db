"""The life of incoming and outgoing documents through documents.services, and refusals that change
nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from congso.core.models import AuditEntry, OutboxEvent
from congso.documents import services
from congso.documents.models import (
    Attachment,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    RecipientStatus,
)
from tests.samples import pdf

pytestmark = pytest.mark.django_db


def test_clerk_registers_incoming_with_next_arrival_number(incoming, cast):
    first, second = incoming(), incoming(number_symbol="126/STP-HCTP")
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.status == IncomingStatus.REGISTERED
    assert first.attachments.get().kind == Attachment.Kind.SCAN
    assert first.log.get().action == "registered"
    assert AuditEntry.objects.filter(action="documents.incoming.register", actor=cast.clerk).count() == 2


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"summary": "  "}, "Còn thiếu"),
        ({"document_type": "XX"}, "không hợp lệ"),
        ({"issued_on": date.today() + timedelta(days=3)}, "không được sau"),
        ({"scan": None}, "bản quét"),
        ({"scan": pdf("x.pdf", b"MZ not a pdf")}, "không phải là tệp PDF"),
    ],
)
def test_bad_incoming_is_refused_and_nothing_is_stored(incoming, overrides, message):
    with pytest.raises(services.DocumentError, match=message):
        incoming(**overrides)
    assert not IncomingDocument.objects.exists()
    assert not Attachment.objects.exists()


def test_only_the_clerk_registers(incoming, cast):
    with pytest.raises(services.DocumentError):
        incoming(by=cast.specialist)
    with pytest.raises(services.DocumentError):
        incoming(by=cast.clerk_b)  # a clerk of another agency
    assert not IncomingDocument.objects.exists()


def test_electronic_package_received_twice_is_registered_once(incoming):
    arguments = {
        "by": None,
        "source": "electronic",
        "scan": None,
        "exchange_id": "000.00.12.H08,2026/03/02,125/STP-HCTP",
    }
    first = incoming(**arguments)
    again = incoming(**arguments)
    assert first.pk == again.pk
    assert IncomingDocument.objects.count() == 1


def test_assign_handle_complete(incoming, cast):
    document = incoming()
    deadline = timezone.localdate() + timedelta(days=5)
    services.assign(
        document,
        by=cast.leader,
        assignee=cast.specialist,
        deadline=deadline,
        opinion="Chủ trì tham mưu trả lời",
        cooperating=[cast.other_specialist],
    )
    document.refresh_from_db()
    assert (document.status, document.deadline) == (IncomingStatus.ASSIGNED, deadline)
    with pytest.raises(services.DocumentError):
        services.record_progress(document, by=cast.other_specialist, note="…")  # cooperates, does not lead
    services.record_progress(document, by=cast.specialist, note="Đã tổng hợp số liệu")
    services.complete(document, by=cast.specialist, note="Đã có văn bản trả lời")
    document.refresh_from_db()
    assert document.status == IncomingStatus.DONE
    assert [e.action for e in document.log.all()] == ["registered", "assigned", "progress", "completed"]
    with pytest.raises(services.DocumentError):
        services.assign(document, by=cast.leader, assignee=cast.specialist)


def test_assignment_refuses_people_of_other_agencies_and_past_deadlines(incoming, cast):
    document = incoming()
    with pytest.raises(services.DocumentError, match="không làm việc"):
        services.assign(document, by=cast.leader, assignee=cast.leader_b)
    with pytest.raises(services.DocumentError, match="Hạn xử lý"):
        services.assign(document, by=cast.leader, assignee=cast.specialist, deadline=date(2020, 1, 1))
    with pytest.raises(services.DocumentError):
        services.assign(document, by=cast.specialist, assignee=cast.specialist)
    assert not document.assignments.exists()


def test_draft_starts_from_the_template_of_its_type(cast, agency_a):
    decision = services.draft_outgoing(
        agency=agency_a, by=cast.specialist, document_type="QĐ", summary="Về việc A"
    )
    assert "QUYẾT ĐỊNH:" in decision.content
    assert decision.status == OutgoingStatus.DRAFT and decision.number is None


def test_reply_draft_names_the_incoming_document_and_its_sender(incoming, cast, agency_a):
    received = incoming()
    reply = services.draft_outgoing(
        agency=agency_a,
        by=cast.specialist,
        document_type="CV",
        summary="Báo cáo hộ tịch quý I",
        reply_to=received,
    )
    assert "125/STP-HCTP" in reply.content
    assert reply.recipients.get().name == "Sở Tư pháp tỉnh Bình Dương"


def test_approval_chain_return_and_resubmit(cast, agency_a):
    draft = services.draft_outgoing(
        agency=agency_a, by=cast.specialist, document_type="TB", summary="Lịch tiếp dân"
    )
    services.submit_for_approval(draft, by=cast.specialist, approvers=[cast.deputy], signer=cast.leader)
    with pytest.raises(services.DocumentError):
        services.decide(draft, by=cast.leader, approve=True)  # not the leader's turn yet
    with pytest.raises(services.DocumentError, match="lý do"):
        services.decide(draft, by=cast.deputy, approve=False)
    services.decide(draft, by=cast.deputy, approve=False, comment="Bổ sung giờ tiếp dân")
    assert draft.status == OutgoingStatus.RETURNED
    services.update_draft(draft, by=cast.specialist, content="Lịch tiếp dân: thứ Năm, 7 giờ 30.")
    services.submit_for_approval(draft, by=cast.specialist, approvers=[cast.deputy], signer=cast.leader)
    services.decide(draft, by=cast.deputy, approve=True)
    services.decide(draft, by=cast.leader, approve=True)
    assert draft.status == OutgoingStatus.APPROVED
    assert [(s.round, s.approver_id, s.decision) for s in draft.approvals.all()] == [
        (1, cast.deputy.pk, "returned"),
        (1, cast.leader.pk, "skipped"),
        (2, cast.deputy.pk, "approved"),
        (2, cast.leader.pk, "approved"),
    ]


def test_signer_must_be_a_leader(cast, agency_a):
    draft = services.draft_outgoing(agency=agency_a, by=cast.specialist, document_type="TB", summary="X")
    with pytest.raises(services.DocumentError, match="lãnh đạo"):
        services.submit_for_approval(draft, by=cast.specialist, approvers=[], signer=cast.other_specialist)
    draft.refresh_from_db()
    assert draft.status == OutgoingStatus.DRAFT


def test_issue_numbers_signs_and_dispatch_marks_recipients(signed_draft, cast, agency_b):
    first = services.issue(signed_draft(), by=cast.clerk)
    second = services.issue(signed_draft("Về việc khen thưởng"), by=cast.clerk)
    assert (first.number, second.number) == (1, 2)
    assert first.number_symbol.startswith("01/QĐ-")
    assert first.issued_on == timezone.localdate()
    signed = first.attachments.get(kind=Attachment.Kind.SIGNED)
    assert signed.file.read().startswith(b"%PDF-")
    services.dispatch(first, by=cast.clerk)
    first.refresh_from_db()
    assert first.status == OutgoingStatus.DISPATCHED
    assert set(first.recipients.values_list("status", flat=True)) == {RecipientStatus.SENT}
    event = OutboxEvent.objects.filter(name="documents.dispatched").get()
    assert event.payload["recipients"] == [agency_b.code]
    services.record_recipient_status(first, organ_code=agency_b.code, status=RecipientStatus.ARRIVED)
    assert first.recipients.get(organ_code=agency_b.code).status == RecipientStatus.ARRIVED


def test_issue_is_refused_when_the_text_changed_after_signing(signed_draft, cast):
    document = signed_draft()
    OutgoingDocument.objects.filter(pk=document.pk).update(content="Một nội dung khác")
    document.refresh_from_db()
    with pytest.raises(services.DocumentError, match="trình ký lại"):
        services.issue(document, by=cast.clerk)
    document.refresh_from_db()
    assert document.number is None


def test_a_failed_signature_gives_the_number_back(signed_draft, cast, monkeypatch):
    from congso.documents import signing

    document = signed_draft()

    def broken(*args, **kwargs):
        raise signing.SigningError("thiết bị ký không phản hồi")

    monkeypatch.setattr(signing, "sign_document", broken)
    with pytest.raises(services.DocumentError, match="thiết bị ký"):
        services.issue(document, by=cast.clerk)
    document.refresh_from_db()
    assert (document.number, document.status) == (None, OutgoingStatus.SIGNED)
    assert not Attachment.objects.filter(kind=Attachment.Kind.SIGNED).exists()
    monkeypatch.undo()
    assert services.issue(document, by=cast.clerk).number == 1


def test_only_the_clerk_issues_and_dispatches(signed_draft, cast):
    document = signed_draft()
    for person in (cast.leader, cast.specialist, cast.clerk_b):
        with pytest.raises(services.DocumentError):
            services.issue(document, by=person)
    services.issue(document, by=cast.clerk)
    with pytest.raises(services.DocumentError):
        services.dispatch(document, by=cast.leader)


def test_search_by_number_summary_type_and_date(signed_draft, cast, agency_a, incoming):
    services.issue(signed_draft("Về việc công nhận tổ dân phố"), by=cast.clerk)
    services.issue(signed_draft("Kế hoạch phòng chống thiên tai", document_type="KH"), by=cast.clerk)
    base = services.outgoing_for(cast.clerk, agency_a)
    assert [d.number for d in services.search(base, text="thiên tai")] == [2]
    assert [d.number for d in services.search(base, document_type="QĐ")] == [1]
    symbol = base.get(number=1).number_symbol
    assert [d.number for d in services.search(base, text=symbol)] == [1]
    assert services.search(base, date_from=timezone.localdate() + timedelta(days=1)).count() == 0
    incoming()
    assert services.search(services.incoming_for(cast.clerk, agency_a), text="Sở Tư pháp").count() == 1
    assert services.incoming_for(cast.specialist, agency_a).count() == 0  # nothing assigned yet


def test_deadline_reminder_is_sent_once_per_deadline(incoming, cast):
    document = incoming()
    today = timezone.localdate()
    services.assign(document, by=cast.leader, assignee=cast.specialist, deadline=today + timedelta(days=3))
    assert services.send_deadline_reminders(today) == 0  # not near yet
    assert services.send_deadline_reminders(today + timedelta(days=2)) == 1
    assert services.send_deadline_reminders(today + timedelta(days=3)) == 0  # already reminded
    event = OutboxEvent.objects.get(name="documents.deadline_near")
    assert event.payload["assignees"] == [cast.specialist.pk] and not event.payload["overdue"]
    services.assign(document, by=cast.leader, assignee=cast.specialist, deadline=today + timedelta(days=10))
    assert services.send_deadline_reminders(today + timedelta(days=9)) == 1  # a new deadline: a new reminder
    services.complete(document, by=cast.specialist)
    document.refresh_from_db()
    assert services.send_deadline_reminders(today + timedelta(days=30)) == 0
