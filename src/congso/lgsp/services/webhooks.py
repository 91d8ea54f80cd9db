"""Push delivery: one background task per delivery, a signed POST, retries with exponential backoff,
the dead-letter list and its replay.

The worker (``congso worker``) runs ``lgsp.tasks.deliver_webhook(delivery_id)`` →
``attempt_push``: it locks the delivery row, POSTs the event to the subscription's URL and records the
outcome in the same transaction. A worker killed mid-delivery leaves the row pending (its transaction
dies with it); ``requeue_stale`` (a periodic job) enqueues it again once ``CONGSO_LGSP_WEBHOOK_STALE_SECONDS``
have passed, so nothing is lost — the receiver may see the event twice and deduplicates on its id.
"""

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .. import conf, destinations
from ..models import Delivery, DeliveryStatus, Subscription, SubscriptionMode, SubscriptionState
from ..pubsub import signing
from .common import changed

logger = logging.getLogger(__name__)

USER_AGENT = "congso-lgsp-webhook/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A webhook answers where it was registered; following a redirect would send the signed body
    # somewhere nobody registered.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class DeliveryFailed(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def enqueue(delivery: Delivery, run_after=None) -> None:
    from ..tasks import deliver_webhook

    task = deliver_webhook if run_after is None else deliver_webhook.using(run_after=run_after)
    task.enqueue(delivery.pk)


def backoff_delay(attempts: int) -> timedelta:
    """base × 2^(attempts−1), capped (``CONGSO_LGSP_WEBHOOK_BACKOFF_*``)."""
    base, cap = conf.webhook_backoff()
    return timedelta(seconds=min(cap, base * (2 ** max(0, attempts - 1))))


def body_of(delivery: Delivery) -> bytes:
    from .pubsub import envelope

    return json.dumps(envelope(delivery.event), ensure_ascii=False, separators=(",", ":")).encode()


def post(delivery: Delivery, secret: str) -> int:
    """POST the event to the subscription's URL, signed; return the HTTP status or raise
    ``DeliveryFailed`` for anything but a 2xx answer."""
    url = delivery.subscription.url
    try:
        destinations.check(url)  # again at each delivery: the name may point elsewhere by now
    except destinations.RefusedDestination as exc:
        raise DeliveryFailed(exc.message) from exc
    body = body_of(delivery)
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            signing.HEADER: signing.sign(secret, body),
            signing.EVENT_ID_HEADER: str(delivery.event.event_id),
            signing.EVENT_TYPE_HEADER: delivery.event.event_type.code,
            signing.ATTEMPT_HEADER: str(delivery.attempts),
        },
    )
    try:
        with _opener.open(request, timeout=conf.webhook_timeout()) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code}", exc.code) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}", status)
    return status


def attempt_push(delivery_id: int) -> str:
    """Try one push delivery once: delivered, retry, dead, paused or skipped."""
    from .pubsub import may_receive, subscription_secret

    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "subscription__system__member", "subscription__system__owner_agency", "event__event_type"
            )
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, subscription__mode=SubscriptionMode.PUSH)
            .first()
        )
        if delivery is None or delivery.next_attempt_at > now:
            return "skipped"  # done, dead, held by another worker, or a duplicate task ran early
        subscription = delivery.subscription
        if subscription.state != SubscriptionState.ACTIVE:
            return "paused"  # stays pending; resuming enqueues it again
        delivery.attempts += 1
        if not may_receive(subscription.system, delivery.event.event_type, delivery.event.agency_codes, now):
            return _dead(delivery, "Quyền nhận sự kiện không còn hiệu lực.", now)
        try:
            delivery.last_status_code = post(delivery, subscription_secret(subscription))
        except DeliveryFailed as exc:
            delivery.last_status_code = exc.status
            return _failed(delivery, str(exc), now)
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "delivered_at", "last_error", "last_status_code"])
        return "delivered"


def _dead(delivery: Delivery, error: str, now) -> str:
    delivery.status = DeliveryStatus.DEAD
    delivery.dead_at = now
    delivery.last_error = error[-4000:]
    delivery.save(update_fields=["status", "attempts", "dead_at", "last_error", "last_status_code"])
    logger.error("Webhook delivery %s is dead after %s attempts: %s", delivery.pk, delivery.attempts, error)
    return "dead"


def _failed(delivery: Delivery, error: str, now) -> str:
    if delivery.attempts >= conf.webhook_max_attempts():
        return _dead(delivery, error, now)
    delivery.last_error = error[-4000:]
    delivery.next_attempt_at = now + backoff_delay(delivery.attempts)
    delivery.enqueued_at = now
    delivery.save(
        update_fields=["attempts", "last_error", "last_status_code", "next_attempt_at", "enqueued_at"]
    )
    enqueue(delivery, run_after=delivery.next_attempt_at)
    logger.warning("Webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    return "retry"


@transaction.atomic
def replay(deliveries, by=None) -> int:
    """Put dead deliveries (a queryset) back in the queue, attempts reset; return how many."""
    now = timezone.now()
    count = 0
    for delivery in deliveries.select_for_update(of=("self",)).filter(status=DeliveryStatus.DEAD):
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.dead_at = None
        delivery.next_attempt_at = now
        delivery.enqueued_at = now
        delivery.save(update_fields=["status", "attempts", "dead_at", "next_attempt_at", "enqueued_at"])
        changed("lgsp.delivery.replay", delivery, changes={"event": str(delivery.event.event_id)}, by=by)
        if delivery.subscription.mode == SubscriptionMode.PUSH:
            enqueue(delivery)
        count += 1
    return count


def send_pending_now(subscription: Subscription) -> int:
    """Enqueue now every pending push delivery of ``subscription`` (it was resumed)."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        pending = Delivery.objects.select_for_update(skip_locked=True).filter(
            subscription=subscription, status=DeliveryStatus.PENDING
        )
        for delivery in pending:
            delivery.next_attempt_at = min(delivery.next_attempt_at, now)
            delivery.enqueued_at = now
            delivery.save(update_fields=["next_attempt_at", "enqueued_at"])
            enqueue(delivery)
            count += 1
    return count


def requeue_stale() -> int:
    """Enqueue again the due push deliveries whose task was lost (a worker killed mid-delivery).
    A delivery a live worker is sending is locked and skipped; enqueuing twice is harmless."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=conf.webhook_stale_seconds())
    count = 0
    with transaction.atomic():
        stale = Delivery.objects.select_for_update(skip_locked=True).filter(
            status=DeliveryStatus.PENDING,
            subscription__mode=SubscriptionMode.PUSH,
            subscription__state=SubscriptionState.ACTIVE,
            next_attempt_at__lte=now,
            enqueued_at__lt=stale_before,
        )
        for delivery in stale[:500]:
            delivery.enqueued_at = now
            delivery.save(update_fields=["enqueued_at"])
            enqueue(delivery)
            count += 1
    if count:
        logger.warning("Re-enqueued %s stale webhook deliveries", count)
    return count
