"""Calls to the national registers, always through the LGSP gateway, with the platform's consumer
credential: an access token from the LGSP (OAuth 2.0 client credentials, kept until shortly before it
expires), the end user and the dossier in the X-Road-style headers, one overall time limit.

Every outcome is a ``Result`` whose ``status`` says what happened — ``found``, ``not_found``,
``invalid`` (a malformed key, never sent), ``refused`` (the gateway or the register refused the platform:
no right, bad credential), ``unavailable`` (down, slow, broken answer). Nothing here raises to a page.
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx

from congso.lgsp import services as lgsp

from . import conf
from .adapters import RegistryAdapter

logger = logging.getLogger(__name__)

FOUND, NOT_FOUND, INVALID, REFUSED, UNAVAILABLE = "found", "not_found", "invalid", "refused", "unavailable"


@dataclass(frozen=True)
class Result:
    registry: str
    key: str
    status: str
    values: dict = field(default_factory=dict)
    message_id: str = ""
    detail: str = ""  # for the log and the officer: the HTTP status and the problem's or register's code

    @property
    def found(self) -> bool:
        return self.status == FOUND

    @property
    def unavailable(self) -> bool:
        return self.status in (UNAVAILABLE, REFUSED)


class _TokenCache:
    """The platform's access token, reused until 30 s before it expires (one per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._token = ""
        self._until = 0.0
        self._for = ("", "")

    def get(self) -> str:
        wanted = (conf.client_id(), conf.client_secret())
        with self._lock:
            if self._token and self._for == wanted and time.monotonic() < self._until:
                return self._token
            issued = lgsp.issue_token(*wanted)
            self._token, self._for = issued.access_token, wanted
            self._until = time.monotonic() + max(0, issued.expires_in - 30)
            return self._token

    def forget(self) -> None:
        with self._lock:
            self._token, self._until = "", 0.0


tokens = _TokenCache()

_http_lock = threading.Lock()
_http: httpx.Client | None = None


def _http_client() -> httpx.Client:
    """One HTTP client per process, keeping connections to the gateway open between lookups (created on
    first use, so a server that forks its workers gives each its own)."""
    global _http
    with _http_lock:
        if _http is None:
            _http = httpx.Client(limits=httpx.Limits(max_keepalive_connections=16, keepalive_expiry=30))
        return _http


def _end_user(user) -> str:
    """Who the platform acts for, as the X-Road-UserId header names them: a citizen by national ID, a
    business by tax code, an officer by account name (prefixed by kind, never a password or a name)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "system:congso"
    if getattr(user, "national_id", ""):
        return f"VN{user.national_id}"
    if getattr(user, "tax_code", ""):
        return f"MST{user.tax_code}"
    return f"{getattr(user, 'kind', 'user')}:{user.get_username()}"


def call(adapter: RegistryAdapter, key: str, *, user=None, issue: str = "", data_subject: str = "") -> Result:
    """Ask ``adapter``'s register for ``key`` through the gateway, for ``user`` in the case ``issue``
    (the dossier code, or the draft's reference before there is one)."""
    key = str(key or "").strip()
    if not adapter.valid_key(key):
        return Result(adapter.code, key, INVALID, detail="malformed key")
    try:
        token = tokens.get()
    except lgsp.TokenError as exc:
        logger.warning("Registry %s: no LGSP token (%s)", adapter.code, exc)
        return Result(adapter.code, key, REFUSED, detail=f"token: {exc.error}")
    message_id = f"congso-{uuid.uuid4().hex}"
    url = f"{conf.gateway_url()}/r1/{conf.national_prefix()}/{adapter.service}{adapter.path(key)}"
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Road-Id": message_id,
        "X-Road-UserId": _end_user(user),
        "X-Road-Issue": issue[:100],
        "Accept": "application/json",
    }
    if data_subject:
        headers["X-Congso-Data-Subject"] = data_subject
    limit = conf.timeout_seconds()
    try:
        answer = _http_client().get(
            url, headers=headers, timeout=httpx.Timeout(limit, connect=min(limit, 2.0))
        )
    except httpx.TimeoutException:
        return Result(adapter.code, key, UNAVAILABLE, message_id=message_id, detail="timeout")
    except httpx.HTTPError as exc:
        return Result(adapter.code, key, UNAVAILABLE, message_id=message_id, detail=type(exc).__name__)
    return _interpret(adapter, key, answer, message_id)


def _json(answer) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _interpret(adapter, key, answer, message_id) -> Result:
    body = _json(answer)
    status = answer.status_code
    if answer.headers.get("content-type", "").startswith("application/problem+json"):
        # The gateway's own envelope (or a provider failure it reports): 401/403 the platform is refused,
        # 5xx the register is down or slow.
        detail = f"{status} {body.get('code') or body.get('title', '')}".strip()
        if status in (401, 403):
            if status == 401:
                tokens.forget()
            return Result(adapter.code, key, REFUSED, message_id=message_id, detail=detail)
        return Result(adapter.code, key, UNAVAILABLE, message_id=message_id, detail=detail)
    code = body.get("errorCode")
    if status == 200 and code == 0 and isinstance(body.get("data"), dict):
        try:
            values = adapter.to_values(body["data"])
        except (AttributeError, KeyError, TypeError, ValueError):
            logger.exception("Registry %s: answer not understood", adapter.code)
            return Result(
                adapter.code, key, UNAVAILABLE, message_id=message_id, detail="answer not understood"
            )
        return Result(adapter.code, key, FOUND, values=values, message_id=message_id)
    if status == 404 and code == 201:
        return Result(adapter.code, key, NOT_FOUND, message_id=message_id, detail="201 RECORD_NOT_FOUND")
    if status == 400:
        return Result(adapter.code, key, INVALID, message_id=message_id, detail=f"400 {code}")
    if status in (401, 403):
        return Result(adapter.code, key, REFUSED, message_id=message_id, detail=f"{status} {code}")
    return Result(adapter.code, key, UNAVAILABLE, message_id=message_id, detail=f"{status} {code}")
