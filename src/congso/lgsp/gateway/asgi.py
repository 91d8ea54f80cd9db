"""The gateway's ASGI application (``congso.lgsp.gateway.asgi:application``).

``/r1/{member}/{system}/{service}/{path}``: verify the Bearer token against the snapshot's JWKS, find
the client system, decide with ``rules.allows``, take a token of the client's rate limit, refuse a
message id already used, then forward to the provider's ``upstream_url`` + path (request and answer
streamed, connect/read timeouts from the service's ``timeout_seconds``) with the X-Road headers. The
answer's last byte is sent only once its log record is durable. Every error is one problem+json
envelope saying whether the gateway or the provider failed, its ``title`` and ``detail`` in Vietnamese, or
in English when the caller's ``Accept-Language`` prefers it (``TITLES`` and each error's pair of details:
the gateway's own words, so Django's translation machinery stays off the data plane).
"""

import asyncio
import hashlib
import json
import logging
import os
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from .. import conf, keys, rules  # noqa: E402
from ..problems import TYPE_BASE  # noqa: E402
from . import metrics  # noqa: E402
from .logwriter import LogWriter  # noqa: E402
from .state import RateLimiter, SeenMessageIds, SnapshotHolder  # noqa: E402
from .upstream import (  # noqa: E402
    ConnectError,
    ConnectionClosed,
    ProtocolError,
    UpstreamError,
    UpstreamPool,
    UpstreamTimeout,
)

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "authorization",
        "content-length",
    }
)
# The provider credentials the gateway may read from its environment (Service.upstream_token_variable).
UPSTREAM_TOKEN_PREFIX = "CONGSO_LGSP_UPSTREAM_TOKEN_"  # noqa: S105 — a prefix of variable names
# Set by the gateway alone: whatever a client sends under these names is dropped.
GATEWAY_HEADERS = frozenset({"x-road-client", "x-road-id", "x-road-service"})
DROPPED = HOP_BY_HOP | GATEWAY_HEADERS
MESSAGE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
SUBJECT_HEADER = "x-congso-data-subject"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Answers up to this size are held until logged and sent in one piece; longer ones are streamed.
HOLD_BYTES = 64 * 1024
TOKEN_CACHE_SIZE = 10_000
logger = logging.getLogger(__name__)


# kind → (Vietnamese title, English title). ``type`` and ``status`` are the contract; these are for people.
TITLES = {
    "not-found": ("Không có dịch vụ", "No such service"),
    "unknown-service": ("Không có dịch vụ", "No such service"),
    "bad-path": ("Đường dẫn không hợp lệ", "Invalid path"),
    "bad-message-id": ("Mã thông điệp không hợp lệ", "Invalid message id"),
    "replayed-message-id": ("Mã thông điệp đã được dùng", "Message id already used"),
    "unauthenticated": ("Chưa xác thực", "Not authenticated"),
    "invalid-token": ("Token không hợp lệ", "Invalid token"),
    "certificate-required": ("Cần chứng thư số của hệ thống", "The system's certificate is required"),
    "out-of-scope": ("Token không bao gồm dịch vụ này", "The token does not cover this service"),
    "forbidden": ("Không có quyền truy cập", "Access denied"),
    "rate-limited": ("Vượt giới hạn yêu cầu", "Rate limit exceeded"),
    "body-too-large": ("Nội dung quá lớn", "Request body too large"),
    "log-unavailable": ("Nhật ký thông điệp không ghi được", "The message log cannot be written"),
    "provider-timeout": ("Hệ thống cung cấp không trả lời kịp", "The provider did not answer in time"),
    "provider-unavailable": ("Không kết nối được hệ thống cung cấp", "The provider cannot be reached"),
}
VIETNAMESE, ENGLISH = 0, 1

# What failed between the gateway and the provider, in words an integrator can act on; the exception's
# own text (an address, an OS error, a parser's complaint) goes to the gateway's log, for operators.
# The most specific first: a closed connection is a ConnectError too.
PROVIDER_FAILURES = (
    (ConnectionClosed, ("Hệ thống cung cấp đã đóng kết nối.", "The provider closed the connection.")),
    (ConnectError, ("Không kết nối được tới hệ thống cung cấp.", "Could not connect to the provider.")),
    (
        ProtocolError,
        (
            "Trả lời của hệ thống cung cấp không phải HTTP hợp lệ.",
            "The provider's answer was not valid HTTP.",
        ),
    ),
)
PROVIDER_FAILURE = ("Trao đổi với hệ thống cung cấp bị lỗi.", "The exchange with the provider failed.")
# keys.InvalidToken.reason → why the token was refused, instead of the token library's English text.
TOKEN_REFUSALS = {
    "expired": ("Token bị từ chối: token đã hết hạn.", "Token rejected: the token has expired."),
    "not-yet-valid": (
        "Token bị từ chối: token chưa đến thời điểm có hiệu lực.",
        "Token rejected: the token is not valid yet.",
    ),
    "bad-signature": (
        "Token bị từ chối: chữ ký không hợp lệ hoặc khóa ký không được công bố.",
        "Token rejected: bad signature, or a signing key that is not published.",
    ),
    "wrong-audience": (
        "Token bị từ chối: token không cấp cho cổng này (sai audience).",
        "Token rejected: the token was not issued for this gateway (wrong audience).",
    ),
    "wrong-issuer": (
        "Token bị từ chối: token không do cổng này cấp (sai issuer).",
        "Token rejected: the token was not issued by this gateway (wrong issuer).",
    ),
    "missing-claim": (
        "Token bị từ chối: token thiếu thông tin bắt buộc.",
        "Token rejected: the token lacks a required claim.",
    ),
    "malformed": ("Token bị từ chối: token sai định dạng.", "Token rejected: the token is malformed."),
}
TOKEN_REFUSED = ("Token bị từ chối.", "Token rejected.")


class GatewayError(Exception):
    """An error the gateway answers itself; ``detail`` is (Vietnamese, English)."""

    def __init__(self, status: int, kind: str, detail: tuple[str, str], source: str = "gateway", **extra):
        super().__init__(detail[ENGLISH])
        self.status, self.kind, self.detail, self.source, self.extra = status, kind, detail, source, extra

    def body(self, message_id: str, language: int = VIETNAMESE) -> bytes:
        envelope = {
            "type": f"{TYPE_BASE}{self.kind}",
            "title": TITLES[self.kind][language],
            "status": self.status,
            "detail": self.detail[language],
            "source": self.source,
            "message_id": message_id,
        }
        return json.dumps(envelope, ensure_ascii=False).encode()


def language_of(accept_language: str) -> int:
    """``ENGLISH`` when ``Accept-Language`` ranks English above Vietnamese (``en``, ``en-US``…; equal
    weights go by order, as in the header), else ``VIETNAMESE``: the default, also for any other
    language. Read only when an error is answered."""
    best, best_weight = VIETNAMESE, 0.0
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("vi", "en"):
            continue
        weight = 1.0
        params = params.strip().lower()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                continue
        if weight > best_weight:
            best, best_weight = (ENGLISH if primary == "en" else VIETNAMESE), weight
    return best


class BodyTooLarge(Exception):
    pass


class Gateway:
    def __init__(self):
        self.executor_reload = ThreadPoolExecutor(1, thread_name_prefix="lgsp-snapshot")
        self.snapshot = SnapshotHolder(self.executor_reload)
        self.limiter = RateLimiter()
        self.seen = SeenMessageIds()
        self.log = LogWriter()
        self.client: UpstreamPool | None = None
        self.started: asyncio.Future | None = None
        self.tasks: list[asyncio.Task] = []
        self.tokens: dict[str, tuple[float, dict]] = {}
        self.tokens_of: dict | None = None

    async def start(self) -> None:
        if self.started is None:
            self.started = asyncio.get_running_loop().create_future()
            try:
                await self.snapshot.load()
                await self.seen.load(self.executor_reload)
                await self.log.start()
                self.client = UpstreamPool()
                self.tasks = [
                    asyncio.create_task(self.snapshot.watch()),
                    asyncio.create_task(self._prune()),
                ]
                self.started.set_result(True)
            except BaseException as exc:
                self.started.set_exception(exc)
                raise
        await self.started

    async def _prune(self) -> None:
        while True:
            await asyncio.sleep(60)
            self.seen.prune()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return
        await self.start()
        path = scope["path"]
        if path == "/metrics":
            return await _send_whole(send, 200, metrics.exposition(), "text/plain; version=0.0.4")
        if path == "/health":
            body = json.dumps({"status": "ok", "snapshot": self.snapshot.snapshot.get("generated_at")})
            return await _send_whole(send, 200, body.encode(), "application/json")
        await self.exchange(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.start()
                except Exception as exc:  # noqa: BLE001 — reported to the server, which stops
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await self.log.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # --- one exchange -----------------------------------------------------------------------------

    async def exchange(self, scope, receive, send):
        started = time.perf_counter()
        headers = _headers(scope)
        message_id = headers.get("x-road-id") or str(uuid.uuid4())
        record = {
            "at": timezone.now(),
            "message_id": message_id,
            "client": "",
            "service": "",
            "method": scope["method"],
            "path": scope["path"][:1000],
            "user_id": headers.get("x-road-userid", "")[:200],
            "issue": headers.get("x-road-issue", "")[:100],
            "data_subject": "",
            "status": 0,
            "source": "",
            "request_bytes": 0,
            "response_bytes": 0,
            "duration_us": 0,
            "request_sha256": EMPTY_SHA256,
            "response_sha256": EMPTY_SHA256,
        }
        try:
            target = self._admit(scope, headers, record)
            await self._forward(scope, receive, send, headers, record, target, started)
        except GatewayError as error:
            await self._refuse(send, error, record, started, headers.get("accept-language", ""))

    def _admit(self, scope, headers: dict, record: dict) -> dict:
        snapshot = self.snapshot.snapshot
        parts = scope["path"].split("/", 5)
        if len(parts) < 5 or parts[0] != "" or parts[1] != "r1" or not all(parts[2:5]):
            raise GatewayError(
                404,
                "not-found",
                (
                    "Dùng địa chỉ /r1/{member}/{system}/{service}/{path}.",
                    "Use /r1/{member}/{system}/{service}/{path}.",
                ),
            )
        service_id = "/".join(parts[2:5])
        path = "/" + (parts[5] if len(parts) > 5 else "")
        if not _plain_path(path):
            raise GatewayError(
                400,
                "bad-path",
                (
                    "Đường dẫn không được có đoạn '.' hay '..', dấu '?', '#', dấu gạch ngược hay ký tự điều "
                    "khiển.",
                    "No '.' or '..' segment, '?', '#', backslash or control character in the path.",
                ),
            )
        message_id = record["message_id"]
        if not MESSAGE_ID.match(message_id):
            record["message_id"] = str(uuid.uuid4())
            raise GatewayError(
                400,
                "bad-message-id",
                (
                    "X-Road-Id: 1–100 ký tự trong A-Z a-z 0-9 . _ : -",
                    "X-Road-Id: 1–100 of A-Z a-z 0-9 . _ : -",
                ),
            )
        claims = self._authenticate(snapshot, headers)
        client = claims["sub"]
        # Claimed as soon as the caller is known: every id that reaches the log was claimed first.
        if not self.seen.claim(message_id):
            # Logged under a new id: the original's record keeps this one.
            record["message_id"] = f"replay-{uuid.uuid4()}"
            record["client"] = client
            raise GatewayError(
                409,
                "replayed-message-id",
                (f"X-Road-Id {message_id} đã được dùng.", f"X-Road-Id {message_id} was already used."),
            )
        record["client"] = client
        service = snapshot["services"].get(service_id)
        if service is None:
            raise GatewayError(
                404, "unknown-service", (f"Không có dịch vụ {service_id}.", f"No service {service_id}.")
            )
        record["service"] = service_id
        scope_claim = claims.get("scope")
        if scope_claim and service_id not in scope_claim.split():
            raise GatewayError(403, "out-of-scope", (service_id, service_id))
        if not rules.allows(snapshot, client, service_id, scope["method"], path, timezone.now()):
            raise GatewayError(
                403,
                "forbidden",
                (
                    f"{client} không được gọi {scope['method']} {path} của {service_id}.",
                    f"{client} may not call {scope['method']} {path} of {service_id}.",
                ),
            )
        system = snapshot["systems"][client]
        wait = self.limiter.take(client, system["rate_limit_per_minute"])
        if wait:
            per_minute = system["rate_limit_per_minute"]
            raise GatewayError(
                429,
                "rate-limited",
                (f"{per_minute} yêu cầu mỗi phút.", f"{per_minute} per minute."),
                retry_after=max(1, int(wait + 0.999)),
            )
        if service["personal_data"]:
            record["data_subject"] = _data_subject(service, scope["method"], path, headers)[:20]
        return {
            "service": service,
            "path": path,
            "client_system": system,
            "provider_system": snapshot["systems"].get(service["provider"], {}),
        }

    def _authenticate(self, snapshot: dict, headers: dict) -> dict:
        authorization = headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise GatewayError(
                401,
                "unauthenticated",
                ("Cần access token kiểu Bearer.", "A Bearer access token is required."),
            )
        try:
            claims = self._verified(token.strip(), snapshot)
        except keys.InvalidToken as exc:
            detail = TOKEN_REFUSALS.get(exc.reason, TOKEN_REFUSED)
            raise GatewayError(401, "invalid-token", detail) from exc
        credential = snapshot["credentials"].get(claims.get("client_id"))
        if (
            credential is None
            or credential["system"] != claims["sub"]
            or claims["sub"] not in snapshot["systems"]
        ):
            raise GatewayError(
                401,
                "invalid-token",
                (
                    "Thông tin xác thực của token không còn hiệu lực.",
                    "The token's credential is no longer active.",
                ),
            )
        if credential["certificate_sha256"]:
            presented = _certificate(headers)
            if presented != credential["certificate_sha256"]:
                raise GatewayError(
                    401,
                    "certificate-required",
                    (
                        "Thông tin xác thực này gắn với chứng thư số của hệ thống gọi.",
                        "This credential is bound to a client certificate.",
                    ),
                )
        return claims

    def _verified(self, token: str, snapshot: dict) -> dict:
        """The token's claims, verified once per token and snapshot: a token seen again before its
        ``exp`` is not verified again (the signature check and JWT parsing were a tenth of the request's
        time). A reloaded snapshot empties the cache, so a key withdrawn from the JWKS stops its tokens
        at the next reload, as before; the credential and the right are still checked on every call."""
        if self.tokens_of is not snapshot:
            self.tokens, self.tokens_of = {}, snapshot
        cached = self.tokens.get(token)
        if cached is not None and time.time() < cached[0]:
            return cached[1]
        claims = keys.verify_token(
            token, snapshot["keys"], audience=snapshot["audience"], issuer=snapshot["issuer"], leeway=5
        )
        if len(self.tokens) >= TOKEN_CACHE_SIZE:
            self.tokens.clear()
        self.tokens[token] = (float(claims["exp"]), claims)
        return claims

    async def _forward(self, scope, receive, send, headers, record, target, started):
        service = target["service"]
        limit = conf.max_body_bytes()
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise GatewayError(413, "body-too-large", _at_most(limit))
        keep = service["keep_bodies"]
        request_hash = hashlib.sha256()
        request_body = bytearray() if keep else None
        received = {"bytes": 0}

        async def request_stream():
            while True:
                message = await receive()
                chunk = message.get("body", b"")
                if chunk:
                    received["bytes"] += len(chunk)
                    if received["bytes"] > limit:
                        raise BodyTooLarge
                    request_hash.update(chunk)
                    if request_body is not None:
                        request_body.extend(chunk)
                    yield chunk
                if not message.get("more_body", False):
                    break

        # Sent as it was checked: percent-encoded again (scope["path"] is decoded), never re-read.
        url = service["upstream_url"].rstrip("/") + quote(target["path"], safe=PATH_SAFE)
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode("latin-1")
        forwarded = forwarded_headers(scope["headers"])
        forwarded += [
            (b"x-road-client", record["client"].encode()),
            (b"x-road-id", record["message_id"].encode()),
            (b"x-road-service", record["service"].encode()),
        ]
        forwarded += _provider_credential(service)
        if declared and declared.isdigit():
            forwarded.append((b"content-length", declared.encode()))
        has_body = bool(declared and declared != "0") or "transfer-encoding" in headers
        timeout = float(service["timeout_seconds"])
        try:
            upstream = await self.client.send(
                scope["method"],
                url,
                forwarded,
                request_stream() if has_body else None,
                timeout,
                connect=min(timeout, 5.0),
            )
        except BodyTooLarge:
            raise GatewayError(413, "body-too-large", _at_most(limit)) from None
        except UpstreamError as exc:
            raise _provider_failure(exc, timeout) from exc
        finally:
            record["request_bytes"] = received["bytes"]
            record["request_sha256"] = request_hash.hexdigest()
            if request_body is not None:
                record["request_body"] = bytes(request_body)
        await self._relay(send, upstream, record, target, started)

    async def _relay(self, send, upstream, record, target, started):
        """Relay the provider's answer. An answer up to ``HOLD_BYTES`` is held, logged, then sent in one
        piece with its length; a longer one is streamed as it comes (chunked) and only its final chunk
        waits for the log. Either way the client has the whole answer only once its record is durable."""
        answer_hash = hashlib.sha256()
        answer_body = bytearray() if target["service"]["keep_bodies"] else None
        headers = [(k, v) for k, v in upstream.headers if k.decode("latin-1") not in DROPPED]
        headers = _with_security_headers(headers)
        headers += [
            (b"x-road-id", record["message_id"].encode()),
            (b"x-road-client", record["client"].encode()),
        ]
        held: list[bytes] = []
        size, streaming, failure = 0, False, None
        try:
            async for chunk in upstream.aiter_raw():
                size += len(chunk)
                answer_hash.update(chunk)
                if answer_body is not None:
                    answer_body.extend(chunk)
                if streaming:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    continue
                held.append(chunk)
                if size > HOLD_BYTES:
                    streaming = True
                    await send(
                        {"type": "http.response.start", "status": upstream.status_code, "headers": headers}
                    )
                    await send({"type": "http.response.body", "body": b"".join(held), "more_body": True})
                    held = []
        except UpstreamError as exc:
            failure = exc
        finally:
            await upstream.aclose()
        record["client_system_id"] = target["client_system"].get("id")
        record["provider_system_id"] = target["provider_system"].get("id")
        if failure is not None and not streaming:
            raise _provider_failure(failure, float(target["service"]["timeout_seconds"])) from failure
        record["status"] = upstream.status_code
        record["response_bytes"] = size
        record["response_sha256"] = answer_hash.hexdigest()
        if answer_body is not None:
            record["response_body"] = bytes(answer_body)
        if failure is not None:
            # The provider broke off an answer already under way: log it, then cut the connection so
            # the client cannot take the partial answer for a whole one.
            record["source"] = "provider"
            record["status"] = 504 if isinstance(failure, UpstreamTimeout) else 502
            await self._durable(record, started)
            raise ConnectionAbortedError("the provider's answer broke off")
        await self._durable(record, started)
        if streaming:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        body = b"".join(held)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": upstream.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _refuse(self, send, error: GatewayError, record, started, accept_language: str = ""):
        record["status"], record["source"] = error.status, error.source
        language = language_of(accept_language) if accept_language else VIETNAMESE
        body = error.body(record["message_id"], language)
        record["response_bytes"] = len(body)
        record["response_sha256"] = hashlib.sha256(body).hexdigest()
        if record["client"]:  # an unauthenticated call names nobody: nothing to put in evidence
            try:
                await self._durable(record, started)
            except Exception:  # noqa: BLE001 — no answer leaves without its record
                error = GatewayError(503, "log-unavailable", ("Hãy thử lại sau.", "Try again later."))
                body = error.body(record["message_id"], language)
        else:
            metrics.REQUESTS.labels("", "", str(error.status), error.source).inc()
        extra = [(b"x-road-id", record["message_id"].encode())]
        if "retry_after" in error.extra:
            extra.append((b"retry-after", str(error.extra["retry_after"]).encode()))
        if error.status == 401:
            extra.append((b"www-authenticate", b'Bearer realm="lgsp"'))
        await _send_whole(send, error.status, body, "application/problem+json", extra)

    async def _durable(self, record, started):
        record["duration_us"] = int((time.perf_counter() - started) * 1_000_000)
        metrics.REQUESTS.labels(
            record["service"], record["client"], str(record["status"]), record["source"]
        ).inc()
        metrics.LATENCY.labels(record["service"]).observe(time.perf_counter() - started)
        await self.log.write(record)


def _provider_failure(exc: Exception, timeout: float) -> GatewayError:
    if isinstance(exc, UpstreamTimeout):
        return GatewayError(
            504,
            "provider-timeout",
            (f"Không có trả lời trong {timeout:g} giây.", f"No answer within {timeout:g} s."),
            source="provider",
        )
    logger.warning("LGSP provider failure: %s: %s", type(exc).__name__, exc)
    detail = next((words for kind, words in PROVIDER_FAILURES if isinstance(exc, kind)), PROVIDER_FAILURE)
    return GatewayError(502, "provider-unavailable", detail, source="provider")


def _at_most(limit: int) -> tuple[str, str]:
    return (f"Tối đa {limit} byte.", f"At most {limit} bytes.")


def _provider_credential(service: dict) -> list[tuple[bytes, bytes]]:
    """The provider's own credential, when the registry names the environment variable that holds it.
    The consumer's ``Authorization`` never reaches the provider (it is dropped above)."""
    variable = service.get("upstream_token_variable") or ""
    # Only variables meant for this (the model validates the same prefix): never another secret.
    if not variable.startswith(UPSTREAM_TOKEN_PREFIX):
        return []
    token = os.environ.get(variable, "")
    return [(b"authorization", f"Bearer {token}".encode("latin-1"))] if token else []


def forwarded_headers(headers) -> list[tuple[bytes, bytes]]:
    """The consumer's request headers the provider receives: not the hop-by-hop ones, not those the
    gateway sets itself, and not the client certificate's fingerprint the TLS proxy passes (mutual TLS
    is the gateway's check; a provider must not take a header a caller could have typed for proof)."""
    dropped = DROPPED
    cert = conf.client_cert_header()
    if cert:
        dropped = dropped | {cert.removeprefix("HTTP_").replace("_", "-").lower()}
    return [(k, v) for k, v in headers if k.decode("latin-1").lower() not in dropped]


def _headers(scope) -> dict:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _certificate(headers: dict) -> str:
    meta_name = conf.client_cert_header()
    if not meta_name:
        return ""
    name = meta_name.removeprefix("HTTP_").replace("_", "-").lower()
    try:
        return keys.normalise_fingerprint(headers.get(name, ""))
    except ValueError:
        return ""


def _data_subject(service: dict, method: str, path: str, headers: dict) -> str:
    """The national ID whose data the call reads: the path parameter the service names, else the
    ``X-Congso-Data-Subject`` header."""
    parameter = service["data_subject_parameter"]
    if parameter:
        endpoint = rules.match_endpoint(service["endpoints"], method, path)
        if endpoint is not None:
            names = endpoint["path"].strip("/").split("/")
            values = path.strip("/").split("/")
            for name, value in zip(names, values, strict=False):
                if name == "{" + parameter + "}":
                    return value
    return headers.get(SUBJECT_HEADER, "")


# What a path may carry once decoded: the right is checked on it, and the provider must read the same
# path. A "." or ".." segment would be resolved by the provider (or a proxy before it) to another
# endpoint than the one checked ("/ho-so/{ma}" with ma=".." is the provider's root); a "?" or "#"
# would end the path there; a backslash is "/" to some servers; a control character splits the request.
_UNSAFE_PATH = re.compile(r"[?#\\\x00-\x1f\x7f]")
PATH_SAFE = "/!$&'()*+,;=:@-._~"


def _plain_path(path: str) -> bool:
    if _UNSAFE_PATH.search(path):
        return False
    return not any(segment in (".", "..") for segment in path.split("/"))


# Every answer the gateway makes itself (its problem+json errors, /metrics, /health) carries these: a
# browser must not sniff an error body into something runnable, and no cache may keep an error (a 401 or
# a 429 stored by a proxy would refuse the next caller) nor the figures. Providers' answers keep theirs.
# Nor may any answer, its own or a provider's, run as a page of the gateway's origin or be framed.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; sandbox"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
OWN_ANSWER_HEADERS = [*SECURITY_HEADERS, (b"cache-control", b"no-store")]


def _with_security_headers(headers: list) -> list:
    """``headers`` of a provider's answer, with each security header it did not set itself."""
    present = {name.lower() for name, _ in headers}
    return headers + [(name, value) for name, value in SECURITY_HEADERS if name not in present]


async def _send_whole(send, status: int, body: bytes, content_type: str, extra=()):
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *OWN_ANSWER_HEADERS,
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


application = Gateway()
