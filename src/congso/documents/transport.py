"""How edXML packages and status messages reach an agency that is not one of this installation's: the
routing decision, the calls through the LGSP gateway, and the pull of the national document axis.

**Routing** (``route``), by the recipient's electronic identifier code, in this order:

1. a *peer* — the code, or its last part (``H22``), is in ``CONGSO_DOCUMENTS_PEERS``: another congso
   installation (or another document system) registered in the LGSP; the package is POSTed through the
   gateway to ``/r1/<its service>/goi-tin`` and status messages to ``…/trang-thai``. Configuration wins
   over a local row of the same code: an agency moved to another installation keeps its code;
2. *local* — an agency of this installation: the bytes are handed to ``services.receive_package`` /
   ``receive_status`` in the same process (``exchange``);
3. the *national axis* (``CONGSO_DOCUMENTS_AXIS_SERVICE``, through the gateway): posted to its
   ``/api/goi-tin`` / ``/api/trang-thai``; the recipient pulls it from there;
4. *none* — no electronic route: the recipient stays "sent", the handling log says why.

**Sending and failures.** The outbox subscriber (``documents.exchange_*``) does not call the other
system itself: it writes a ``Transmission`` in the event's transaction and enqueues the task
``documents.send_transmission``, which sends it *outside* any transaction (a call must not hold the
database: on SQLite the receiving end, here the sandbox's axis, would wait for the lock) — the outbox
pattern once more, one step further. A peer or axis that is down, slow or refuses the platform (the
gateway's 401/403 problem+json, 5xx, no answer) is retried with the outbox's backoff
(``core.events.backoff_delay``), without end, so nothing is lost; the sweep
``documents.transmission_sweep`` sends what is due should a task be lost. Receivers register a
DocumentId once and the axis files the same message once, so a package sent twice is registered once. A
package the receiver itself refuses (HTTP 400 malformed, 403 the calling system may not speak for the
sender agency, 404/409/422) is not retried: the recipient is marked "02 refused" with the reason.

**Pull** (``pull_axis``, the periodic job ``documents.axis_pull``): for every agency in force, the
waiting messages are taken from the axis's mailbox, each applied once (``ExchangeReceipt`` remembers its
id, in the same transaction as what it registered) and acknowledged; a message whose acknowledgement was
lost comes again and is only acknowledged.
"""

import base64
import logging
import threading
import time
import uuid
from dataclasses import dataclass

import httpx
from django.db import IntegrityError, transaction
from django.utils import timezone

from congso.agencies import services as agencies
from congso.lgsp import services as lgsp

from . import edxml, exchange_conf, services
from .models import (
    ExchangeReceipt,
    IncomingDocument,
    LogEntry,
    OutgoingDocument,
    RecipientStatus,
    Transmission,
)

logger = logging.getLogger(__name__)

LOCAL, PEER, AXIS, NONE = "local", "peer", "axis", "none"
AXIS_CHANNEL = "axis"


class TransportError(Exception):
    """A delivery beyond this installation failed and should be tried again later."""


class Refused(Exception):
    """The receiving side refused the message itself (malformed, not its agency): retrying is useless."""


@dataclass(frozen=True)
class Route:
    kind: str
    service: str = ""  # MEMBER/SYSTEM/SERVICE in the LGSP, for a peer or the axis
    agency: object = None  # the local agency


def _peer_for(code: str) -> str:
    configured = exchange_conf.peers()
    if code in configured:
        return configured[code]
    return configured.get(code.rsplit(".", 1)[-1], "") if "." in code else ""


def route(code: str) -> Route:
    """Where a message for the agency with electronic identifier code ``code`` goes (see the module)."""
    code = (code or "").strip()
    if not code:
        return Route(NONE)
    peer = _peer_for(code)
    if peer:
        return Route(PEER, service=peer)
    local = agencies.agencies_by_code([code]).get(code)
    if local is not None:
        return Route(LOCAL, agency=local)
    axis = exchange_conf.axis_service()
    return Route(AXIS, service=axis) if axis else Route(NONE)


# --- Calls through the LGSP gateway -----------------------------------------------------------


class _TokenCache:
    """The document system's LGSP access token, reused until 30 s before it expires (per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._token, self._until, self._for = "", 0.0, ("", "")

    def get(self) -> str:
        wanted = (exchange_conf.client_id(), exchange_conf.client_secret())
        with self._lock:
            if self._token and self._for == wanted and time.monotonic() < self._until:
                return self._token
            if not wanted[1]:
                raise TransportError("no LGSP credential configured (CONGSO_DOCUMENTS_CLIENT_SECRET)")
            try:
                issued = lgsp.issue_token(*wanted)
            except lgsp.TokenError as exc:
                raise TransportError(f"LGSP token refused: {exc.error}") from exc
            self._token, self._for = issued.access_token, wanted
            self._until = time.monotonic() + max(0, issued.expires_in - 30)
            return self._token

    def forget(self) -> bool:
        """Drop the token; whether there was one (so a caller asks for a new one only once)."""
        with self._lock:
            had = bool(self._token)
            self._token, self._until = "", 0.0
            return had


tokens = _TokenCache()


def _call(method: str, service: str, path: str, **request):
    """One call to ``service`` through the gateway; the answer's JSON body, or an exception: ``Refused``
    for the receiver's own 400/403/404/409/422 that names the message, ``TransportError`` for anything
    worth retrying. A token the gateway no longer accepts (its key rotated away) is replaced once at once."""
    try:
        return _call_once(method, service, path, **request)
    except _StaleToken:
        pass
    try:
        return _call_once(method, service, path, **request)
    except _StaleToken:
        raise TransportError(f"{service}{path}: HTTP 401 from the gateway with a fresh token") from None


class _StaleToken(Exception):
    pass


def _call_once(method: str, service: str, path: str, *, content: bytes | None = None, params=None, json=None):
    url = f"{exchange_conf.gateway_url()}/r1/{service}{path}"
    headers = {
        "Authorization": f"Bearer {tokens.get()}",
        # A new id per attempt: the gateway refuses a message id it has seen (its replay protection).
        "X-Road-Id": f"congso-{uuid.uuid4().hex}",
        "X-Road-UserId": "system:congso",
        "Accept": "application/json",
    }
    if content is not None:
        headers["Content-Type"] = "application/xml; charset=utf-8"
    limit = exchange_conf.timeout_seconds()
    try:
        answer = httpx.request(
            method,
            url,
            content=content,
            params=params,
            json=json,
            headers=headers,
            timeout=httpx.Timeout(limit, connect=min(limit, 3.0)),
        )
    except httpx.HTTPError as exc:
        raise TransportError(f"{service}{path}: {type(exc).__name__}") from exc
    try:
        body = answer.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    if answer.status_code < 300 and body.get("errorCode", 0) == 0:
        return body
    reason = str(body.get("message") or body.get("detail") or body.get("title") or "")[:400]
    is_gateways = answer.headers.get("content-type", "").startswith("application/problem+json")
    if answer.status_code == 401 and is_gateways and tokens.forget():
        raise _StaleToken
    # 403 from the receiver itself (not the gateway's problem+json): the calling system may not speak
    # for the sender agency there; sending again changes nothing until a registry does.
    if answer.status_code in (400, 403, 404, 409, 422) and not is_gateways:
        raise Refused(reason or f"HTTP {answer.status_code}")
    raise TransportError(f"{service}{path}: HTTP {answer.status_code} {reason}".strip())


def _paths(target: Route) -> tuple[str, str]:
    return ("/api/goi-tin", "/api/trang-thai") if target.kind == AXIS else ("/goi-tin", "/trang-thai")


def send_package(target: Route, data: bytes) -> None:
    _call("POST", target.service, _paths(target)[0], content=data)


def send_status(target: Route, data: bytes) -> None:
    _call("POST", target.service, _paths(target)[1], content=data)


def _note(document, note: str) -> None:
    field = "incoming" if isinstance(document, IncomingDocument) else "outgoing"
    LogEntry.objects.create(**{field: document}, actor=None, action="exchange", note=note[:1000])


# --- Outgoing: packages of a dispatched document, status messages -----------------------------


def _queue(kind: str, target: Route, organ_code: str, **fields) -> Transmission:
    """A message for ``organ_code`` to send through the gateway, written in the caller's transaction
    (the outbox delivery's) and handed to the task, which sends it after the commit."""
    from . import tasks

    transmission = Transmission.objects.create(
        kind=kind,
        organ_code=organ_code,
        route=target.kind,
        service=target.service,
        next_attempt_at=timezone.now(),
        **fields,
    )
    tasks.send_transmission.enqueue(transmission.pk)
    return transmission


def deliver_dispatched(document_id: int) -> list:
    """Each electronic recipient's package, by its route: registered at once for an agency of this
    installation (returned), queued for sending through the gateway otherwise."""
    document = OutgoingDocument.objects.select_related("agency").filter(pk=document_id).first()
    if document is None:
        return []
    received = []
    for recipient in document.recipients.filter(electronic=True).exclude(organ_code=""):
        target = route(recipient.organ_code)
        if target.kind == LOCAL:
            package = services.package_for(document, recipient)
            try:
                received.append(services.receive_package(target.agency, package))
            except services.DocumentError as exc:
                # Refused by the receiving agency (a broken envelope signature …): "02 refused" with the
                # reason, as a peer's refusal; delivering it again would be refused again.
                services.record_recipient_status(
                    document, organ_code=recipient.organ_code, status=RecipientStatus.REFUSED, note=str(exc)
                )
        elif target.kind == NONE:
            _note(document, f"{recipient.organ_code}: không có đường gửi điện tử / no electronic route")
        else:
            _queue(Transmission.Kind.PACKAGE, target, recipient.organ_code, outgoing=document)
    return received


def _status_bytes(*, outgoing, incoming, organ_code: str, status: str, description: str) -> bytes:
    from . import recall

    if outgoing is not None:  # the sender's recall request
        return recall.request_message(outgoing, organ_code, description)
    return services.status_message_for(incoming, status, description)


def send_status_to(to_code: str, *, status: str, description: str = "", outgoing=None, incoming=None):
    """A status message for the agency ``to_code``: applied at once when it is an agency of this
    installation, queued for the gateway otherwise. ``incoming``: the receiver's status about a document
    it received; ``outgoing``: the sender's recall request (13) about a document it sent."""
    target = route(to_code)
    if target.kind == LOCAL:
        return accept_status(
            _status_bytes(
                outgoing=outgoing,
                incoming=incoming,
                organ_code=to_code,
                status=status,
                description=description,
            )
        )
    if target.kind == NONE:
        return None
    return _queue(
        Transmission.Kind.STATUS,
        target,
        to_code,
        outgoing=outgoing,
        incoming=incoming,
        status_code=status,
        description=(description or "")[:500],
    )


def deliver_status(document_id: int, status: str, description: str = ""):
    document = IncomingDocument.objects.select_related("agency").filter(pk=document_id).first()
    if document is None or not document.sender_code:
        return None
    return send_status_to(document.sender_code, status=status, description=description, incoming=document)


def _bytes_of(transmission: Transmission) -> bytes:
    if transmission.kind == Transmission.Kind.PACKAGE:
        document = transmission.outgoing
        recipient = document.recipients.filter(organ_code=transmission.organ_code).first()
        if recipient is None:
            raise Refused(f"{transmission.organ_code} is no longer a recipient")
        return services.package_for(document, recipient)
    return _status_bytes(
        outgoing=transmission.outgoing,
        incoming=transmission.incoming,
        organ_code=transmission.organ_code,
        status=transmission.status_code,
        description=transmission.description,
    )


def attempt_send(transmission_id: int) -> str:
    """Try to send one transmission once, outside any transaction: ``sent``, ``retry`` (the task is
    enqueued again after the backoff), ``refused`` (the receiver refused it: not retried; a refused
    package marks its recipient "02 refused" with the reason) or ``skipped`` (not due, already sent, or
    another worker claimed it)."""
    from congso.core.events import backoff_delay

    from . import tasks

    pending = Transmission.objects.filter(pk=transmission_id, state=Transmission.State.PENDING)
    transmission = pending.select_related("outgoing__agency", "incoming__agency").first()
    now = timezone.now()
    if transmission is None or transmission.next_attempt_at > now:
        return "skipped"
    attempts = transmission.attempts + 1
    retry_at = now + backoff_delay(attempts)
    # Claimed by moving its next attempt forward: a sweep or a duplicate task finds it not due.
    if not pending.filter(attempts=transmission.attempts).update(attempts=attempts, next_attempt_at=retry_at):
        return "skipped"
    target = Route(transmission.route, service=transmission.service)
    try:
        data = _bytes_of(transmission)
        (send_package if transmission.kind == Transmission.Kind.PACKAGE else send_status)(target, data)
    except Refused as exc:
        pending.update(state=Transmission.State.REFUSED, last_error=str(exc)[:1000])
        if transmission.kind == Transmission.Kind.PACKAGE:
            services.record_recipient_status(
                transmission.outgoing,
                organ_code=transmission.organ_code,
                status=RecipientStatus.REFUSED,
                note=str(exc),
            )
        return "refused"
    except (TransportError, services.DocumentError) as exc:
        logger.warning("Transmission %s failed (attempt %s): %s", transmission_id, attempts, exc)
        pending.update(last_error=str(exc)[:1000])
        tasks.send_transmission.using(run_after=retry_at).enqueue(transmission_id)
        return "retry"
    pending.update(state=Transmission.State.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def send_due(limit: int = 100) -> dict[str, int]:
    """Send the transmissions whose attempt is due (the sweep, should a task have been lost)."""
    due = Transmission.objects.filter(state=Transmission.State.PENDING, next_attempt_at__lte=timezone.now())
    outcomes: dict[str, int] = {}
    for pk in due.order_by("pk").values_list("pk", flat=True)[:limit]:
        outcome = attempt_send(pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


# --- Incoming: what peers post and what the axis holds ----------------------------------------


class SenderRefused(services.DocumentError):
    """The calling system may not speak for the message's ``From`` agency."""


def may_speak_for(system, organ_code: str) -> bool:
    """Whether the LGSP ``system`` (``lgsp.services.find_system``) may send documents and statuses as
    the agency ``organ_code``: the system's owner agency or its member's agency is that agency or one
    above it in the tree (a province's document system speaks for the province's agencies), or this
    installation sends that agency's mail to a service of this very system (``CONGSO_DOCUMENTS_PEERS``:
    the system we deliver to for an agency is the one that answers for it)."""
    if system is None or not organ_code:
        return False
    owners = {a.pk: a for a in (system.owner_agency, getattr(system.member, "agency", None)) if a is not None}
    for owner in owners.values():
        if owner.code == organ_code:
            return True
        if any(a.code == organ_code for a in agencies.agency_descendants(owner)):
            return True
    target = route(organ_code)
    if target.kind == PEER:
        member, _sep, rest = target.service.partition("/")
        return member == system.member.code and rest.split("/", 1)[0] == system.code
    return False


def _check_sender(check, organ_code: str) -> None:
    if check is not None and not check(organ_code):
        # Machine-facing, like every answer of the exchange endpoint: Vietnamese, not translated.
        raise SenderRefused(f"{organ_code}: hệ thống gọi không được gửi thay cơ quan này (From/OrganId).")


def accept_package(data: bytes, check_sender=None) -> IncomingDocument:
    """Register a package for one of this installation's agencies (named by its ``To``). With
    ``check_sender(organ_code)``, a package whose ``From`` it refuses raises ``SenderRefused`` and
    stores nothing."""
    try:
        package = edxml.parse(data)
    except edxml.PackageError as exc:
        raise services.DocumentError(str(exc)) from exc
    _check_sender(check_sender, package.from_code)
    agency = agencies.agencies_by_code([package.to_code]).get(package.to_code)
    if agency is None:
        raise services.DocumentError(f"{package.to_code}: không phải cơ quan của hệ thống này.")
    return services.receive_package(agency, data)


def accept_status(data: bytes, check_sender=None):
    """Apply a status message: a recall request (13) to the received document it names, any other code
    (01 … 06, 15, 16) to the sender's outgoing document, per recipient. ``check_sender`` as for
    ``accept_package``."""
    from . import recall

    try:
        message = edxml.parse_status(data)
    except edxml.PackageError as exc:
        raise services.DocumentError(str(exc)) from exc
    _check_sender(check_sender, message.from_code)
    if message.status == RecipientStatus.RECALLED:
        return recall.receive_request(message)
    return services.receive_status(data)


def _apply(kind: str, data: bytes):
    return accept_package(data) if kind == "edXML" else accept_status(data)


def _take(item: dict) -> bool:
    """Apply one mailbox item once; True when it may be acknowledged."""
    message_id = str(item.get("MessageId", ""))[:100]
    if not message_id:
        return False
    if ExchangeReceipt.objects.filter(channel=AXIS_CHANNEL, message_id=message_id).exists():
        return True  # applied before; its acknowledgement was lost
    try:
        data = base64.b64decode(str(item.get("NoiDung", "")), validate=True)
    except ValueError:
        data = b""
    try:
        with transaction.atomic():
            ExchangeReceipt.objects.create(
                channel=AXIS_CHANNEL, message_id=message_id, kind=str(item.get("Loai", ""))[:10]
            )
            _apply(item.get("Loai"), data)
    except IntegrityError:
        return True  # another worker applied it at the same moment
    except services.DocumentError as exc:
        # A message that can never be applied (malformed, unknown document) would block the mailbox: it
        # is recorded as taken, logged and acknowledged.
        logger.warning("Axis message %s refused: %s", message_id, exc)
        ExchangeReceipt.objects.get_or_create(
            channel=AXIS_CHANNEL, message_id=message_id, defaults={"kind": "refused"}
        )
        if item.get("Loai") == "edXML":
            _answer_refusal(data, str(exc))
    return True


def refusal_for(data: bytes, reason: str) -> bytes | None:
    """The "02 refused" status message answering a package that is readable but refused (a broken
    envelope signature, another agency's package …); ``None`` when not even its header can be read."""
    try:
        package = edxml.parse(data)
    except edxml.PackageError:
        return None
    return edxml.build_status(
        edxml.StatusMessage(
            from_code=package.to_code,
            from_name=package.to_name,
            to_code=package.from_code,
            response_for=package.document_id,
            status=RecipientStatus.REFUSED,
            description=reason[:500],
        )
    )


def _answer_refusal(data: bytes, reason: str) -> None:
    """Tell the sender through the axis that its package was refused, and why. Once, best effort: the
    message is acknowledged either way (it would be refused again), a failed answer is logged."""
    refusal = refusal_for(data, reason)
    service = exchange_conf.axis_service()
    if refusal is None or not service:
        return
    try:
        send_status(Route(AXIS, service=service), refusal)
    except (Refused, TransportError) as exc:
        logger.warning("The refusal of an axis package could not be sent: %s", exc)


def pull_axis(codes: list[str] | None = None) -> int:
    """Take, apply and acknowledge what waits on the axis for this installation's agencies; return how
    many messages were acknowledged. Does nothing without an axis."""
    service = exchange_conf.axis_service()
    if not service:
        return 0
    if codes is None:
        codes = [agency.code for agency, _depth in agencies.agency_tree() if agency.code]
    taken = 0
    for code in codes:
        items = _call("GET", service, "/api/hop-thu", params={"ma_dinh_danh": code}).get("data") or []
        done = [str(item["MessageId"]) for item in items if isinstance(item, dict) and _take(item)]
        if done:
            _call("POST", service, "/api/xac-nhan", json={"ma_dinh_danh": code, "MessageIds": done})
            taken += len(done)
    return taken
