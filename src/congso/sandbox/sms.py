"""A simulated SMS brand-name gateway, speaking the eSMS JSON protocol of STANDARDS.md §8.3.

SIMULATOR — it sends no SMS. ``POST /sandbox/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/``
with ``{ApiKey, SecretKey, Phone, Content, Brandname, SmsType, IsUnicode, Sandbox, RequestId,
CallbackUrl}`` answers ``{CodeResult: "100", CountRegenerate: 0, SMSID}``; codes 101 (bad key),
104 (brandname missing), 108 (bad phone), 146 (SmsType other than 2), 124 (duplicate RequestId — with the
first message's SMSID, so a sender that lost the first answer learns it). The page
``/sandbox/sms/`` (staff only) lists the messages received and holds the switches: answer every send
with HTTP 503, report messages failed. Delivery reports are HTTPS GETs to the CallbackUrl with SMSID,
SendStatus (5 done), SendSuccess, SendFailed, TotalSent, TotalReceiver, RequestId, TypeId 2, telcoid,
phonenumber — sent by the periodic job ``sandbox.sms_reports`` or the page's button.
"""

import hmac
import logging
import re
import uuid

import httpx
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from congso.core import inbound
from congso.core.scheduling import periodic

from .api import labelled
from .models import SimulatedSms, SimulatedSmsGatewaySwitch

logger = logging.getLogger(__name__)

PHONE = re.compile(r"^84[35789][0-9]{8}$")
# Carrier by prefix after 84 (telcoid of the report: 1 Viettel, 2 Mobifone, 3 Vinaphone).
TELCO = {"3": "1", "86": "1", "96": "1", "97": "1", "98": "1", "9": "2", "7": "2", "8": "3"}
REPORT_BATCH = 500
# One message of SendMultipleMessage_V4: a few short fields and at most a few SMS segments of text.
MAX_BODY_BYTES = 64 * 1024
ACCEPTED = "100"
DUPLICATE = "124"  # a RequestId seen before: answered with the first message's SMSID
OUTAGE = {"CodeResult": "99999", "ErrorMessage": "Simulated outage"}  # the 503 switch's answer


def _telco(phone: str) -> str:
    rest = phone[2:]
    for prefix in sorted(TELCO, key=len, reverse=True):
        if rest.startswith(prefix):
            return TELCO[prefix]
    return "2"


def _answer(body: dict, status: int = 200) -> JsonResponse:
    body = {**body, "Simulator": True}
    return labelled(JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}))


def _code(code: str, message: str) -> JsonResponse:
    return _answer({"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": message})


def refusal(data) -> tuple[str, str] | None:
    """Why the gateway refuses the send request ``data`` (already parsed JSON): ``(eSMS code, message)``,
    or None when it is acceptable. Shared by the Django view and the lean gateway (``sms_gateway``)."""
    if not isinstance(data, dict):
        return "99", "Body is not a JSON object"
    # As bytes: compare_digest raises on a str with non-ASCII characters.
    key_ok = hmac.compare_digest(
        str(data.get("ApiKey", "")).encode(), settings.CONGSO_SANDBOX_SMS_API_KEY.encode()
    )
    secret_ok = hmac.compare_digest(
        str(data.get("SecretKey", "")).encode(), settings.CONGSO_SANDBOX_SMS_SECRET_KEY.encode()
    )
    if not (key_ok and secret_ok):
        return "101", "ApiKey or SecretKey is wrong"
    if not str(data.get("Brandname", "")).strip():
        return "104", "Brandname is not registered"
    if str(data.get("SmsType", "")) != "2":
        return "146", "Only customer-care messages (SmsType 2) are simulated"
    if not PHONE.match(str(data.get("Phone", ""))):
        return "108", "Phone number is not valid"
    if not str(data.get("RequestId", ""))[:120] or not str(data.get("Content", "")):
        return "99", "RequestId and Content are required"
    return None


def message_from(data: dict) -> SimulatedSms:
    """The row an accepted send request makes (not saved), with a new SMSID."""
    return SimulatedSms(
        sms_id=uuid.uuid4().hex[:24],
        request_id=str(data.get("RequestId", ""))[:120],
        phone=str(data.get("Phone", "")),
        brandname=str(data.get("Brandname"))[:20],
        content=str(data.get("Content", "")),
        is_unicode=str(data.get("IsUnicode", "0")) == "1",
        callback_url=str(data.get("CallbackUrl", ""))[:500],
    )


def store(message: SimulatedSms) -> tuple[str, str]:
    """Keep one accepted message: ``("100", its SMSID)``, or ``("124", the first SMSID)`` when its
    RequestId was seen before (the unique index decides, whichever process wrote first)."""
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        first = SimulatedSms.objects.filter(request_id=message.request_id).values_list("sms_id", flat=True)
        return DUPLICATE, first.first() or ""
    return ACCEPTED, message.sms_id


def accepted_answer(code: str, sms_id: str) -> dict:
    """The body of an accepted (100) or duplicate (124) send."""
    body = {"CodeResult": code, "CountRegenerate": 0, "SMSID": sms_id}
    if code == DUPLICATE:
        body["ErrorMessage"] = "Duplicate RequestId"
    return body


@csrf_exempt
@require_POST
def send(request):
    """Accept one message (SendMultipleMessage_V4_post_json)."""
    if SimulatedSmsGatewaySwitch.current().fail_with_5xx:
        return _answer(OUTAGE, status=503)
    try:
        data = inbound.json_body(request, MAX_BODY_BYTES, empty={})
    except inbound.BodyRefused as refused:
        return _answer({"CodeResult": "99", "ErrorMessage": refused.message}, status=refused.status)
    except ValueError:
        return _code("99", "Body is not JSON")
    refused = refusal(data)
    if refused:
        return _code(*refused)
    return _answer(accepted_answer(*store(message_from(data))))


def send_reports(limit: int = REPORT_BATCH, client: httpx.Client | None = None) -> int:
    """Send the delivery reports of messages not yet reported. Returns how many were acknowledged."""
    switch = SimulatedSmsGatewaySwitch.current()
    pending = list(
        SimulatedSms.objects.filter(reported_at__isnull=True).exclude(callback_url="").order_by("pk")[:limit]
    )
    own = client is None
    client = client or httpx.Client(timeout=5)
    done = 0
    try:
        for message in pending:
            failed = switch.report_failed
            params = {
                "SMSID": message.sms_id,
                "SendStatus": "5",
                "SendSuccess": "0" if failed else "1",
                "SendFailed": "1" if failed else "0",
                "TotalSent": "1",
                "TotalReceiver": "1",
                "TotalPrice": "0",
                "RequestId": message.request_id,
                "TypeId": "2",
                "telcoid": _telco(message.phone),
                "phonenumber": message.phone,
            }
            try:
                # Added to the callback's own query (its signature), as the real gateway does.
                response = client.get(httpx.URL(message.callback_url).copy_merge_params(params))
            except httpx.HTTPError as error:
                logger.warning("Simulated SMS report to %s failed: %s", message.callback_url, error)
                continue
            message.reported_at = timezone.now()
            message.report_status = str(response.status_code)
            message.save(update_fields=["reported_at", "report_status"])
            done += 1
    finally:
        if own:
            client.close()
    return done


@periodic("sandbox.sms_reports", every=10)
def _sms_reports():
    send_reports()


def _staff_only(request) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def messages_page(request):
    """The messages received (newest first) and the switches. Staff only."""
    _staff_only(request)
    switch = SimulatedSmsGatewaySwitch.current()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "switch":
            switch.fail_with_5xx = request.POST.get("fail_with_5xx") == "on"
            switch.report_failed = request.POST.get("report_failed") == "on"
            switch.save()
        elif action == "reports":
            send_reports()
        return redirect("sandbox:sms")
    return render(
        request,
        "sandbox/sms.html",
        {
            "switch": switch,
            "messages_received": SimulatedSms.objects.all()[:100],
            "total": SimulatedSms.objects.count(),
            "endpoint": request.build_absolute_uri(
                "/sandbox/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/"
            ),
        },
    )
