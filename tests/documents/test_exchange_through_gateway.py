"""Issue 12's acceptance across installations: the clerk issues a document and sends it to an agency
served by *another* installation, reached through the REAL LGSP gateway process (``congso gateway`` as a
subprocess, in front of the receiving endpoint served by ``live_server``), which registers it and
answers with status messages the sender sees; and to an agency outside the province through the
simulated national document axis over live HTTP (post, pull, acknowledge), whose automatic answers
(01 arrived, 06 done) reach the sender's page. Kill-safety: a package sent twice is registered once;
a message whose acknowledgement was lost is registered once.

Both "installations" share this test's database: the routing setting (``CONGSO_DOCUMENTS_PEERS``) says
the two agencies are served elsewhere, so every package and status message really goes out through the
gateway and comes back in through the receiving endpoint."""

from datetime import date

import pytest

from congso.demo import SANDBOX_TOKEN_VARIABLE
from congso.documents import demo_exchange, edxml, services, transport
from congso.documents.models import ExchangeReceipt, IncomingDocument, RecipientStatus, Transmission
from congso.lgsp import demo as lgsp_demo
from congso.lgsp import services as lgsp
from congso.lgsp.models import MessageRecord
from congso.sandbox import document_axis
from congso.sandbox.models import AxisMessage
from congso.sandbox.services import document_axis_service, seed_outside_agencies
from tests.documents.exchange_helpers import (
    delivery_errors,
    dispatched,
    document_system_credential,
    run_outbox,
)
from tests.support.subprocesses import free_port, running_gateway, wait_until

GATEWAY_TOKEN = "khoa-cong-lgsp-goi-lien-thong-van-ban"  # noqa: S105 — test values
SANDBOX_TOKEN = "khoa-truc-van-ban-mo-phong"  # noqa: S105
OUTSIDE = ("000.00.00.G22", "Bộ Nội vụ")


@pytest.fixture
def wired(live_server, settings, tmp_path, agency_a, agency_b, media_root):
    """The exchange service and the axis registered in the LGSP; the gateway running; both agencies
    served "elsewhere"; yields the exchange service's identifier."""
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_SANDBOX_TOKEN = SANDBOX_TOKEN
    settings.CONGSO_DOCUMENTS_GATEWAY_TOKEN = GATEWAY_TOKEN
    system = document_system_credential(agency_a)
    upstream = live_server.url + "/lien-thong-van-ban"
    service = lgsp.register_service(
        system,
        demo_exchange.SERVICE_CODE,
        "Liên thông",
        upstream,
        openapi_document=demo_exchange.exchange_openapi(),
    )
    lgsp.set_upstream(service, upstream, token_variable=demo_exchange.UPSTREAM_TOKEN_VARIABLE)
    lgsp.grant_access(service, system=system)
    axis = document_axis_service()
    (registered_axis,) = lgsp_demo.seed_national_services(
        [
            {
                "code": axis.code,
                "name": axis.name,
                "upstream_url": live_server.url + axis.base_path,
                "openapi": axis.openapi,
                "upstream_token_variable": SANDBOX_TOKEN_VARIABLE,
            }
        ],
        consumer_code=system.code,
    )
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = registered_axis.path_identifier
    settings.CONGSO_DOCUMENTS_PEERS = {
        agency_a.code: service.path_identifier,
        agency_b.code: service.path_identifier,
    }
    env = {demo_exchange.UPSTREAM_TOKEN_VARIABLE: GATEWAY_TOKEN, SANDBOX_TOKEN_VARIABLE: SANDBOX_TOKEN}
    with running_gateway(tmp_path, env) as base:
        settings.CONGSO_DOCUMENTS_GATEWAY_URL = base
        yield service.path_identifier


def done(outcomes) -> bool:
    """Every delivery and transmission of the round went through."""
    return bool(outcomes) and set(outcomes) <= {"delivered", "sent"}


def _logged(path_suffix: str, status: int = 200) -> int:
    return MessageRecord.objects.filter(path__endswith=path_suffix, status=status).count()


@pytest.mark.django_db(transaction=True)
def test_another_installation_receives_and_answers_through_the_gateway(wired, cast, signed_draft, agency_b):
    document = dispatched(signed_draft, cast)
    assert done(run_outbox()), delivery_errors()  # the package, then the receiver's "01 arrived"
    received = IncomingDocument.objects.get(agency=agency_b)
    assert received.sender_code == document.agency.code and received.attachments.exists()
    electronic = document.recipients.get(electronic=True)
    electronic.refresh_from_db()
    assert electronic.status == RecipientStatus.ARRIVED

    services.assign(received, by=cast.leader_b, assignee=cast.clerk_b, opinion="Nghiên cứu, tham mưu")
    assert done(run_outbox()), delivery_errors()
    electronic.refresh_from_db()
    assert electronic.status == RecipientStatus.ASSIGNED
    # Every message went out through the gateway and was logged there.
    wait_until(
        lambda: _logged(f"{wired}/goi-tin") == 1 and _logged(f"{wired}/trang-thai") == 2,
        timeout=20,
        message=f"the gateway's log, now {list(MessageRecord.objects.values_list('path', 'status'))}",
    )

    transport.deliver_dispatched(document.pk)  # the same package sent again (a retry after a crash)
    assert done(run_outbox()), delivery_errors()
    assert IncomingDocument.objects.filter(agency=agency_b).count() == 1
    wait_until(lambda: _logged(f"{wired}/goi-tin") == 2, timeout=20)


@pytest.mark.django_db(transaction=True)
def test_an_agency_outside_the_province_through_the_national_axis(wired, cast, signed_draft, agency_a):
    seed_outside_agencies([OUTSIDE], delay_seconds=0)
    issued = services.issue(signed_draft(), by=cast.clerk)
    issued.recipients.filter(electronic=True).update(agency=None, organ_code=OUTSIDE[0], name=OUTSIDE[1])
    document = services.dispatch(issued, by=cast.clerk)
    assert done(run_outbox()), delivery_errors()
    assert AxisMessage.objects.filter(kind="package", recipient_code=OUTSIDE[0]).count() == 1

    assert transport.pull_axis([agency_a.code]) == 2  # the outside agency's 01, then its 06
    recipient = document.recipients.get(organ_code=OUTSIDE[0])
    assert recipient.status == RecipientStatus.DONE
    notes = list(document.log.filter(action="recipient_status").values_list("note", flat=True))
    assert [n.split(": ")[1] for n in notes] == ["Đã đến", "Đã hoàn thành"]
    assert transport.pull_axis([agency_a.code]) == 0  # acknowledged: nothing comes again


@pytest.mark.django_db(transaction=True)
def test_a_package_from_the_axis_is_registered_once_even_if_the_acknowledgement_is_lost(
    wired, cast, agency_a, monkeypatch
):
    package = edxml.build(
        edxml.Package(
            from_code=OUTSIDE[0],
            from_name=OUTSIDE[1],
            to_code=agency_a.code,
            to_name=agency_a.name,
            number=112,
            notation="BNV-CCHC",
            place="Hà Nội",
            issued_on=date(2026, 3, 2),
            type_code="CV",
            type_name="Công văn",
            subject="Về việc báo cáo cải cách hành chính",
            content="Đề nghị các địa phương báo cáo.",
            signer_competence="KT.",
            signer_position="Thứ trưởng",
            signer_name="Nguyễn Văn B",
        )
    )
    document_axis.post_message(package, expected_kind=AxisMessage.PACKAGE)  # the ministry's system posts it
    real_call = transport._call

    def acknowledgement_lost(method, service, path, **kwargs):
        if path == "/api/xac-nhan":
            raise transport.TransportError("connection reset")
        return real_call(method, service, path, **kwargs)

    monkeypatch.setattr(transport, "_call", acknowledgement_lost)
    with pytest.raises(transport.TransportError):
        transport.pull_axis([agency_a.code])
    monkeypatch.setattr(transport, "_call", real_call)
    assert IncomingDocument.objects.filter(agency=agency_a).count() == 1
    assert transport.pull_axis([agency_a.code]) == 1  # delivered again: only acknowledged
    received = IncomingDocument.objects.get(agency=agency_a)
    assert received.number_symbol == "112/BNV-CCHC" and ExchangeReceipt.objects.count() == 1
    assert not AxisMessage.objects.filter(recipient_code=agency_a.code, acknowledged_at=None).exists()
    # "01 arrived" goes back to the ministry through the axis.
    assert done(run_outbox()), delivery_errors()
    answer = AxisMessage.objects.get(kind="status", recipient_code=OUTSIDE[0])
    assert (answer.status_code, answer.document_id) == ("01", received.exchange_id)


@pytest.mark.django_db(transaction=True)
def test_a_peer_that_was_down_gets_the_package_once_it_is_back(wired, cast, signed_draft, agency_b, settings):
    gateway = settings.CONGSO_DOCUMENTS_GATEWAY_URL
    settings.CONGSO_DOCUMENTS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}"  # the way there is down
    dispatched(signed_draft, cast)
    assert run_outbox() == ["delivered", "retry"]
    assert not IncomingDocument.objects.filter(agency=agency_b).exists()
    settings.CONGSO_DOCUMENTS_GATEWAY_URL = gateway  # back
    assert done(run_outbox(make_due=True)), delivery_errors()
    assert IncomingDocument.objects.filter(agency=agency_b).count() == 1
    assert Transmission.objects.filter(state="sent").count() == 2  # the package and "01 arrived"
