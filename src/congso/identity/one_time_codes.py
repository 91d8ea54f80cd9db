"""One-time codes sent to a phone or an e-mail address: proof that a person receives messages there.

A code is 6 random digits, stored only as a keyed hash (``OneTimeCode``), valid
``CONGSO_ONE_TIME_CODE_LIFETIME_SECONDS`` (10 minutes), accepts ``CONGSO_ONE_TIME_CODE_ATTEMPTS`` tries
and works once; a new code replaces the earlier ones of the same purpose and address.

A code may belong to an *attempt*: a random token kept in the session of the browser that asked for it
(only its keyed hash is stored). Such a code passes only for that token, and only while its attempt made
the newest code of the address: a newer attempt, from any browser, supersedes the older ones.

Sending is limited before anything is made or sent (``core.ratelimit``): one code per address per
``CONGSO_ONE_TIME_CODE_RESEND_SECONDS`` (the resend cool-down), ``CONGSO_ONE_TIME_CODE_ADDRESS_LIMIT``
per address and ``CONGSO_ONE_TIME_CODE_CLIENT_LIMIT`` per client address per window. The limits count the
same whether or not an account has the address, so their answers reveal nothing.

Delivery goes through the sender registered for the channel (``registry.one_time_code_senders``); the
e-mail default is Django's e-mail backend.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from congso.core import ratelimit

from .base import CodeNotSent, OneTimeCodeSender
from .models import CodeChannel, OneTimeCode
from .registry import one_time_code_senders

CODE_DIGITS = 6


class DjangoEmailSender(OneTimeCodeSender):
    """E-mail through Django's configured backend: what sends codes until another e-mail sender is
    registered (the notifications block's)."""

    def send(self, address: str, subject: str, body: str) -> None:
        message = EmailMessage(
            subject=subject, body=body, to=[address], headers={"Auto-Submitted": "auto-generated"}
        )
        try:
            message.send(fail_silently=False)
        except OSError as error:  # smtplib's errors are OSErrors
            raise CodeNotSent(str(error)) from error


def sender_for(channel: str) -> OneTimeCodeSender | None:
    """The sender of codes over ``channel``, or ``None`` when nothing can send there."""
    if channel in one_time_code_senders:
        return one_time_code_senders[channel]()
    if channel == CodeChannel.EMAIL:
        return DjangoEmailSender()
    return None


def channel_available(channel: str) -> bool:
    return sender_for(channel) is not None


class SendRefused(Exception):
    """No code may be sent now. ``reason``: ``cool_down`` (a code went to this address less than a
    minute ago) or ``limit`` (too many for this address or this client); ``wait_seconds``: for
    ``cool_down``, how long until a new code may be asked for."""

    def __init__(self, reason: str, wait_seconds: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.wait_seconds = wait_seconds


def check_send_allowed(purpose: str, address: str, client: str) -> None:
    """Count one send to ``address`` asked by ``client`` against the limits; ``SendRefused`` when over.

    Call before making anything, also when no account has the address (the answer must be the same).
    """
    scope, key, now = "identity.one_time_code.cool_down", f"{purpose}:{address}", timezone.now()
    cool_down = settings.CONGSO_ONE_TIME_CODE_RESEND_SECONDS
    if not ratelimit.take(scope, key, limit=1, window=cool_down, now=now):
        # The minute runs from the last code sent, not from this early ask: the person is told how long
        # is left, and asking again meanwhile does not move it (the address limits still count sends).
        ratelimit.give_back(scope, key, window=cool_down, now=now)
        raise SendRefused("cool_down", ratelimit.wait_seconds(scope, key, limit=1, window=cool_down, now=now))
    if not ratelimit.take(
        "identity.one_time_code.address",
        address,
        limit=settings.CONGSO_ONE_TIME_CODE_ADDRESS_LIMIT,
        window=settings.CONGSO_ONE_TIME_CODE_LIMIT_WINDOW_SECONDS,
    ):
        raise SendRefused("limit")
    if not take_client(client):
        raise SendRefused("limit")


def take_client(client: str) -> bool:
    """Count one ask by ``client`` against its limit; False when over it."""
    return ratelimit.take(
        "identity.one_time_code.client",
        client,
        limit=settings.CONGSO_ONE_TIME_CODE_CLIENT_LIMIT,
        window=settings.CONGSO_ONE_TIME_CODE_LIMIT_WINDOW_SECONDS,
    )


def _hash(purpose: str, address: str, code: str) -> str:
    # Keyed by purpose and address too: a code for one address is worth nothing for another.
    return salted_hmac("congso.identity.one_time_code", f"{purpose}:{address}:{code}").hexdigest()


def _attempt_hash(attempt: str) -> str:
    return salted_hmac("congso.identity.one_time_code.attempt", attempt, algorithm="sha256").hexdigest()


def lifetime() -> timedelta:
    return timedelta(seconds=settings.CONGSO_ONE_TIME_CODE_LIFETIME_SECONDS)


def issue(purpose: str, channel: str, address: str, user, attempt: str = "") -> str:
    """Make a new code for ``user`` at ``address`` (earlier unused ones of the purpose stop working) and
    return it, to be sent at once. Only after ``check_send_allowed`` (or, unsent, to record a new
    ``attempt`` while the cool-down holds its code back).

    ``user`` may be ``None`` (a password reset asked for an address without an account): the code is
    kept, never sent and never passes, so trying codes for that address behaves like for any other."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(purpose=purpose, address=address, used_at=None).update(expires_at=now)
        OneTimeCode.objects.create(
            purpose=purpose,
            channel=channel,
            address=address,
            user=user,
            code_hash=_hash(purpose, address, code),
            attempt_hash=_attempt_hash(attempt) if attempt else "",
            expires_at=now + lifetime(),
        )
    return code


def retire(purpose: str, address: str) -> None:
    """End the unused codes of ``purpose`` for ``address`` now, before a new attempt changes what they
    would grant: the update waits for a code being checked at this moment, and a code checked after it
    no longer passes."""
    OneTimeCode.objects.filter(purpose=purpose, address=address, used_at=None).update(
        expires_at=timezone.now()
    )


def _newest(purpose: str, address: str) -> OneTimeCode | None:
    return OneTimeCode.objects.filter(purpose=purpose, address=address).order_by("-created_at", "-pk").first()


def current_attempt(purpose: str, address: str, attempt: str) -> OneTimeCode | None:
    """The newest code of ``address`` when it belongs to ``attempt`` (the attempt is still the one that
    counts), else ``None``."""
    newest = _newest(purpose, address)
    if newest is None or not attempt or newest.attempt_hash != _attempt_hash(attempt):
        return None
    return newest


def resend_wait_seconds(purpose: str, address: str) -> int:
    """Seconds before the cool-down lets a new code go to ``address`` (0: now)."""
    return ratelimit.wait_seconds(
        "identity.one_time_code.cool_down",
        f"{purpose}:{address}",
        limit=1,
        window=settings.CONGSO_ONE_TIME_CODE_RESEND_SECONDS,
    )


def deliver(channel: str, address: str, subject: str, body: str) -> None:
    """Send a message holding a code; ``CodeNotSent`` when there is no sender or it failed."""
    sender = sender_for(channel)
    if sender is None:
        raise CodeNotSent(f"no sender for {channel}")
    sender.send(address, subject, body)


@dataclass(frozen=True)
class Check:
    """The outcome of entering a code: the code used (``ok``) or why not (``wrong``, ``expired``,
    ``too_many``; for a code of an attempt also ``superseded``, a newer attempt for the address was made,
    and ``earlier_attempt``, the code is one sent for an older attempt)."""

    outcome: str
    code: OneTimeCode | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace()).replace("-", "")


def check(purpose: str, address: str, code: str, attempt: str = "") -> Check:
    """Check ``code`` against the newest live code of ``purpose`` for ``address``, using it up when right.

    With ``attempt``, the newest code must belong to it: otherwise the answer is ``superseded`` and the
    try costs that code nothing, so an outdated session can neither pass nor wear down the newer attempt.

    Every try counts against the code (``attempts``); a code issued for no account (``user`` empty, see
    ``issue``) counts the same but never passes, so an address without an account answers exactly like
    one with a wrong code. Tries per address are also rate-limited across codes (three codes' worth per
    lifetime), so asking for new codes does not multiply the guesses. A used, replaced or expired code
    never passes again.
    """
    code = _normalise(code)
    if not ratelimit.take(
        "identity.one_time_code.check",
        f"{purpose}:{address}",
        limit=3 * settings.CONGSO_ONE_TIME_CODE_ATTEMPTS,
        window=settings.CONGSO_ONE_TIME_CODE_LIFETIME_SECONDS,
    ):
        return Check("too_many")
    now = timezone.now()
    if attempt and current_attempt(purpose, address, attempt) is None:
        return Check("superseded")
    with transaction.atomic():
        current = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, address=address, used_at=None)
            .order_by("-created_at", "-pk")
            .first()
        )
        if current is None:
            return Check("wrong")
        if current.expires_at <= now:
            return Check("expired")
        if current.attempts >= settings.CONGSO_ONE_TIME_CODE_ATTEMPTS:
            return Check("too_many")
        current.attempts += 1
        if (
            current.user_id
            and code.isdigit()
            and constant_time_compare(_hash(purpose, address, code), current.code_hash)
        ):
            current.used_at = now
            current.save(update_fields=["attempts", "used_at"])
            return Check("ok", current)
        current.save(update_fields=["attempts"])
    if attempt and code.isdigit() and _sent_for_an_earlier_attempt(purpose, address, code, current):
        return Check("earlier_attempt")
    return Check("too_many" if current.attempts >= settings.CONGSO_ONE_TIME_CODE_ATTEMPTS else "wrong")


def _sent_for_an_earlier_attempt(purpose: str, address: str, code: str, current: OneTimeCode) -> bool:
    # Only to explain a refusal: a person who types the code of an attempt a newer one replaced (theirs,
    # or one someone else made with their address) is told why it no longer works, not just "wrong".
    return (
        OneTimeCode.objects.filter(
            purpose=purpose,
            address=address,
            code_hash=_hash(purpose, address, code),
            created_at__gte=timezone.now() - lifetime(),
        )
        .exclude(attempt_hash=current.attempt_hash)
        .exists()
    )
