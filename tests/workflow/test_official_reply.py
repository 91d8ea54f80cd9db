"""A process step asks another agency's opinion as an official document and waits for the answer: the
whole loop through the documents block — the request becomes a draft, the draft is approved, signed,
issued and sent; the other agency registers it and answers; the answer, registered back with its
``ResponseFor``, publishes ``documents.reply_received``, and the process's catch event of the message
``tra-loi-van-ban`` ends, the next step opens with the answer in the workflow data."""

import pytest

from congso.core.models import OutboxEvent
from congso.documents import replies
from congso.documents import services as documents
from congso.documents.exchange import deliver_dispatched
from congso.documents.subscribers import draft_requested_document
from congso.workflow import services
from congso.workflow.models import WorkItem, WorkItemState
from congso.workflow.subscribers import official_document_reply
from tests.support.bpmn import HEADER, flow, process, service_task, user_task

pytestmark = pytest.mark.django_db

MESSAGE = '<bpmn:message id="m_reply" name="tra-loi-van-ban"/>'


def waiting_process(message=MESSAGE, ref="m_reply") -> str:
    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Đề nghị xác minh"),
            service_task(
                "ask",
                "send_official_document",
                kind="cong-van",
                subject="Xác minh nhân thân",
                agency="Công an",
            ),
            '<bpmn:intermediateCatchEvent id="wait" name="Chờ ý kiến Công an">'
            f'<bpmn:messageEventDefinition messageRef="{ref}"/></bpmn:intermediateCatchEvent>',
            user_task("b", "Xem ý kiến và giải quyết"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "ask"),
            flow("f3", "ask", "wait"),
            flow("f4", "wait", "b"),
            flow("f5", "b", "e"),
        ],
        {"Chuyên viên": ["s", "a", "ask", "wait", "b", "e"]},
    )
    return xml.replace(HEADER, HEADER + message + "\n")


def open_items(instance):
    return list(WorkItem.objects.filter(instance=instance, state=WorkItemState.OPEN))


@pytest.fixture(autouse=True)
def _documents_sandbox(media_root, settings, tmp_path_factory):
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path_factory.mktemp("pki"))


def _issue_and_send(draft, *, drafter, leader, clerk):
    if draft.drafter_id is None:  # asked for by the process: a specialist takes it
        documents.take_draft(draft, by=drafter)
    documents.submit_for_approval(draft, by=drafter, approvers=[], signer=leader)
    documents.decide(draft, by=leader, approve=True)
    documents.sign(draft, by=leader)
    documents.issue(draft, by=clerk)
    documents.dispatch(draft, by=clerk)
    return deliver_dispatched(draft.pk)


def test_the_whole_loop(world, make_dossier, deploy):
    police_clerk = world.officer("vanthu_ca", world.police, "clerk")
    police_leader = world.officer("lanhdao_ca", world.police, "leader")
    deploy(waiting_process())
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    services.complete(open_items(instance)[0], world.specialist)
    assert open_items(instance) == []  # waiting for the answer

    draft_requested_document(OutboxEvent.objects.get(name="workflow.document_requested"))
    request = documents.OutgoingDocument.objects.get(dossier=dossier)
    received = _issue_and_send(request, drafter=world.specialist, leader=world.leader, clerk=world.clerk)
    at_police = received[0]
    assert at_police.agency == world.police

    documents.assign(at_police, by=police_leader, assignee=world.police_officer)
    answer = documents.draft_outgoing(
        agency=world.police,
        by=world.police_officer,
        document_type="CV",
        summary="Kết quả xác minh nhân thân ông Nguyễn Văn An",
        drafting_unit="PV06",
        reply_to=at_police,
    )
    back = _issue_and_send(answer, drafter=world.police_officer, leader=police_leader, clerk=police_clerk)[0]
    assert back.agency == world.commune and back.answer_to.outgoing == request

    event = OutboxEvent.objects.get(name="documents.reply_received")
    assert event.payload["dossier_id"] == dossier.pk
    official_document_reply(event)
    item = open_items(instance)[0]
    assert item.task_name == "b"
    instance.refresh_from_db()
    from congso.workflow import engine

    workflow = engine.load_workflow(instance, engine.Runtime(instance, dossier, actor=None))
    answer_data = engine.workflow_data(workflow)["tra_loi_van_ban"]
    assert answer_data["number_symbol"] == answer.number_symbol and answer_data["incoming_id"] == back.pk

    # Delivered again (at least once): nothing changes.
    official_document_reply(event)
    assert [i.task_name for i in open_items(instance)] == ["b"]


def test_an_answer_nobody_waits_for_changes_nothing(world, make_dossier, deploy):
    deploy(waiting_process())
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    assert services.deliver_message(dossier.pk, "tra-loi-van-ban", {"number_symbol": "1/CA"}) is False
    assert [i.task_name for i in open_items(instance)] == ["a"]
    assert services.deliver_message(10**9, "tra-loi-van-ban", {}) is False


def test_only_the_reply_message_may_be_awaited(deploy):
    with pytest.raises(services.BpmnRejected) as rejected:
        deploy(waiting_process(message='<bpmn:message id="m_other" name="thanh-toan"/>', ref="m_other"))
    assert "tra-loi-van-ban" in str(rejected.value.errors)


def test_paper_answer_linked_by_the_clerk(world, make_dossier, deploy):
    """A paper answer: the clerk registers it and names the document it answers."""
    deploy(waiting_process())
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    services.complete(open_items(instance)[0], world.specialist)
    draft_requested_document(OutboxEvent.objects.get(name="workflow.document_requested"))
    request = documents.OutgoingDocument.objects.get(dossier=dossier)
    with pytest.raises(documents.DocumentError):
        documents.take_draft(request, by=world.clerk)  # clerks do not draft requested documents
    documents.take_draft(request, by=world.specialist)
    with pytest.raises(documents.DocumentError, match="đã có người soạn"):
        documents.take_draft(request, by=world.leader)
    documents.set_recipients(
        request, by=world.specialist, recipients=[{"name": "Công an tỉnh", "electronic": False}]
    )
    _issue_and_send(request, drafter=world.specialist, leader=world.leader, clerk=world.clerk)
    from tests.samples import pdf

    paper = documents.register_incoming(
        agency=world.commune,
        by=world.clerk,
        sender_name="Công an tỉnh Bình Dương",
        number_symbol="88/CAT-PV06",
        document_type="CV",
        issued_on=request.issued_on,
        summary="Trả lời đề nghị xác minh",
        scan=pdf("tl.pdf"),
    )
    assert replies.find_outgoing(world.commune, "9999/XX") is None
    with pytest.raises(documents.DocumentError):
        replies.link_reply(paper, request, by=world.specialist)
    replies.link_reply(paper, replies.find_outgoing(world.commune, request.number_symbol), by=world.clerk)
    with pytest.raises(documents.DocumentError, match="đã được ghi"):
        replies.link_reply(paper, request, by=world.clerk)
    official_document_reply(OutboxEvent.objects.get(name="documents.reply_received"))
    assert [i.task_name for i in open_items(instance)] == ["b"]
