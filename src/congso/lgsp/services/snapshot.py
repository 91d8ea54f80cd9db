"""What the gateway loads and what it fills: the compiled registry snapshot, the daily exchange counts,
and the connected share computed from both (the plan's 60% target)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from congso.core.models import OutboxEvent

from .. import conf
from ..models import AccessRight, ConsumerCredential, Endpoint, ExchangeDay, Service, System, SystemStatus
from .common import REGISTRY_CHANGED
from .credentials import jwks

SNAPSHOT_FORMAT = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def registry_snapshot(services=None, now: datetime | None = None) -> dict:
    """The registry compiled for the gateway: plain JSON-serialisable data, so a gateway process loads it
    once, keeps it in memory and reloads it on ``lgsp.registry_changed`` (or every few seconds).

    ``services`` (ids) narrows the ``services`` part (``is_allowed`` asks about one). Rights are included
    with their validity period, not filtered by it, so a right that begins or ends between two reloads
    takes effect on time (``rules.allows`` reads the clock). Shape::

        {"format": 1, "generated_at", "issuer", "audience",
         "systems": {"GOV/000.00.02.H08/MOTCUA": {"status", "groups": [...], "rate_limit_per_minute"}},
         "credentials": {client_id: {"system", "certificate_sha256"}},      # active ones only
         "services": {"000.00.02.H08/MOTCUA/tra-cuu-ho-so": {
             "provider", "version", "upstream_url", "timeout_seconds",
             "personal_data", "data_subject_parameter", "keep_bodies",
             "endpoints": [{"method", "path", "enabled"}],
             "rights": [{"system", "group", "method", "path", "valid_from", "valid_to"}]}},
         "keys": {"keys": [JWK, ...]}}
    """
    now = now or timezone.now()
    systems = {}
    for system in System.objects.select_related("member").prefetch_related("groups"):
        systems[system.identifier] = {
            "id": system.pk,
            "status": system.status,
            "groups": sorted(g.code for g in system.groups.all()),
            "rate_limit_per_minute": system.rate_limit_per_minute,
        }
    credentials = {
        c.client_id: {"system": c.system.identifier, "certificate_sha256": c.certificate_fingerprint or None}
        for c in ConsumerCredential.objects.filter(active=True).select_related("system__member")
    }
    service_rows = Service.objects.select_related("system__member", "current_version").filter(
        current_version__isnull=False
    )
    if services is not None:
        service_rows = service_rows.filter(pk__in=list(services))
    service_rows = list(service_rows)
    endpoints: dict[int, list] = {}
    for e in Endpoint.objects.filter(version_id__in=[s.current_version_id for s in service_rows]):
        endpoints.setdefault(e.version_id, []).append(
            {"method": e.method, "path": e.path, "enabled": e.enabled}
        )
    rights: dict[int, list] = {}
    live = AccessRight.objects.filter(service__in=service_rows, revoked_at__isnull=True).exclude(
        valid_to__lte=now
    )
    for r in live.select_related("system__member", "group"):
        rights.setdefault(r.service_id, []).append(
            {
                "system": r.system.identifier if r.system_id else None,
                "group": r.group.code if r.group_id else None,
                "method": r.method,
                "path": r.path,
                "valid_from": _iso(r.valid_from),
                "valid_to": _iso(r.valid_to),
            }
        )
    compiled = {}
    for s in service_rows:
        compiled[s.path_identifier] = {
            "id": s.pk,
            "provider": s.system.identifier,
            "version": s.current_version.version,
            "upstream_url": s.upstream_url,
            "timeout_seconds": s.timeout_seconds,
            "upstream_token_variable": s.upstream_token_variable,
            "personal_data": s.personal_data,
            "data_subject_parameter": s.data_subject_parameter,
            "keep_bodies": s.keep_bodies,
            "endpoints": endpoints.get(s.current_version_id, []),
            "rights": rights.get(s.pk, []),
        }
    return {
        "format": SNAPSHOT_FORMAT,
        "generated_at": _iso(now),
        "issuer": conf.issuer(),
        "audience": conf.audience(),
        "systems": systems,
        "credentials": credentials,
        "services": compiled,
        "keys": jwks(now),
    }


def registry_stamp() -> str:
    """A cheap stamp that changes whenever the registry does (every change publishes
    ``lgsp.registry_changed``): the gateway polls it and reloads its snapshot when it moves."""
    found = OutboxEvent.objects.filter(name=REGISTRY_CHANGED).aggregate(
        n=Count("id"), last=Max("occurred_at")
    )
    return f"{found['n']}:{_iso(found['last'])}"


@transaction.atomic
def record_exchanges(system: System, day: date, count: int = 1) -> None:
    """Add ``count`` messages exchanged by ``system`` on ``day``. The gateway's message log calls this
    (for the client and the provider of each exchange, batched); besides it only the log's one-statement
    batch on PostgreSQL (``messagelog._one_statement``) writes ``ExchangeDay``, adding the same counts."""
    if count <= 0:
        return
    updated = ExchangeDay.objects.filter(system=system, day=day).update(count=F("count") + count)
    if not updated:
        _, created = ExchangeDay.objects.get_or_create(system=system, day=day, defaults={"count": count})
        if not created:
            ExchangeDay.objects.filter(system=system, day=day).update(count=F("count") + count)


@dataclass(frozen=True)
class ConnectedShare:
    """Systems serving citizens and businesses that exchanged messages through the LGSP in a period."""

    period_start: date
    period_end: date
    connected: int
    total: int
    target: float

    @property
    def share(self) -> float | None:
        return self.connected / self.total if self.total else None

    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= self.target


def connected_share(period_start: date, period_end: date) -> ConnectedShare:
    """The plan's indicator for ``period_start``–``period_end`` (both included): of the systems that serve
    citizens or businesses, registered by the end of the period and not retired, the share that
    exchanged at least one message through the gateway during it (``ExchangeDay``)."""
    end_of_period = timezone.make_aware(datetime.combine(period_end, datetime.max.time()))
    eligible = System.objects.filter(serves_public=True, registered_at__lte=end_of_period).exclude(
        status=SystemStatus.RETIRED
    )
    connected = eligible.filter(
        exchange_days__day__gte=period_start, exchange_days__day__lte=period_end, exchange_days__count__gt=0
    ).distinct()
    return ConnectedShare(
        period_start, period_end, connected.count(), eligible.count(), conf.connected_target()
    )
