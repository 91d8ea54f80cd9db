"""The exchange beyond this installation, without a gateway process: the routing decision, a peer that
is down (retried with a growing backoff, nothing lost), a package the peer refuses (not retried, the
sender sees why), and the receiving endpoint (only the gateway's credential, hostile packages refused
with nothing stored)."""

import pytest
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.documents import services, transport
from congso.documents.models import IncomingDocument, RecipientStatus, Transmission
from congso.documents.transport import AXIS, LOCAL, NONE, PEER, Route, route
from tests.documents.exchange_helpers import GATEWAY_TOKEN, dispatched, document_system_credential, run_outbox
from tests.support.subprocesses import free_port

pytestmark = pytest.mark.django_db

AXIS_SERVICE = "NDXP/QUOCGIA/truc-van-ban"


def test_one_function_routes_by_the_recipient_code(settings, agency_a, agency_b):
    settings.CONGSO_DOCUMENTS_PEERS = (
        f"H22=000.00.00.H22/QLVB/lien-thong-van-ban, {agency_b.code}=X/QLVB/van-ban"
    )
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = AXIS_SERVICE
    assert route(agency_a.code) == Route(LOCAL, agency=agency_a)
    # A code configured as served elsewhere goes there, even if a row of that code exists here.
    assert route(agency_b.code) == Route(PEER, service="X/QLVB/van-ban")
    assert route("000.00.01.H22") == Route(PEER, service="000.00.00.H22/QLVB/lien-thong-van-ban")
    assert route("000.00.00.G22") == Route(AXIS, service=AXIS_SERVICE)
    assert route("") == Route(NONE)
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = ""
    assert route("000.00.00.G22") == Route(NONE)


def test_a_peer_that_is_down_is_retried_with_backoff_and_nothing_is_lost(
    settings, cast, signed_draft, agency_a, agency_b
):
    document_system_credential(agency_a)
    settings.CONGSO_DOCUMENTS_PEERS = {agency_b.code: "000.00.20.H08/QLVB/lien-thong-van-ban"}
    settings.CONGSO_DOCUMENTS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    document = dispatched(signed_draft, cast)
    assert run_outbox() == ["delivered", "retry"]  # the event is handled; the sending waits
    transmission = Transmission.objects.get()
    assert (transmission.kind, transmission.route, transmission.organ_code) == (
        "package",
        PEER,
        agency_b.code,
    )
    assert transmission.attempts == 1 and "ConnectError" in transmission.last_error
    first_wait = transmission.next_attempt_at - timezone.now()
    assert run_outbox() == []  # not due before its backoff
    assert run_outbox(make_due=True) == ["retry"]
    transmission.refresh_from_db()
    assert transmission.attempts == 2 and transmission.state == "pending"
    assert transmission.next_attempt_at - timezone.now() > first_wait  # the wait grows
    assert not IncomingDocument.objects.filter(agency=agency_b).exists()
    assert document.recipients.get(electronic=True).status == RecipientStatus.SENT


def test_a_package_the_peer_refuses_is_not_retried(
    settings, cast, signed_draft, agency_a, agency_b, monkeypatch
):
    settings.CONGSO_DOCUMENTS_PEERS = {agency_b.code: "000.00.20.H08/QLVB/lien-thong-van-ban"}

    def refuse(target, data):
        raise transport.Refused("DATA_TYPE_INVALID: thiếu DueDate")

    monkeypatch.setattr(transport, "send_package", refuse)
    document = dispatched(signed_draft, cast)
    assert run_outbox() == ["delivered", "refused"]
    recipient = document.recipients.get(electronic=True)
    assert (recipient.status, recipient.status_note) == (
        RecipientStatus.REFUSED,
        "DATA_TYPE_INVALID: thiếu DueDate",
    )
    assert run_outbox(make_due=True) == []


def test_without_a_route_the_log_says_so(settings, cast, signed_draft, agency_a):
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = ""
    issued = services.issue(signed_draft(), by=cast.clerk)
    issued.recipients.filter(electronic=True).update(agency=None, organ_code="000.00.00.G99")
    document = services.dispatch(issued, by=cast.clerk)
    assert run_outbox() == ["delivered"]
    assert document.log.filter(action="exchange", note__contains="000.00.00.G99").exists()


# --- The receiving endpoint (provider side) ---------------------------------------------------


def _post(client, kind, body, token=GATEWAY_TOKEN, caller=""):
    headers = {"HTTP_X_ROAD_CLIENT": caller, "HTTP_X_ROAD_ID": "m-1"}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post(f"/lien-thong-van-ban/{kind}", body, content_type="application/xml", **headers)


def test_the_endpoint_takes_packages_only_from_the_gateway(
    client, endpoint, cast, signed_draft, agency_b, settings
):
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = ""
    document = services.issue(signed_draft(), by=cast.clerk)
    data = services.package_for(document, document.recipients.get(electronic=True))
    assert _post(client, "goi-tin", data, token=None, caller=endpoint).status_code == 401
    assert _post(client, "goi-tin", data, token="doan-mo", caller=endpoint).status_code == 401
    assert _post(client, "goi-tin", data, caller="GOV/000.00.00.X/KHONG-CO").status_code == 401
    assert not IncomingDocument.objects.exists()
    first = _post(client, "goi-tin", data, caller=endpoint)
    assert first.status_code == 200 and first.json()["errorCode"] == 0
    again = _post(client, "goi-tin", data, caller=endpoint)
    assert again.json()["data"] == first.json()["data"]
    assert IncomingDocument.objects.get().agency == agency_b
    assert AuditEntry.objects.filter(action="documents.exchange.package_received").count() == 2


def test_the_endpoint_root_answers_the_lgsp_health_check_and_says_nothing_else(client):
    """The LGSP's health probe GETs the service's health path (the demo registers "/"): it needs no
    credential, so it must reveal nothing, and it takes nothing."""
    answer = client.get("/lien-thong-van-ban/")
    assert answer.status_code == 200
    assert answer.json() == {"errorCode": 0, "message": "Sẵn sàng", "data": None}
    assert client.post("/lien-thong-van-ban/", b"x", content_type="application/xml").status_code == 405


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&x;</edXML:edXMLEnvelope>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b"<l>&b;</l>"
)


@pytest.mark.parametrize("kind", ["goi-tin", "trang-thai"])
@pytest.mark.parametrize("body", [XXE, LAUGHS, b"<khong-phai-edxml/>", b"", b"\xff\xfe"])
def test_hostile_input_is_refused_with_a_reason_and_nothing_stored(client, endpoint, kind, body):
    answer = _post(client, kind, body, caller=endpoint)
    assert answer.status_code == 400 and answer.json()["errorCode"] == 302
    assert answer.json()["message"].startswith("DATA_TYPE_INVALID: ")
    assert not IncomingDocument.objects.exists()


def test_a_package_for_an_agency_not_here_is_refused(client, endpoint, cast, signed_draft, agency_b):
    document = services.issue(signed_draft(), by=cast.clerk)
    recipient = document.recipients.get(electronic=True)
    recipient.organ_code = "000.00.00.G22"
    answer = _post(client, "goi-tin", services.package_for(document, recipient), caller=endpoint)
    assert answer.status_code == 400 and "000.00.00.G22" in answer.json()["message"]
    assert not IncomingDocument.objects.exists()


def test_a_status_for_an_unknown_document_is_refused(client, endpoint, agency_a, settings):
    from congso.documents import edxml

    # The ministry's mail goes to the calling system, which therefore speaks for it.
    settings.CONGSO_DOCUMENTS_PEERS = {"000.00.00.G22": endpoint.split("/", 1)[1] + "/lien-thong-van-ban"}
    status = edxml.build_status(
        edxml.StatusMessage(
            from_code="000.00.00.G22",
            from_name="Bộ",
            to_code=agency_a.code,
            response_for=f"{agency_a.code},2026/03/02,99/UBND",
            status="01",
        )
    )
    answer = _post(client, "trang-thai", status, caller=endpoint)
    assert answer.status_code == 400
    assert not AuditEntry.objects.filter(action="documents.exchange.status_received").exists()


# --- The receiving end checks that the caller may speak for the sender ---------------------------


def _other_system(agency) -> str:
    """A document system of ``agency`` in the LGSP, allowed to call (the gateway checked its token)."""
    from congso.lgsp import services as lgsp

    member = lgsp.member_for_agency(agency)
    return lgsp.register_system(member, "PEER", "Hệ thống quản lý văn bản", status="connected").identifier


def test_a_package_whose_sender_is_another_agency_than_the_callers_is_refused(
    client, endpoint, cast, signed_draft, agency_b, agency_c, settings
):
    settings.CONGSO_DOCUMENTS_AXIS_SERVICE = ""
    document = services.issue(signed_draft(), by=cast.clerk)
    data = services.package_for(document, document.recipients.get(electronic=True))  # From agency A
    intruder = _other_system(agency_c)  # agency C's system sends it
    answer = _post(client, "goi-tin", data, caller=intruder)
    assert answer.status_code == 403
    assert answer.json()["errorCode"] == 403 and document.agency.code in answer.json()["message"]
    assert answer["Content-Type"].startswith("application/json")  # the exchange's envelope, not the gateway's
    assert not IncomingDocument.objects.exists()
    refusal = AuditEntry.objects.get(action="documents.exchange.package_refused")
    assert refusal.changes["client"] == intruder
    assert not AuditEntry.objects.filter(action="documents.exchange.package_received").exists()
    # The same package from agency A's own system is taken.
    assert _post(client, "goi-tin", data, caller=endpoint).status_code == 200
    assert IncomingDocument.objects.get().agency == agency_b


def test_a_status_message_from_a_system_not_of_its_sender_is_refused(
    client, endpoint, cast, signed_draft, agency_a, agency_b
):
    from congso.documents import edxml

    document = dispatched(signed_draft, cast)
    run_outbox()  # agency B (of this installation) registers it
    recipient = document.recipients.get(agency=agency_b)
    status = edxml.build_status(
        edxml.StatusMessage(
            from_code=agency_b.code,
            from_name=agency_b.name,
            to_code=agency_a.code,
            response_for=edxml.parse(services.package_for(document, recipient)).document_id,
            status="06",
        )
    )
    before = recipient.status
    # Agency A's system may not answer in agency B's name.
    answer = _post(client, "trang-thai", status, caller=endpoint)
    assert answer.status_code == 403 and answer.json()["errorCode"] == 403
    recipient.refresh_from_db()
    assert recipient.status == before
    assert not AuditEntry.objects.filter(action="documents.exchange.status_received").exists()
    # Agency B's system may.
    answer = _post(client, "trang-thai", status, caller=_other_system(agency_b))
    assert answer.status_code == 200, answer.json()
    recipient.refresh_from_db()
    assert recipient.status == "06"


def test_who_may_speak_for_an_agency(settings, agency_a, agency_b, agency_c, make_agency):
    from congso.agencies.models import AgencyKind
    from tests.factories.agencies import AgencyFactory

    system_a = document_system_credential(agency_a, "PEER")
    division = AgencyFactory(
        code="000.11.12.H08", name="Phòng Tư pháp", kind=AgencyKind.DIVISION, parent=agency_a
    )
    assert transport.may_speak_for(system_a, agency_a.code)  # its owner agency
    assert transport.may_speak_for(system_a, division.code)  # an agency below it
    assert not transport.may_speak_for(system_a, agency_c.code)
    assert not transport.may_speak_for(system_a, "")
    assert not transport.may_speak_for(None, agency_a.code)
    # The installation sends agency B's and a whole other province's mail to this system's service:
    # the system answers for them.
    settings.CONGSO_DOCUMENTS_PEERS = {
        agency_b.code: f"{system_a.member.code}/PEER/lien-thong-van-ban",
        "H22": f"{system_a.member.code}/KHAC/lien-thong-van-ban",
    }
    assert transport.may_speak_for(system_a, agency_b.code)
    assert not transport.may_speak_for(system_a, "000.00.01.H22")  # another system of the same member


def test_the_senders_refusal_by_the_receiver_is_not_retried(settings, monkeypatch):
    import httpx

    monkeypatch.setattr(transport.tokens, "get", lambda: "token")
    target = Route(PEER, service="000.00.00.H22/QLVB/lien-thong-van-ban")

    def answer(status, **kwargs):
        return lambda *args, **kw: httpx.Response(status, **kwargs)

    monkeypatch.setattr(
        transport.httpx, "request", answer(403, json={"errorCode": 403, "message": "FORBIDDEN: không được"})
    )
    with pytest.raises(transport.Refused, match="FORBIDDEN"):
        transport.send_package(target, b"<x/>")
    # The gateway's own 403 (problem+json: no access right yet) is worth retrying.
    monkeypatch.setattr(
        transport.httpx,
        "request",
        answer(
            403,
            content=b'{"title": "forbidden", "status": 403}',
            headers={"content-type": "application/problem+json"},
        ),
    )
    with pytest.raises(transport.TransportError):
        transport.send_package(target, b"<x/>")
