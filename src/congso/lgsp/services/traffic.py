"""Traffic through the gateway, computed from the message log: per service and per consumer system,
requests, errors, latency percentiles and the last success — what the monitoring page and reports show."""

from dataclasses import dataclass
from datetime import datetime

from ..models import MessageRecord


@dataclass(frozen=True)
class Traffic:
    """One service's or one consumer's traffic in a period (latencies in milliseconds)."""

    key: str
    requests: int
    errors: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    last_success: datetime | None

    @property
    def error_share(self) -> float | None:
        return self.errors / self.requests if self.requests else None


def _percentile(ordered: list[int], share: float) -> float | None:
    """Nearest-rank percentile of durations in µs, as ms."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1] / 1000


def traffic(since: datetime, until: datetime, *, by: str = "service") -> list[Traffic]:
    """Traffic between ``since`` and ``until`` grouped ``by`` ``"service"`` (its ``MEMBER/SYSTEM/SERVICE``)
    or ``"client"`` (the consumer system's identifier), busiest first. An error is any answer of status
    400 or more, whoever gave it; the last success is the last answer below 400."""
    if by not in ("service", "client"):
        raise ValueError(by)
    groups: dict[str, dict] = {}
    rows = (
        MessageRecord.objects.filter(at__gte=since, at__lt=until)
        .exclude(**{by: ""})
        .values_list(by, "status", "duration_us", "at")
    )
    for key, status, duration, at in rows.iterator(chunk_size=5000):
        group = groups.setdefault(key, {"durations": [], "errors": 0, "last_success": None})
        group["durations"].append(duration)
        if status >= 400:
            group["errors"] += 1
        elif group["last_success"] is None or at > group["last_success"]:
            group["last_success"] = at
    result = []
    for key, group in groups.items():
        ordered = sorted(group["durations"])
        result.append(
            Traffic(
                key=key,
                requests=len(ordered),
                errors=group["errors"],
                p50_ms=_percentile(ordered, 0.50),
                p95_ms=_percentile(ordered, 0.95),
                p99_ms=_percentile(ordered, 0.99),
                last_success=group["last_success"],
            )
        )
    return sorted(result, key=lambda t: (-t.requests, t.key))
