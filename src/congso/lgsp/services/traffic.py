"""Traffic through the gateway, computed from the message log: per service and per consumer system,
requests, errors (by status class), latency percentiles and the last success; and the same over time
(per hour or per day) — what the monitoring page and reports show.

Computed on demand from the time-indexed table: one pass over the period's rows (status, duration, time),
a few MB per million records. The step once the log is that large is a periodic job folding each
finished hour into a small per-hour table (counts and a latency histogram)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from ..models import MessageRecord


@dataclass(frozen=True)
class Traffic:
    """One service's or one consumer's traffic in a period (latencies in milliseconds).

    ``errors`` is every answer of status 400 or more, whoever gave it: ``client_errors`` (4xx: refused
    by the gateway or the provider) and ``server_errors`` (5xx: the provider failed or was unreachable)."""

    key: str
    requests: int
    errors: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    last_success: datetime | None
    client_errors: int = 0
    server_errors: int = 0

    @property
    def error_share(self) -> float | None:
        return self.errors / self.requests if self.requests else None


@dataclass(frozen=True)
class TrafficPoint:
    """Requests and errors in one hour or day starting at ``start`` (local time)."""

    start: datetime
    requests: int
    errors: int


def _percentile(ordered: list[int], share: float) -> float | None:
    """Nearest-rank percentile of durations in µs, as ms."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1] / 1000


def _rows(since, until, *, service: str | None, client: str | None, involving=None):
    rows = MessageRecord.objects.filter(at__gte=since, at__lt=until)
    if involving is not None:
        services, clients = involving
        rows = rows.filter(Q(service__in=list(services)) | Q(client__in=list(clients)))
    if service is not None:
        rows = rows.filter(service=service)
    if client is not None:
        rows = rows.filter(client=client)
    return rows


def traffic(
    since: datetime,
    until: datetime,
    *,
    by: str = "service",
    service: str | None = None,
    client: str | None = None,
    involving: tuple | None = None,
) -> list[Traffic]:
    """Traffic between ``since`` and ``until`` grouped ``by`` ``"service"`` (its ``MEMBER/SYSTEM/SERVICE``)
    or ``"client"`` (the consumer system's identifier), busiest first; only calls to ``service`` and/or
    from ``client`` when given, and with ``involving=(service identifiers, client identifiers)`` only
    calls to one of those services or from one of those clients. An error is any answer of status 400
    or more, whoever gave it; the last success is the last answer below 400."""
    if by not in ("service", "client"):
        raise ValueError(by)
    groups: dict[str, dict] = {}
    rows = (
        _rows(since, until, service=service, client=client, involving=involving)
        .exclude(**{by: ""})
        .values_list(by, "status", "duration_us", "at")
    )
    for key, status, duration, at in rows.iterator(chunk_size=5000):
        group = groups.setdefault(key, {"durations": [], "4xx": 0, "5xx": 0, "last_success": None})
        group["durations"].append(duration)
        if status >= 500:
            group["5xx"] += 1
        elif status >= 400:
            group["4xx"] += 1
        elif group["last_success"] is None or at > group["last_success"]:
            group["last_success"] = at
    result = []
    for key, group in groups.items():
        ordered = sorted(group["durations"])
        result.append(
            Traffic(
                key=key,
                requests=len(ordered),
                errors=group["4xx"] + group["5xx"],
                p50_ms=_percentile(ordered, 0.50),
                p95_ms=_percentile(ordered, 0.95),
                p99_ms=_percentile(ordered, 0.99),
                last_success=group["last_success"],
                client_errors=group["4xx"],
                server_errors=group["5xx"],
            )
        )
    return sorted(result, key=lambda t: (-t.requests, t.key))


def _bucket_start(at: datetime, step: str) -> datetime:
    local = timezone.localtime(at)
    if step == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def traffic_series(
    since: datetime,
    until: datetime,
    *,
    step: str = "day",
    service: str | None = None,
    client: str | None = None,
    involving: tuple | None = None,
) -> list[TrafficPoint]:
    """Requests and errors per ``step`` (``"hour"`` or ``"day"``, local time) from ``since`` to
    ``until``, every step present (zero when quiet), narrowed as ``traffic`` narrows."""
    if step not in ("hour", "day"):
        raise ValueError(step)
    counts: dict[datetime, list[int]] = {}
    rows = _rows(since, until, service=service, client=client, involving=involving)
    rows = rows.values_list("at", "status")
    for at, status in rows.iterator(chunk_size=5000):
        bucket = counts.setdefault(_bucket_start(at, step), [0, 0])
        bucket[0] += 1
        bucket[1] += status >= 400
    points = []
    start = _bucket_start(since, step)
    while start < until:
        requests, errors = counts.get(start, (0, 0))
        points.append(TrafficPoint(start, requests, errors))
        start = _next(start, step)
    return points


def _next(start: datetime, step: str) -> datetime:
    if step == "hour":
        return timezone.localtime(start + timedelta(hours=1))
    # Wall-clock arithmetic on a local time: the next midnight, whatever the offset did in between.
    return start + timedelta(days=1)
