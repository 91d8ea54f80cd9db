"""What the exchange tests share: the worker's round over the documents block's outbox deliveries, the
document system's LGSP credential, an issued and dispatched document."""

from django.utils import timezone

from congso.core import events
from congso.core.models import EventDelivery
from congso.documents import exchange_conf, services, transport
from congso.documents.models import Transmission
from congso.lgsp import services as lgsp

SUBSCRIBERS = ("documents.exchange_packages", "documents.exchange_status", "documents.exchange_recall")


def run_outbox(make_due: bool = False) -> list[str]:
    """The worker's rounds over the documents block: due outbox deliveries, then due transmissions to
    other systems, again until nothing is due (a delivery may queue a transmission, a receiver's answer
    a new event). ``make_due`` first brings retries waiting for their backoff forward. Returns the
    outcomes in order."""
    outcomes = []
    if make_due:
        EventDelivery.objects.filter(subscriber__in=SUBSCRIBERS, status="pending").update(
            next_attempt_at=timezone.now()
        )
        Transmission.objects.filter(state="pending").update(next_attempt_at=timezone.now())
    for _round in range(10):
        deliveries = EventDelivery.objects.filter(
            subscriber__in=SUBSCRIBERS, status="pending", next_attempt_at__lte=timezone.now()
        )
        transmissions = Transmission.objects.filter(state="pending", next_attempt_at__lte=timezone.now())
        pks = list(deliveries.order_by("pk").values_list("pk", flat=True))
        sends = list(transmissions.order_by("pk").values_list("pk", flat=True))
        if not pks and not sends:
            break
        outcomes += [events.attempt_delivery(pk) for pk in pks]
        outcomes += [transport.attempt_send(pk) for pk in sends]
    return outcomes


def document_system_credential(agency, code="QLVB"):
    """The document system of ``agency`` in the LGSP, with the credential the block's settings name."""
    lgsp.ensure_signing_keys()
    member = lgsp.member_for_agency(agency)
    system = lgsp.find_system(f"GOV/{agency.code}/{code}") or lgsp.register_system(
        member, code, "Hệ thống quản lý văn bản", status="connected"
    )
    if not system.credentials.filter(client_id=exchange_conf.client_id()).exists():
        lgsp.create_credential(
            system, client_id=exchange_conf.client_id(), secret=exchange_conf.client_secret()
        )
    return system


def dispatched(signed_draft, cast, **draft):
    document = services.issue(signed_draft(**draft), by=cast.clerk)
    return services.dispatch(document, by=cast.clerk)


def delivery_errors() -> list[str]:
    """The last errors of the documents block's deliveries waiting for a retry (for failure messages)."""
    return list(
        EventDelivery.objects.filter(subscriber__in=SUBSCRIBERS)
        .exclude(last_error="")
        .values_list("last_error", flat=True)
    )
