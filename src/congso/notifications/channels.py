"""The channels that carry notifications, as plugins of one registry.

A channel is a class with ``name``, ``reaches(address)`` and ``send(notification) -> Sent``; it raises
``TransientFailure`` for what may pass (a 5xx, a timeout, a refused connection: the task retries with
backoff) and ``PermanentFailure`` for what will not (a bad number, a refused key: the notification
fails with the reason). A Zalo or push channel later is one more class registered here::

    @channels("zalo")
    class ZaloChannel(Channel): ...

Duplicate prevention (docs/notifications.md): every attempt of one notification carries the same client
message id (``Notification.client_message_id``). The SMS gateway deduplicates on it (eSMS ``RequestId``,
error 124 "duplicate RequestId"), so a worker killed after the gateway accepted a message but before it
marked the notification sent makes no second SMS when the notification is sent again. SMTP has no such
check: the e-mail carries a ``Message-ID`` derived from the same id, which mail clients use to fold a
duplicate into one message — that window is tolerated, not closed.
"""

import hashlib
import hmac
import http.client
import json
import smtplib
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.core.mail.message import sanitize_address
from django.urls import reverse

from congso.core.registry import Registry

from . import sms
from .models import ChannelName

channels = Registry("notification channels")


class TransientFailure(Exception):
    """The channel may accept the message later: retry with backoff."""


class PermanentFailure(Exception):
    """The message cannot be sent this way: fail the notification with this reason."""


@dataclass(frozen=True)
class Sent:
    provider_message_id: str = ""
    delivered: bool = False  # True when sending already means it reached the person (in-app)


class Channel:
    name = ""
    # A channel whose sending is a background job (not in-app), and that is rate-limited.
    external = True

    def reaches(self, address: str) -> bool:
        return bool(address)

    def send(self, notification) -> Sent:
        raise NotImplementedError

    def send_many(self, notifications) -> dict:
        """Send a batch: ``{notification id: Sent | TransientFailure | PermanentFailure}``, one entry per
        notification. One after the other by default; a channel overrides it to share a connection or
        to send concurrently."""
        return {notification.pk: _outcome(self.send, notification) for notification in notifications}


def _outcome(send, notification):
    try:
        return send(notification)
    except (TransientFailure, PermanentFailure) as failure:
        return failure


@channels(ChannelName.IN_APP)
class InAppChannel(Channel):
    """Shown in the portal or the workspace: stored is delivered."""

    name = ChannelName.IN_APP
    external = False

    def send(self, notification) -> Sent:
        return Sent(delivered=True)


@channels(ChannelName.EMAIL)
class EmailChannel(Channel):
    """E-mail through Django's configured backend (SMTP in production, ``EMAIL_URL``)."""

    name = ChannelName.EMAIL

    def reaches(self, address: str) -> bool:
        return "@" in (address or "")

    def send(self, notification, connection=None) -> Sent:
        message_id = self.message_id(notification)
        raw = _plain_message(notification, message_id) if _smtp_socket(connection) else None
        if raw is not None:
            # The batch's open SMTP session, with the message written once (see _plain_message).
            envelope_from, recipient, data = raw
            try:
                connection.connection.sendmail(envelope_from, [recipient], data)
            except (ConnectionError, TimeoutError, OSError) as error:
                raise _smtp_failure(error) from error
            return Sent(provider_message_id=message_id)
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.address],
            headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
            connection=connection,
        )
        try:
            message.send(fail_silently=False)
        except BadHeaderError as error:
            # A line break in a header: refused for good, not a crash of the whole batch.
            raise PermanentFailure(f"E-mail header refused: {error}") from error
        except (ConnectionError, TimeoutError, OSError) as error:
            raise _smtp_failure(error) from error
        return Sent(provider_message_id=message_id)

    @staticmethod
    def message_id(notification) -> str:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "congso.local"
        return f"<{notification.client_message_id}@{domain}>"

    def send_many(self, notifications) -> dict:
        """The batch over ``CONGSO_EMAIL_CONCURRENCY`` SMTP sessions at once, each carrying its share
        of the messages one after the other: smtplib waits for the server's answer to every command,
        so one session leaves the worker idle most of the time. Other backends (console, files, the
        tests' memory) take the batch in one go, in order."""
        from django.core.mail import get_connection
        from django.core.mail.backends.smtp import EmailBackend

        notifications = list(notifications)
        size = min(settings.CONGSO_EMAIL_CONCURRENCY, len(notifications))
        if size <= 1 or not isinstance(get_connection(), EmailBackend):
            return self.send_session(notifications)
        results = {}
        shares = [notifications[start::size] for start in range(size)]
        for part in email_pool().map(self.send_session, shares):
            results.update(part)
        return results

    def send_session(self, notifications) -> dict:
        """Messages over one SMTP connection (one TCP and TLS handshake and one login, instead of one
        per e-mail). A message the server refuses fails alone; after a connection lost in the middle
        the next message opens a new one, and if that fails, the rest is retried later."""
        from django.core.mail import get_connection

        results = {}
        connection = get_connection(fail_silently=False)
        lost = None
        try:
            for notification in notifications:
                if lost is None and not _is_open(connection):
                    lost = _open(connection)
                if lost is not None:
                    results[notification.pk] = lost
                    continue
                results[notification.pk] = _outcome(
                    lambda n: self.send(n, connection=connection), notification
                )
                if isinstance(results[notification.pk], TransientFailure):
                    _close(connection)  # the next message opens a fresh connection
        finally:
            _close(connection)
        return results


_email_pool = None


def email_pool() -> ThreadPoolExecutor:
    """The threads that carry one batch's SMTP sessions at once."""
    global _email_pool
    if _email_pool is None:
        _email_pool = ThreadPoolExecutor(settings.CONGSO_EMAIL_CONCURRENCY, thread_name_prefix="congso-smtp")
    return _email_pool


def _smtp_socket(connection) -> bool:
    """Whether ``connection`` is Django's SMTP backend with its session open (others: the usual path)."""
    from django.core.mail.backends.smtp import EmailBackend

    return isinstance(connection, EmailBackend) and connection.connection is not None


def _plain_message(notification, message_id: str) -> tuple[str, str, bytes] | None:
    """``(envelope sender, recipient, message bytes)`` of a plain-text notification, written directly:
    the same headers and 8-bit UTF-8 body as Django's ``EmailMessage`` (From, To, Subject encoded as
    RFC 2047 when not ASCII, Date, Message-ID, Auto-Submitted, MIME-Version, Content-Type,
    Content-Transfer-Encoding), without building and folding a MIME object per message — that was
    the larger part of a worker's CPU per e-mail (bench/README.md, "notifications"). None — use
    Django's path — for anything unusual: a line break in an address or the subject (Django refuses
    it), or a body line longer than SMTP's 998 bytes (Django switches to quoted-printable)."""
    address, subject = notification.address, notification.subject
    if any(ch in value for value in (address, subject) for ch in "\r\n"):
        return None
    lines = notification.body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any(len(line.encode()) > 998 for line in lines):
        return None
    sender = _sender(settings.DEFAULT_FROM_EMAIL)
    recipient = sanitize_address(address, "utf-8")
    charset = "us-ascii" if subject.isascii() else "utf-8"
    headers = (
        'Content-Type: text/plain; charset="utf-8"',
        "MIME-Version: 1.0",
        "Content-Transfer-Encoding: 8bit",
        f"Subject: {Header(subject, charset, header_name='Subject').encode(linesep=CRLF)}",
        f"From: {sender}",
        f"To: {recipient}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        f"Message-ID: {message_id}",
        "Auto-Submitted: auto-generated",
    )
    data = CRLF.join(headers) + CRLF + CRLF + CRLF.join(lines)
    return sender, recipient, data.encode()


CRLF = "\r\n"


@lru_cache(maxsize=4)
def _sender(from_email: str) -> str:
    return sanitize_address(from_email, "utf-8")


def _smtp_failure(error) -> Exception:
    """What an SMTP error means for the message: a refused recipient or a 5xx is permanent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return PermanentFailure(f"SMTP refused the recipient: {error.recipients}")
    if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        return PermanentFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}")
    return TransientFailure(f"SMTP: {error}")


def _is_open(connection) -> bool:
    # The SMTP backend keeps its socket in ``connection``; other backends (tests' locmem) have none.
    return getattr(connection, "connection", True) is not None


def _open(connection):
    """Open the batch's connection; None when it opened, else the failure every message gets."""
    try:
        connection.open()
    except (ConnectionError, TimeoutError, OSError) as error:
        return TransientFailure(f"SMTP: {error}")
    return None


def _close(connection) -> None:
    try:
        connection.close()
    except (ConnectionError, TimeoutError, OSError):
        pass  # a connection that broke cannot be closed politely; it is dropped all the same


def callback_token(request_id: str) -> str:
    """What authenticates a delivery report: an HMAC of the message id with the callback secret."""
    secret = settings.CONGSO_SMS_CALLBACK_SECRET.encode()
    return hmac.new(secret, request_id.encode(), hashlib.sha256).hexdigest()[:32]


def callback_url(request_id: str) -> str:
    base = settings.CONGSO_PUBLIC_BASE_URL.rstrip("/") or settings.CONGSO_LOCAL_WEB_URL
    return f"{base}{reverse('notifications:sms-report')}?t={callback_token(request_id)}"


def gateway_url() -> str:
    url = settings.CONGSO_SMS_GATEWAY_URL
    if url == "sandbox":
        base = settings.CONGSO_PUBLIC_BASE_URL.rstrip("/") or settings.CONGSO_LOCAL_WEB_URL
        url = f"{base}/sandbox/sms"
    return url.rstrip("/") + "/MainService.svc/json/SendMultipleMessage_V4_post_json/"


def to_international(phone: str) -> str:
    """``0912345678`` → ``84912345678`` (how the gateways want numbers)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits


# eSMS result codes that will not change on a retry (STANDARDS §8.3).
PERMANENT_CODES = {
    "99": "số điện thoại bị chặn",
    "101": "sai ApiKey/SecretKey",
    "103": "tài khoản hết tiền",
    "104": "brandname chưa đăng ký",
    "108": "số điện thoại không hợp lệ",
    "140": "địa chỉ IP chưa được cho phép",
    "146": "sai mẫu tin chăm sóc khách hàng",
    "177": "nhà mạng chưa đăng ký",
}
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"

_pool = None
_connections = threading.local()


class GatewayAnswer:
    """The gateway's HTTP answer: its status and body."""

    def __init__(self, status_code: int, content: bytes):
        self.status_code, self.content = status_code, content

    def json(self):
        return json.loads(self.content)


def post_json(url: str, payload: dict) -> GatewayAnswer:
    """POST ``payload`` as JSON over this thread's keep-alive connection to the gateway (one per sending
    thread and gateway address: at most ``CONGSO_SMS_CONCURRENCY`` per process). The standard library's
    HTTP client: a third of the CPU per request of httpx's pool in the bench (bench/README.md), and the
    sending threads are what a worker spends its CPU on. A connection the gateway closed while idle is
    reopened and the request sent once more — safe, since the gateway refuses a RequestId it has already
    accepted (124) and the adapter reads that as accepted. Raises ``TimeoutError`` or ``OSError``."""
    target = urlsplit(url)
    key = (target.scheme, target.hostname, target.port)
    path = target.path + (f"?{target.query}" if target.query else "")
    if target.scheme == "http" and _proxy_for(target):
        path = url  # through an HTTP proxy the request line carries the whole address
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
    pool = getattr(_connections, "by_address", None)
    if pool is None:
        pool = _connections.by_address = {}
    for attempt in (1, 2):
        connection = pool.get(key)
        reused = connection is not None
        if connection is None:
            connection = pool[key] = _connect(target)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            answer = GatewayAnswer(response.status, response.read())
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            pool.pop(key, None)
            stale = isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
            if reused and stale and attempt == 1:
                continue  # the gateway had closed this idle connection: once more on a new one
            if isinstance(error, TimeoutError):
                raise
            raise OSError(str(error) or type(error).__name__) from error
        if response.will_close:
            connection.close()
            pool.pop(key, None)
        return answer
    raise OSError("unreachable")  # the loop returns or raises


def _connect(target) -> http.client.HTTPConnection:
    """A connection to the gateway — through the proxy the environment names for it (``HTTPS_PROXY``,
    ``HTTP_PROXY``, ``NO_PROXY``), as the HTTP client used before honoured them: a CONNECT tunnel for
    HTTPS, the proxy itself for HTTP."""
    timeout = settings.CONGSO_SMS_TIMEOUT_SECONDS
    proxy = _proxy_for(target)
    host, port = (proxy.hostname, proxy.port) if proxy else (target.hostname, target.port)
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
        if proxy:
            connection.set_tunnel(target.hostname, target.port)
        return connection
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _proxy_for(target):
    """The proxy (split URL) the environment names for ``target``, or None."""
    return _proxy_for_address(target.scheme, target.hostname or "")


@lru_cache(maxsize=16)
def _proxy_for_address(scheme: str, host: str):
    # Read once per address (the environment is scanned otherwise for every SMS); reset_connections
    # forgets it.
    from urllib.request import getproxies_environment, proxy_bypass_environment

    proxy = getproxies_environment().get(scheme)
    if not proxy or proxy_bypass_environment(host):
        return None
    return urlsplit(proxy if "://" in proxy else f"http://{proxy}")


def reset_connections() -> None:
    """Forget this thread's connections and the sending threads (tests: a new gateway server)."""
    global _pool, _connections
    _connections = threading.local()
    _proxy_for_address.cache_clear()
    if _pool is not None:
        _pool.shutdown(wait=True)
    _pool = None


def sending_pool() -> ThreadPoolExecutor:
    """The threads that send one batch's SMS concurrently, each over its own keep-alive connection
    (the gateway has no multi-message call; its answer time, not our CPU, is what one request waits
    for)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(settings.CONGSO_SMS_CONCURRENCY, thread_name_prefix="congso-sms")
    return _pool


@channels(ChannelName.SMS)
class SmsGatewayChannel(Channel):
    """SMS through a brand-name gateway in the eSMS style (STANDARDS §8.3): JSON POST with ``ApiKey``,
    ``SecretKey``, ``Phone``, ``Content``, ``Brandname``, ``SmsType`` 2 (customer care), ``IsUnicode``,
    ``RequestId`` (our client message id: the gateway refuses a second message with it, code 124) and
    ``CallbackUrl`` (the delivery report, signed). Answer ``{CodeResult: "100", SMSID}``."""

    name = ChannelName.SMS

    def reaches(self, address: str) -> bool:
        digits = "".join(ch for ch in address or "" if ch.isdigit())
        return 9 <= len(digits) <= 12

    def payload(self, notification) -> dict:
        segments = sms.count(notification.body)
        return {
            "ApiKey": settings.CONGSO_SMS_API_KEY,
            "SecretKey": settings.CONGSO_SMS_SECRET_KEY,
            "Phone": to_international(notification.address),
            "Content": notification.body,
            "Brandname": settings.CONGSO_SMS_BRANDNAME,
            "SmsType": "2",
            "IsUnicode": "1" if segments.unicode else "0",
            "Sandbox": "0",
            "RequestId": notification.client_message_id,
            "CallbackUrl": callback_url(notification.client_message_id),
        }

    def send(self, notification) -> Sent:
        if not settings.CONGSO_SMS_GATEWAY_URL:
            raise PermanentFailure("Chưa cấu hình cổng SMS (CONGSO_SMS_GATEWAY_URL).")
        try:
            response = post_json(gateway_url(), self.payload(notification))
        except TimeoutError as error:
            raise TransientFailure(f"SMS gateway timeout: {error}") from error
        except OSError as error:
            raise TransientFailure(f"SMS gateway unreachable: {error}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientFailure(f"SMS gateway HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as error:
            raise TransientFailure(f"SMS gateway HTTP {response.status_code}: not JSON") from error
        code = str(answer.get("CodeResult", ""))
        if code in (ACCEPTED, DUPLICATE_REQUEST):
            # 124: this RequestId was accepted before (an earlier attempt whose answer we lost).
            return Sent(provider_message_id=str(answer.get("SMSID") or ""))
        if code in PERMANENT_CODES or response.status_code >= 400:
            reason = PERMANENT_CODES.get(code, answer.get("ErrorMessage", ""))
            raise PermanentFailure(f"SMS gateway code {code or response.status_code}: {reason}")
        raise TransientFailure(f"SMS gateway code {code}: {answer.get('ErrorMessage', '')}")

    def send_many(self, notifications) -> dict:
        """The batch's requests concurrently, each thread over its keep-alive connection; each message keeps
        its own RequestId, so the gateway's duplicate check works message by message."""
        notifications = list(notifications)
        if len(notifications) <= 1:
            return super().send_many(notifications)
        outcomes = sending_pool().map(lambda n: _outcome(self.send, n), notifications)
        return {n.pk: outcome for n, outcome in zip(notifications, outcomes, strict=True)}
