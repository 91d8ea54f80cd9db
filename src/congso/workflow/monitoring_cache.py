"""The cache in front of the process monitoring figures (``cached``).

The pages read the figures through ``cached``: computed once, then served from Django's cache for
``CONGSO_MONITORING_CACHE_SECONDS`` (60 by default; 0 turns it off), per scope, process and
parameters, and shown with the moment they were computed. At province scale a process's figures
aggregate hundreds of thousands of steps (see bench/README.md); a dashboard a minute old is what
leadership needs, and it keeps repeated views from re-reading them. The queries themselves are
served by the partial indexes ``workflow_item_open_mon_idx`` and ``workflow_item_done_mon_idx``.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

DEFAULT_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Snapshot:
    """Figures and the moment they were computed."""

    value: object
    computed_at: datetime


def cache_seconds() -> int:
    return int(getattr(settings, "CONGSO_MONITORING_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _scope_key(scope) -> str:
    return "all" if scope.everything else ",".join(str(i) for i in sorted(scope.agency_ids))


def cached(name: str, scope, parts: tuple, compute: Callable[[], object]) -> Snapshot:
    """``compute()``'s result for ``scope`` and ``parts`` (hashable, printable values: keys, periods),
    from the cache when computed less than ``cache_seconds()`` ago, else computed now and stored."""
    seconds = cache_seconds()
    if seconds <= 0:
        return Snapshot(compute(), timezone.now())
    digest = hashlib.sha256(repr((name, _scope_key(scope), parts)).encode("utf-8")).hexdigest()
    key = f"congso:workflow:monitoring:{digest}"
    found = cache.get(key)
    if found is None:
        found = Snapshot(compute(), timezone.now())
        cache.set(key, found, seconds)
    return found
