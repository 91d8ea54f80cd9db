"""Upstream health checks: probing each registered service's provider and keeping the last result
(``ServiceHealth``) for the monitoring page and the catalogue.

A service that declares a ``health_path`` is healthy when a GET of ``upstream_url`` + that path answers
2xx or 3xx. One without is probed with a HEAD of ``upstream_url`` itself and counts as up when the server
answers anything below 500 (a base address often has no page of its own: a 404 still proves the server
is there). No answer within the timeout, a refused connection or a 5xx is a failure. Probes of several
services run side by side (a few threads), so one dead upstream does not delay the others' results.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils import timezone

from ..models import Service, ServiceHealth

PARALLEL_PROBES = 8


@dataclass(frozen=True)
class Probe:
    healthy: bool
    status_code: int | None
    duration_ms: int
    detail: str


def health_timeout() -> float:
    """``CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS`` (default 5): the longest a probe waits; never longer than the
    service's own timeout."""
    return float(getattr(settings, "CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS", 5))


def health_every() -> float:
    """``CONGSO_LGSP_HEALTH_SECONDS`` (default 60): how often the worker probes every service."""
    return float(getattr(settings, "CONGSO_LGSP_HEALTH_SECONDS", 60))


def probe_target(service: Service) -> tuple[str, str]:
    """The method and URL a probe of ``service`` calls."""
    base = service.upstream_url.rstrip("/")
    if service.health_path:
        return "GET", base + "/" + service.health_path.lstrip("/")
    return "HEAD", service.upstream_url


def probe(service: Service) -> Probe:
    """Call ``service``'s upstream once and say whether it is healthy (no database access)."""
    method, url = probe_target(service)
    timeout = min(health_timeout(), float(service.timeout_seconds or health_timeout()))
    started = time.monotonic()
    try:
        answer = httpx.request(method, url, timeout=timeout, follow_redirects=False)
    except httpx.TimeoutException:
        return Probe(False, None, _ms(started), f"Không trả lời trong {timeout:g} giây")
    except httpx.HTTPError as exc:
        return Probe(False, None, _ms(started), f"Không kết nối được: {type(exc).__name__}"[:300])
    code = answer.status_code
    healthy = code < 400 if service.health_path else code < 500
    return Probe(healthy, code, _ms(started), f"HTTP {code}")


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def record_probe(service: Service, result: Probe) -> ServiceHealth:
    """Keep ``result`` as ``service``'s last health (and when it was last healthy, since when failing)."""
    now = timezone.now()
    health = ServiceHealth.objects.filter(service=service).first() or ServiceHealth(service=service)
    health.checked_at = now
    health.status_code = result.status_code
    health.duration_ms = result.duration_ms
    health.detail = result.detail
    if result.healthy:
        health.last_healthy_at = now
        health.failing_since = None
    elif health.healthy is not False or health.failing_since is None:
        health.failing_since = now
    health.healthy = result.healthy
    health.save()
    return health


def check_services(queryset=None) -> list[ServiceHealth]:
    """Probe every service of ``queryset`` (default: all registered services) and keep the results."""
    targets = list(queryset if queryset is not None else Service.objects.all())
    if not targets:
        return []
    with ThreadPoolExecutor(min(PARALLEL_PROBES, len(targets)), thread_name_prefix="lgsp-health") as pool:
        results = list(pool.map(probe, targets))
    return [record_probe(service, result) for service, result in zip(targets, results, strict=True)]


def health_by_service(service_ids) -> dict[int, ServiceHealth]:
    """The last health of each service id given (absent when never checked)."""
    return {h.service_id: h for h in ServiceHealth.objects.filter(service_id__in=list(service_ids))}
