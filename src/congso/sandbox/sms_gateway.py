"""The simulated SMS gateway as a lean process of its own (``congso sms-gateway``): SIMULATOR.

It speaks exactly the protocol of ``sandbox/sms.py`` (eSMS ``SendMultipleMessage_V4_post_json``, STANDARDS
§8.3) at the same address, ``POST /sandbox/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/``,
with the same checks (``sms.refusal``), the same answers, the same 503 switch and the same table
(``SimulatedSms``), so the delivery reports (``sandbox.sms_reports``) and the staff page work unchanged.

Why it exists: behind the site, every simulated SMS paid a whole Django request (the middleware stack,
URL resolution, a transaction of its own) — the simulator, not the sender, was what the notifications
bench measured (bench/README.md, "notifications"). Here one ASGI application (granian, asyncio) checks
each request and hands the accepted messages to one writer that stores everything waiting in one
transaction (group commit). Each request is answered only once its row is committed, so "100" still
means "kept", and a RequestId seen before is still refused with 124 and the first SMSID — the check the
senders rely on to make no duplicate after a crash.

``GET /health`` answers 200 (for the processes that start it).
"""

import asyncio
import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
import django  # noqa: E402

django.setup()

from django.db import IntegrityError, close_old_connections, transaction  # noqa: E402

from congso.core import inbound  # noqa: E402

from .api import HEADER, HEADER_VALUE  # noqa: E402
from .models import SimulatedSms, SimulatedSmsGatewaySwitch  # noqa: E402
from .sms import ACCEPTED, DUPLICATE, OUTAGE, accepted_answer, message_from, refusal, store  # noqa: E402

logger = logging.getLogger(__name__)

SEND_PATH = "/sandbox/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/"
MAX_BODY = 64 * 1024
# The most rows one commit stores; what arrives meanwhile waits for the next one.
WRITE_BATCH = 1000
# How long the 503 switch, read from the database, is trusted.
SWITCH_SECONDS = 0.5


class Writer:
    """Stores accepted messages in groups: whatever arrived while the previous group was being written
    goes in the next transaction. One database thread (one connection), so the order of writes is the
    order of arrival."""

    def __init__(self):
        self.pending: list[tuple[SimulatedSms, asyncio.Future]] = []
        self.wake = asyncio.Event()
        self.database = ThreadPoolExecutor(1, thread_name_prefix="sms-gateway-db")
        self.task: asyncio.Task | None = None
        self.switch_read_at = float("-inf")
        self.outage = False

    async def keep(self, message: SimulatedSms) -> tuple[str, str]:
        """``(code, SMSID)`` once the message is stored: 100, or 124 with the first SMSID."""
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())
        future = asyncio.get_running_loop().create_future()
        self.pending.append((message, future))
        self.wake.set()
        return await future

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.pending:
                group, self.pending = self.pending[:WRITE_BATCH], self.pending[WRITE_BATCH:]
                try:
                    results = await loop.run_in_executor(
                        self.database, store_group, [message for message, _future in group]
                    )
                except Exception as error:  # noqa: BLE001 — every waiting request gets the error
                    for _message, future in group:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_message, future), result in zip(group, results, strict=True):
                    if not future.done():
                        future.set_result(result)

    async def outage_switched_on(self) -> bool:
        """The staff page's "answer 503" switch, read at most every ``SWITCH_SECONDS``."""
        now = time.monotonic()
        if now - self.switch_read_at >= SWITCH_SECONDS:
            self.switch_read_at = now
            loop = asyncio.get_running_loop()
            self.outage = await loop.run_in_executor(self.database, _outage)
        return self.outage


def _outage() -> bool:
    close_old_connections()
    return SimulatedSmsGatewaySwitch.current().fail_with_5xx


def store_group(messages: list[SimulatedSms]) -> list[tuple[str, str]]:
    """Store ``messages`` in one transaction; ``(code, SMSID)`` for each, in order. A RequestId already
    stored, or repeated inside the group, gets 124 with the first SMSID. If another process (the site's
    own view of the same gateway) wrote one of them meanwhile, the group falls back to one transaction
    per message, where the unique index decides."""
    close_old_connections()
    first: dict[str, str] = {}
    new: list[SimulatedSms] = []
    with transaction.atomic():
        known = dict(
            SimulatedSms.objects.filter(request_id__in={m.request_id for m in messages}).values_list(
                "request_id", "sms_id"
            )
        )
        for message in messages:
            if message.request_id not in known and message.request_id not in first:
                first[message.request_id] = message.sms_id
                new.append(message)
        try:
            with transaction.atomic():
                SimulatedSms.objects.bulk_create(new)
        except IntegrityError:
            new = None
    if new is None:
        for message in messages:
            message.pk = None  # whatever the rolled-back insert set
        return [store(message) for message in messages]
    results = []
    for message in messages:
        if message.request_id in known:
            results.append((DUPLICATE, known[message.request_id]))
        elif first[message.request_id] == message.sms_id:
            results.append((ACCEPTED, message.sms_id))
        else:
            results.append((DUPLICATE, first[message.request_id]))
    return results


writer = Writer()


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    path, method = scope["path"], scope["method"]
    if path == "/health" and method in ("GET", "HEAD"):
        await _reply(send, 200, {"status": "ok", "Simulator": True})
    elif path != SEND_PATH:
        await _reply(send, 404, {"CodeResult": "99", "ErrorMessage": "Not found", "Simulator": True})
    elif method != "POST":
        await _reply(send, 405, {"CodeResult": "99", "ErrorMessage": "POST only", "Simulator": True})
    else:
        status, body = await _send_request(receive)
        await _reply(send, status, {**body, "Simulator": True})


async def _send_request(receive) -> tuple[int, dict]:
    """One SendMultipleMessage_V4_post_json: the HTTP status and the answer's body."""
    raw = await _body(receive)
    if raw is None:
        return 413, {"CodeResult": "99", "CountRegenerate": 0, "ErrorMessage": "Body too large"}
    if await writer.outage_switched_on():
        return 503, OUTAGE
    try:
        data = inbound.parse_json(raw, empty={})
    except inbound.BodyRefused as refused:  # a NUL or a lone surrogate: as the Django view answers
        return refused.status, {"CodeResult": "99", "ErrorMessage": refused.message}
    except ValueError:
        return 200, {"CodeResult": "99", "CountRegenerate": 0, "ErrorMessage": "Body is not JSON"}
    refused = refusal(data)
    if refused:
        code, message = refused
        return 200, {"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": message}
    try:
        kept = await writer.keep(message_from(data))
    except Exception:  # noqa: BLE001 — the database failed: a transient answer the sender retries
        logger.exception("Simulated SMS gateway: the message could not be stored")
        return 503, {"CodeResult": "99999", "CountRegenerate": 0, "ErrorMessage": "Storage unavailable"}
    return 200, accepted_answer(*kept)


async def _body(receive) -> bytes | None:
    """The request's body, or None past ``MAX_BODY``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _reply(send, status: int, body: dict) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
        (HEADER.lower().encode(), HEADER_VALUE.encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
