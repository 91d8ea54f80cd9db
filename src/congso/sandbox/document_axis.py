"""The simulated national document axis (trục liên thông văn bản quốc gia, STANDARDS §5): agencies
exchange edXML packages (QCVN 102:2016) and status messages through mailboxes, pull and acknowledge.

- ``POST …/api/goi-tin`` — a sender posts an edXML package (the body, ``application/xml``); the axis
  files it in the mailbox of the package's ``To/OrganId``. The same DocumentId to the same recipient
  posted again is the same message (a sender's retry after a lost answer).
- ``POST …/api/trang-thai`` — a status message (01 arrived … 06 done, 13/15/16 recall) for the sender
  named by its ``To/OrganId``; deduplicated the same way per status code.
- ``GET …/api/hop-thu?ma_dinh_danh=<code>`` — up to ``BATCH`` messages waiting for that agency, oldest
  first, each with its ``MessageId``, kind, sender, DocumentId and the bytes in base64. A message stays
  in the mailbox until acknowledged: one whose acknowledgement was lost comes again.
- ``POST …/api/xac-nhan`` — ``{"ma_dinh_danh": code, "MessageIds": [...]}`` removes them from the
  mailbox.

Agencies of ``AxisAgency`` with ``answers_automatically`` stand for ministries and other provinces: a
package to one is answered at once with "01 arrived" and, ``answer_delay_seconds`` later, "06 done", so
the demo shows statuses moving. Everything is labelled a simulator and authenticated with the sandbox's
bearer token (``api.endpoint``); the real axis's own credentials and envelope signature are not
simulated. The XML is read with ``defusedxml`` (no DTD, no entities) and only the routing fields are
looked at: checking the package is the recipient's job.
"""

import base64
import uuid
from datetime import timedelta
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone

from congso.core import inbound

from . import api, openapi
from .models import AxisAgency, AxisMessage

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
ET.register_namespace("edXML", NS)
MAX_BYTES = 30 * 1024 * 1024
BATCH = 20
CODE_MAX = 20


class Refused(Exception):
    """The axis refuses a message; ``str()`` is the reason sent back."""


def base_path() -> str:
    return reverse("sandbox:index") + "truc-van-ban"


def _read_body(request) -> bytes:
    try:
        data = inbound.read_body(request, MAX_BYTES)
    except inbound.BodyRefused as refused:  # too large, or a NUL byte no XML may hold
        raise Refused(f"DATA_TYPE_INVALID: {refused.message}") from None
    if not data:
        raise Refused("DATA_TYPE_INVALID: thiếu nội dung gói tin.")
    return data


def _text(root, path: str) -> str:
    element = root.find(path, {"e": NS})
    return (element.text or "").strip() if element is not None else ""


def read_envelope(data: bytes) -> dict:
    """The routing fields of a package (``edXMLEnvelope``) or status message (``Status``)."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise Refused(f"DATA_TYPE_INVALID: không đọc được XML ({type(exc).__name__}).") from exc
    if root.tag == f"{{{NS}}}edXMLEnvelope":
        header = "e:edXMLHeader/e:MessageHeader/"
        fields = {
            "kind": AxisMessage.PACKAGE,
            "sender": _text(root, header + "e:From/e:OrganId"),
            "recipient": _text(root, header + "e:To/e:OrganId"),
            "document_id": _text(root, header + "e:DocumentId"),
            "status": "",
        }
    elif root.tag == f"{{{NS}}}Status":
        fields = {
            "kind": AxisMessage.STATUS,
            "sender": _text(root, "e:Header/e:From/e:OrganId"),
            "recipient": _text(root, "e:Header/e:To/e:OrganId"),
            "document_id": _text(root, "e:Header/e:ResponseFor"),
            "status": _text(root, "e:Header/e:StatusCode")[:2],
        }
    else:
        raise Refused("DATA_TYPE_INVALID: không phải gói tin edXML hay thông điệp trạng thái.")
    if not fields["sender"] or not fields["recipient"] or not fields["document_id"]:
        raise Refused("DATA_TYPE_INVALID: thiếu mã nơi gửi, nơi nhận hoặc DocumentId.")
    if len(fields["sender"]) > CODE_MAX or len(fields["recipient"]) > CODE_MAX:
        raise Refused("DATA_TYPE_INVALID: mã định danh quá dài.")
    if len(fields["document_id"]) > 200:
        raise Refused("DATA_TYPE_INVALID: DocumentId quá dài.")
    return fields


def post_message(data: bytes, *, expected_kind: str, available_at=None) -> AxisMessage:
    """File ``data`` in its recipient's mailbox; the same message posted again returns the first."""
    fields = read_envelope(data)
    if fields["kind"] != expected_kind:
        raise Refused("DATA_TYPE_INVALID: sai loại thông điệp cho địa chỉ này.")
    same = AxisMessage.objects.filter(
        kind=fields["kind"],
        sender_code=fields["sender"],
        recipient_code=fields["recipient"],
        document_id=fields["document_id"],
        status_code=fields["status"],
    ).first()
    if same is not None:
        return same
    now = timezone.now()
    with transaction.atomic():
        message = AxisMessage.objects.create(
            message_id=uuid.uuid4().hex,
            kind=fields["kind"],
            sender_code=fields["sender"],
            recipient_code=fields["recipient"],
            document_id=fields["document_id"],
            status_code=fields["status"],
            body=data,
            posted_at=now,
            available_at=available_at or now,
        )
        if fields["kind"] == AxisMessage.PACKAGE:
            _answer_for_outside_agency(fields, now)
    return message


def status_message(*, from_code: str, from_name: str, to_code: str, document_id: str, code: str) -> bytes:
    """A status message as QCVN 102:2016 shapes it (what an outside agency's software would send)."""
    root = ET.Element(f"{{{NS}}}Status")
    header = ET.SubElement(root, f"{{{NS}}}Header")
    sender = ET.SubElement(header, f"{{{NS}}}From")
    ET.SubElement(sender, f"{{{NS}}}OrganId").text = from_code
    ET.SubElement(sender, f"{{{NS}}}OrganName").text = from_name
    to = ET.SubElement(header, f"{{{NS}}}To")
    ET.SubElement(to, f"{{{NS}}}OrganId").text = to_code
    ET.SubElement(header, f"{{{NS}}}ResponseFor").text = document_id
    ET.SubElement(header, f"{{{NS}}}StatusCode").text = code
    ET.SubElement(header, f"{{{NS}}}Description").text = "Trả lời tự động của cơ quan mô phỏng"
    ET.SubElement(header, f"{{{NS}}}Timestamp").text = timezone.localtime().strftime("%Y/%m/%d %H:%M:%S")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _answer_for_outside_agency(fields: dict, now) -> None:
    """An outside agency that answers automatically: "01 arrived" now, "06 done" after its delay."""
    outside = AxisAgency.objects.filter(code=fields["recipient"], answers_automatically=True).first()
    if outside is None:
        return
    for code, at in (("01", now), ("06", now + timedelta(seconds=outside.answer_delay_seconds))):
        AxisMessage.objects.create(
            message_id=uuid.uuid4().hex,
            kind=AxisMessage.STATUS,
            sender_code=outside.code,
            recipient_code=fields["sender"],
            document_id=fields["document_id"],
            status_code=code,
            body=status_message(
                from_code=outside.code,
                from_name=outside.name,
                to_code=fields["sender"],
                document_id=fields["document_id"],
                code=code,
            ),
            posted_at=now,
            available_at=at,
        )


def pending_for(code: str, limit: int = BATCH) -> list[AxisMessage]:
    """What waits in ``code``'s mailbox now, in the order it was posted (each counted as delivered)."""
    now = timezone.now()
    messages = list(
        AxisMessage.objects.filter(
            recipient_code=code, acknowledged_at__isnull=True, available_at__lte=now
        ).order_by("pk")[:limit]
    )
    if messages:
        AxisMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            delivered_count=F("delivered_count") + 1
        )
    return messages


def acknowledge(code: str, message_ids: list[str]) -> int:
    """Remove ``message_ids`` from ``code``'s mailbox (another agency's messages are left alone)."""
    return AxisMessage.objects.filter(
        recipient_code=code, message_id__in=message_ids, acknowledged_at__isnull=True
    ).update(acknowledged_at=timezone.now())


def _item(message: AxisMessage) -> dict:
    return {
        "MessageId": message.message_id,
        "Loai": "edXML" if message.kind == AxisMessage.PACKAGE else "Status",
        "NoiGui": message.sender_code,
        "DocumentId": message.document_id,
        "MaTrangThai": message.status_code,
        "NoiDung": base64.b64encode(bytes(message.body)).decode("ascii"),
    }


def _post(request, kind: str):
    try:
        message = post_message(_read_body(request), expected_kind=kind)
    except Refused as exc:
        return api.failure(400, api.DATA_TYPE_INVALID, str(exc))
    except IntegrityError:  # two copies posted at the same instant: the other one won
        return api.failure(409, 409, "Thông điệp đang được ghi nhận, hãy gửi lại.")
    return api.answer({"MessageId": message.message_id, "DocumentId": message.document_id})


@api.endpoint("POST")
def send_package(request):
    return _post(request, AxisMessage.PACKAGE)


@api.endpoint("POST")
def send_status(request):
    return _post(request, AxisMessage.STATUS)


def _valid_code(code: str) -> bool:
    return bool(code) and len(code) <= CODE_MAX and all(c.isalnum() or c in ".-_" for c in code)


@api.endpoint("GET")
def mailbox(request):
    code = request.GET.get("ma_dinh_danh", "").strip()
    if not _valid_code(code):
        return api.failure(400, api.DATA_TYPE_INVALID, "DATA_TYPE_INVALID: thiếu hoặc sai ma_dinh_danh.")
    return api.answer([_item(m) for m in pending_for(code)])


@api.endpoint("POST")
def acknowledge_view(request):
    try:
        body = inbound.json_body(request, 64 * 1024, empty={})
    except inbound.BodyRefused as refused:
        return api.failure(refused.status, api.DATA_TYPE_INVALID, f"DATA_TYPE_INVALID: {refused.message}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return api.failure(400, api.DATA_TYPE_INVALID, "DATA_TYPE_INVALID: nội dung phải là JSON.")
    code = str(body.get("ma_dinh_danh", "")).strip()
    ids = body.get("MessageIds")
    if not _valid_code(code) or not isinstance(ids, list) or len(ids) > 100:
        return api.failure(
            400, api.DATA_TYPE_INVALID, "DATA_TYPE_INVALID: cần ma_dinh_danh và MessageIds (tối đa 100)."
        )
    return api.answer({"DaXacNhan": acknowledge(code, [str(i)[:40] for i in ids])})


def axis_document() -> dict:
    """The OpenAPI description the LGSP registers (and routes and logs by)."""
    ok = {"200": {"description": "errorCode 0 thành công"}, **openapi.ERRORS}
    xml_body = {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}
    return openapi._document(
        "Trục liên thông văn bản quốc gia (mô phỏng)",
        "Gửi gói tin edXML và thông điệp trạng thái; nhận (kéo) và xác nhận theo mã định danh cơ quan.",
        base_path(),
        {
            "/api/goi-tin": {
                "post": {"summary": "Gửi một gói tin edXML", "requestBody": xml_body, "responses": ok}
            },
            "/api/trang-thai": {
                "post": {"summary": "Gửi một thông điệp trạng thái", "requestBody": xml_body, "responses": ok}
            },
            "/api/hop-thu": {
                "get": {
                    "summary": "Các thông điệp đang chờ của một cơ quan",
                    "parameters": [
                        {
                            "name": "ma_dinh_danh",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": ok,
                }
            },
            "/api/xac-nhan": {
                "post": {
                    "summary": "Xác nhận đã nhận (xóa khỏi hộp thư)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": ok,
                }
            },
        },
        {},
    )


@api.document
def openapi_document(request):
    return JsonResponse(axis_document(), json_dumps_params={"ensure_ascii": False})


def seed_outside_agencies(agencies: list[tuple[str, str]], delay_seconds: int = 60) -> None:
    """Agencies outside this installation that answer automatically on the axis (demo); idempotent."""
    for code, name in agencies:
        AxisAgency.objects.update_or_create(
            code=code, defaults={"name": name, "answer_delay_seconds": delay_seconds}
        )
