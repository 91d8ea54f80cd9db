"""The receiving end of the documents exchange service (provider side, ``/lien-thong-van-ban/``): what
another installation's document system posts through the LGSP gateway.

- ``POST goi-tin`` — an edXML package for one of this installation's agencies (``To/OrganId``): registered
  once per DocumentId (a retry answers the same), "01 arrived" goes back by the usual route.
- ``POST trang-thai`` — a status message: 01 … 06, 15, 16 for a document sent from here, 13 (recall) for
  a document received here.
- ``GET`` (the root) — that the endpoint answers, for the LGSP's health check of the service; it says
  nothing else and needs no credential.

Only the gateway may call: it presents the provider credential ``CONGSO_DOCUMENTS_GATEWAY_TOKEN``
(``Authorization: Bearer …``, compared in constant time) and names the calling system in
``X-Road-Client``, which must be a system of the LGSP allowed to call today (the gateway has already
checked the caller's token and access right to this service). That system must also be allowed to
speak for the message's ``From/OrganId`` (``transport.may_speak_for``, from what the LGSP registry says
of its owner agency and member): a gateway access right to this service lets a system send, not sign
as any agency. Answers are JSON ``{errorCode, message, data}``: 0 accepted; 302 refused (400, or 413
for a body too large, with the reason, nothing stored); 403 refused because the caller may not speak for
the sender agency (403, nothing stored; the sender marks its recipient "02 refused"); 100 not
authenticated (401). The exchange's own envelope, not problem+json: a sender reads problem+json as the
gateway's answer and retries it.
"""

import hmac
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from congso.core import audit, inbound
from congso.lgsp import services as lgsp

from . import edxml, exchange_conf, transport
from .services import DocumentError

logger = logging.getLogger(__name__)

OK, AUTHEN_ERROR, DATA_TYPE_INVALID = 0, 100, 302
FORBIDDEN = 403  # congso's code: the LGSP's list has none for "may not speak for that agency"


def _answer(status: int, code: int, message: str, data=None) -> JsonResponse:
    return JsonResponse(
        {"errorCode": code, "message": message, "data": data},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _caller(request):
    """The LGSP system the gateway forwarded for, or None when the call did not come from the gateway."""
    expected = exchange_conf.gateway_token()
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return None
    if not hmac.compare_digest(token.strip().encode("utf-8", "replace"), expected.encode()):
        return None
    system = lgsp.find_system(request.headers.get("X-Road-Client", ""))
    return system if lgsp.may_call(system) else None


def _receive(request, accept, kind: str) -> JsonResponse:
    system = _caller(request)
    if system is None:
        response = _answer(401, AUTHEN_ERROR, "AUTHEN_ERROR: chỉ nhận qua cổng LGSP.")
        response["WWW-Authenticate"] = 'Bearer realm="congso-documents"'
        return response
    try:
        result = accept(
            inbound.read_body(request, edxml.MAX_PACKAGE_BYTES),
            check_sender=lambda code: transport.may_speak_for(system, code),
        )
    except inbound.BodyRefused as refused:  # too large, or a NUL byte no XML may hold
        logger.info("Exchange %s from %s refused: %s", kind, system.identifier, refused.message)
        return _answer(refused.status, DATA_TYPE_INVALID, f"DATA_TYPE_INVALID: {refused.message}")
    except transport.SenderRefused as exc:
        logger.warning("Exchange %s from %s refused: %s", kind, system.identifier, exc)
        audit.record(
            f"documents.exchange.{kind}_refused",
            label="documents",
            changes={"client": system.identifier, "reason": str(exc)[:300]},
        )
        return _answer(403, FORBIDDEN, f"FORBIDDEN: {exc}")
    except DocumentError as exc:
        logger.info("Exchange %s from %s refused: %s", kind, system.identifier, exc)
        return _answer(400, DATA_TYPE_INVALID, f"DATA_TYPE_INVALID: {exc}")
    audit.record(
        f"documents.exchange.{kind}_received",
        result,
        label="documents",
        changes={"client": system.identifier, "message": request.headers.get("X-Road-Id", "")[:100]},
    )
    return _answer(200, OK, "Thành công", {"id": getattr(result, "pk", None)})


@csrf_exempt  # called by the LGSP gateway with its provider credential, never by a browser
@require_POST
def receive_package(request):
    return _receive(request, transport.accept_package, "package")


@csrf_exempt  # as above
@require_POST
def receive_status(request):
    return _receive(request, transport.accept_status, "status")


@require_GET
def health(request):
    """For the LGSP's upstream health check: the endpoint is there (nothing else is said)."""
    return _answer(200, OK, "Sẵn sàng")
