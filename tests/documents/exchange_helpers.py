"""What the exchange tests share: the worker's round over the documents block's outbox deliveries, the
document system's LGSP credential, an issued and dispatched document, a sample edXML package and the
gateway's provider credential of the exchange service."""

from datetime import date

from django.utils import timezone

from congso.core import events
from congso.core.models import EventDelivery
from congso.documents import edxml, exchange_conf, services, transport
from congso.documents.models import Transmission
from congso.lgsp import services as lgsp

GATEWAY_TOKEN = "khoa-cong-lgsp-goi-lien-thong-van-ban"  # noqa: S105 — a test value
PACKAGE = edxml.Package(
    from_code="000.00.12.H08",
    from_name="Ủy ban nhân dân tỉnh Bình Dương",
    to_code="000.01.12.H08",
    to_name="UBND phường Phú Cường",
    number=7,
    notation="QĐ-UBND",
    place="Thủ Dầu Một",
    issued_on=date(2026, 3, 2),
    type_code="QĐ",
    type_name="Quyết định",
    subject='Về việc công nhận tổ dân phố văn hóa <năm> 2026 & "đặc biệt"',
    content="Điều 1. …",
    signer_competence="KT.",
    signer_position="PHÓ CHỦ TỊCH",
    signer_name="Nguyễn Văn A",
    due_date=date(2026, 3, 20),
    to_places=["UBND phường Phú Cường", "Lưu: VT"],
    priority="khan",
    attachments=[("qd-07.pdf", b"%PDF-1.4 bytes\x00\xff", "application/pdf")],
)

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&x;</edXML:edXMLEnvelope>"""


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
