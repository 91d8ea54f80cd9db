"""The webhook signature: HMAC-SHA256 with the subscription's secret, Stripe-shaped so receivers know it.

Every push carries ``X-Congso-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``
(several ``v1=`` may follow while a secret is being replaced). A receiver recomputes the HMAC over the
raw body bytes, compares in constant time and refuses a timestamp older than its tolerance (replay).
It deduplicates on ``X-Congso-Event-Id`` (delivery is at least once). ``verify`` is what a receiver
written in Python does; it imports nothing from congso but the standard library.
"""

import hashlib
import hmac
import time

HEADER = "X-Congso-Signature"
EVENT_ID_HEADER = "X-Congso-Event-Id"
EVENT_TYPE_HEADER = "X-Congso-Event-Type"
ATTEMPT_HEADER = "X-Congso-Delivery-Attempt"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The signature is missing, malformed, wrong or too old."""


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for ``body`` signed now (or at ``timestamp``)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(
    secret: str, body: bytes, header: str, *, tolerance: int = DEFAULT_TOLERANCE_SECONDS, now=None
) -> int:
    """Check ``header`` for ``body``; return its timestamp or raise ``SignatureError``."""
    timestamp, macs = None, []
    for part in (header or "").split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            macs.append(value)
    if timestamp is None or not macs:
        raise SignatureError("malformed signature header")
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("signature timestamp outside the tolerance")
    expected = _mac(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in macs):
        raise SignatureError("signature does not match")
    return timestamp
