"""What the exchange tests share: the worker's round over the documents block's outbox deliveries, the
document system's LGSP credential, an issued and dispatched document."""

from django.utils import timezone

from congso.core import events
from congso.core.models import EventDelivery
from congso.documents import exchange_conf, services
from congso.lgsp import services as lgsp

SUBSCRIBERS = ("documents.exchange_packages", "documents.exchange_status", "documents.exchange_recall")


def run_outbox(make_due: bool = False) -> list[str]:
    """Deliver the documents block's due deliveries, and those their delivery published, as the worker
    would; ``make_due`` first brings retries waiting for their backoff forward. Returns the outcomes."""
    outcomes = []
    if make_due:
        EventDelivery.objects.filter(subscriber__in=SUBSCRIBERS, status="pending").update(
            next_attempt_at=timezone.now()
        )
    for _round in range(10):
        due = EventDelivery.objects.filter(
            subscriber__in=SUBSCRIBERS, status="pending", next_attempt_at__lte=timezone.now(), attempts=0
        ).order_by("pk")
        if make_due:
            due = EventDelivery.objects.filter(
                subscriber__in=SUBSCRIBERS, status="pending", next_attempt_at__lte=timezone.now()
            ).order_by("pk")
            make_due = False
        pks = list(due.values_list("pk", flat=True))
        if not pks:
            break
        outcomes += [events.attempt_delivery(pk) for pk in pks]
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
