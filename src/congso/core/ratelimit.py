"""Rate limits counted in the database, shared by every web process.

``take(scope, key, limit=…, window=…)`` counts one attempt on ``key`` (an account id, a client
address…) within ``scope`` and says whether it is within ``limit`` attempts per ``window`` seconds.
Attempts refused for being over the limit count too, so hammering keeps the limit on. Counting is
atomic (``RateCounter.objects.hit``): parallel requests never let more than ``limit`` through.

Rows older than ``RETENTION`` are deleted every hour by the periodic job ``core.purge_rate_counters``;
a window longer than ``RETENTION`` is refused.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import RateCounter
from .scheduling import periodic

RETENTION = timedelta(days=7)


def take(scope: str, key: str, *, limit: int, window: int, now=None) -> bool:
    """Count one attempt on (``scope``, ``key``); True while the window's attempts stay within ``limit``."""
    if not 0 < window <= RETENTION.total_seconds():
        raise ValueError(f"A rate-limit window must be between 1 second and {RETENTION}, not {window} s.")
    return RateCounter.objects.hit(scope, key, window, now=now) <= limit


def take_up_to(scope: str, key: str, wanted: int, *, limit: int, window: int, now=None) -> int:
    """Count up to ``wanted`` attempts on (``scope``, ``key``) at once and return how many fit within
    ``limit`` for the window (0 when none does): for senders that work in batches, one counter write per
    batch instead of one per message. What does not fit is given back in the same transaction, so a
    refused batch does not hold the limit down for others."""
    if wanted <= 0:
        return 0
    if not 0 < window <= RETENTION.total_seconds():
        raise ValueError(f"A rate-limit window must be between 1 second and {RETENTION}, not {window} s.")
    now = now or timezone.now()
    with transaction.atomic():
        total = RateCounter.objects.hit(scope, key, window, now=now, amount=wanted)
        granted = max(0, min(wanted, limit - (total - wanted)))
        if granted < wanted:
            RateCounter.objects.give_back(scope, key, window, now=now, amount=wanted - granted)
    return granted


def give_back(scope: str, key: str, *, window: int, now=None, amount: int = 1) -> None:
    """Undo one attempt taken on (``scope``, ``key``) in the current bucket: for checks that count an
    attempt as failed before they know (so parallel attempts cannot exceed the limit) and turn out fine."""
    RateCounter.objects.give_back(scope, key, window, now=now, amount=amount)


def recent(scope: str, key: str, *, window: int, now=None) -> int:
    """The attempts counted on (``scope``, ``key``) during the last ``window`` seconds (reads only)."""
    return RateCounter.objects.recent(scope, key, window, now=now)


def wait_seconds(scope: str, key: str, *, limit: int, window: int, now=None) -> int:
    """Whole seconds before an attempt on (``scope``, ``key``) would be within ``limit`` again (0: now),
    for a message that tells the person how long to wait (reads only)."""
    return RateCounter.objects.wait_seconds(scope, key, window, limit, now=now)


@periodic("core.purge_rate_counters", every=3600)
def purge_rate_counters(now=None) -> int:
    """Delete counter rows that no window can reach any more."""
    return RateCounter.objects.forget_before((now or timezone.now()) - RETENTION)
