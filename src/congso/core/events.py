"""Domain events through a transactional outbox.

``publish(name, payload, aggregate=obj)`` writes the event, one delivery row per subscriber and one
background task that delivers them (``publish_many`` does the same for several events of one change),
all in the caller's transaction: if the change rolls back, nothing is
published; if it commits, the event is durable even if no worker is running yet.

Subscribers register with ``@subscriber("dossier.submitted", name="notifications.dossier_receipt")``
in their block's ``subscribers.py`` (discovered at start-up). Delivery is at least once, so a
subscriber must be idempotent: it may see the same event again after a crash.

A delivery that fails is retried with exponential backoff; after ``CONGSO_OUTBOX_MAX_ATTEMPTS`` it is
parked, its error visible in the admin, and can be retried from there. A worker killed in the middle of
a delivery leaves the delivery pending (its transaction never committed); the periodic sweep enqueues it
again as soon as that worker's heartbeat has expired (``core.worker.release_orphaned_tasks``), and in
any case once it is older than ``CONGSO_OUTBOX_STALE_SECONDS`` (a task lost some other way).
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import pre_save
from django.utils import timezone

from . import statements
from .models import DeliveryStatus, EventDelivery, OutboxEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subscription:
    name: str
    event_names: frozenset[str]
    handler: Callable[[OutboxEvent], None]

    def wants(self, event_name: str) -> bool:
        return "*" in self.event_names or event_name in self.event_names


_subscriptions: dict[str, Subscription] = {}


def subscriber(*event_names: str, name: str):
    """Register ``handler(event)`` for the given event names (``"*"`` for every event)."""

    def decorator(handler: Callable[[OutboxEvent], None]):
        existing = _subscriptions.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"Subscriber {name!r} is already registered")
        _subscriptions[name] = Subscription(name, frozenset(event_names), handler)
        return handler

    return decorator


def unsubscribe(name: str) -> None:
    """Remove a subscriber (tests and plugin reloads)."""
    _subscriptions.pop(name, None)


def subscriptions() -> list[Subscription]:
    return [_subscriptions[n] for n in sorted(_subscriptions)]


def publish(name: str, payload: dict | None = None, *, aggregate=None) -> OutboxEvent:
    """Write a domain event and its deliveries in the current transaction and return the event.

    ``payload`` must be JSON-serialisable. ``aggregate`` is the model instance the event is about.
    Statements: the event, one multi-row insert of its deliveries and one task row for all of them
    (``publish_many``). No savepoint of its own: inside the caller's transaction a failure here rolls the
    whole change back anyway; called outside one it opens its own.
    """
    return publish_many([(name, payload)], aggregate=aggregate)[0]


def publish_many(named_payloads, *, aggregate=None, rows=()) -> list[OutboxEvent]:
    """Write several events about one ``aggregate`` at once, in the given order, and return them.

    ``named_payloads`` is a sequence of ``(name, payload)``. The events, their deliveries, and one
    background task that delivers them in order (``core.tasks.deliver_events``). A delivery that fails is
    retried on its own, with backoff, so one failing subscriber never holds back another's retries.
    ``rows``: unsaved model instances of the same change written with them (its status change and audit
    line, ``dossiers.states.record``); their primary keys are set on return.

    On PostgreSQL all of it is **one statement** (``core.statements``: data-modifying CTEs, the task's
    argument — the deliveries' ids — computed from what the deliveries' part returns); elsewhere the rows
    one by one, then three statements whatever the number of events and subscribers. The same rows
    either way (``tests/core/test_events.py``).
    """
    now = timezone.now()
    aggregate_type = aggregate._meta.label_lower if aggregate is not None else ""
    aggregate_id = str(aggregate.pk) if aggregate is not None else ""
    wanted = subscriptions()
    written = [
        OutboxEvent(
            name=name, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload or {}
        )
        for name, payload in named_payloads
    ]
    deliveries = [
        EventDelivery(event=event, subscriber=sub.name, next_attempt_at=now, enqueued_at=now)
        for event in written
        for sub in wanted
        if sub.wants(event.name)
    ]
    with transaction.atomic(savepoint=False):
        if statements.supported():
            _write_as_one_statement(list(rows), written, deliveries)
            return written
        for row in rows:
            row.save(force_insert=True)
        OutboxEvent.objects.bulk_create(written)
        EventDelivery.objects.bulk_create(deliveries)
        if deliveries:
            _enqueue_batch([delivery.pk for delivery in deliveries])
    return written


def _write_as_one_statement(rows, written, deliveries) -> None:
    """``publish_many`` on PostgreSQL: ``rows``, the events, the deliveries and their task in one
    statement. The task row is the one ``deliver_events.enqueue(ids)`` writes (the database backend's
    ``DBTaskResult``, its ``task_enqueued`` signal sent after), except that its argument is taken from
    the ids the deliveries' part returns, in their order."""
    from .tasks import deliver_events

    inserts = [statements.values(model, list(group)) for model, group in groupby(rows, key=type)]
    if written:
        inserts.append(statements.values(OutboxEvent, written))
    if not inserts:
        return
    task_result = _unsaved_task_result(deliver_events) if deliveries else None
    if deliveries and task_result is None:  # not the database backend: enqueue through its API
        inserts.append(statements.values(EventDelivery, deliveries))
        statements.execute(inserts)
        _enqueue_batch([delivery.pk for delivery in deliveries])
        return
    tail = []
    if deliveries:
        inserts.append(statements.values(EventDelivery, deliveries))
        deliveries_part = f"i{len(inserts) - 1}"
        pk = EventDelivery._meta.pk.column
        # Identifiers only (the model's column, the part's name); no value is interpolated.
        ids = f"(SELECT jsonb_agg({pk} ORDER BY {pk}) FROM {deliveries_part})"  # noqa: S608
        arguments = f"jsonb_build_object('args', jsonb_build_array({ids}), 'kwargs', '{{}}'::jsonb)"
        task = statements.values(type(task_result), [task_result], replace={"args_kwargs": arguments})
        table = connection.ops.quote_name(task.model._meta.db_table)
        task_sql = f"INSERT INTO {table} ({', '.join(task.columns)}) VALUES {task.rows[0]}"  # noqa: S608
        tail.append(("task", task_sql, task.params))
    statements.execute(inserts, tail=tail)
    if task_result is not None:
        from django_tasks.signals import task_enqueued

        task_result.args_kwargs = {"args": [[delivery.pk for delivery in deliveries]], "kwargs": {}}
        task_result._state.adding = False
        task_enqueued.send(type(deliver_events.get_backend()), task_result=task_result.task_result)


def _unsaved_task_result(task):
    """The ``DBTaskResult`` the database backend would create to enqueue ``task`` (not saved), or None
    when the tasks backend is another one."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(task)
    # As ``DatabaseBackend._task_to_db_task`` (django-tasks-db 0.13), whose id function is private.
    result = DBTaskResult(
        id=backend._get_id(),
        args_kwargs={"args": [[]], "kwargs": {}},
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    # What ``save()`` runs before writing (the backend's handler sets ``run_after`` when there is none).
    pre_save.send(sender=DBTaskResult, instance=result, raw=False, using=connection.alias, update_fields=None)
    return result


def _enqueue_batch(delivery_ids: list[int]) -> None:
    from .tasks import deliver_events

    deliver_events.enqueue(delivery_ids)


def _enqueue(delivery: EventDelivery, run_after=None) -> None:
    from .tasks import deliver_event

    task = deliver_event
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(delivery.pk)


def backoff_delay(attempts: int) -> timedelta:
    """Exponential backoff: base × 2^(attempts−1), capped."""
    base = settings.CONGSO_OUTBOX_BACKOFF_SECONDS
    cap = settings.CONGSO_OUTBOX_BACKOFF_MAX_SECONDS
    return timedelta(seconds=min(cap, base * (2 ** max(0, attempts - 1))))


def attempt_delivery(delivery_id: int) -> str:
    """Try one delivery once. Returns what happened: delivered, retry, parked or skipped.

    The subscriber runs inside the transaction that marks the delivery done, so its own database
    effects and the "delivered" mark commit together or not at all.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            EventDelivery.objects.select_for_update(skip_locked=True)
            .select_related("event")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"  # already delivered or parked, or another worker holds it
        if delivery.next_attempt_at > now:
            return "skipped"  # a duplicate enqueue ran early; the scheduled one will do it
        subscription = _subscriptions.get(delivery.subscriber)
        delivery.attempts += 1
        try:
            if subscription is None:
                raise LookupError(f"No subscriber named {delivery.subscriber!r} is registered")
            with transaction.atomic():
                subscription.handler(delivery.event)
        except Exception:
            return _record_failure(delivery, traceback.format_exc(), now)
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "delivered_at", "last_error"])
        return "delivered"


def _record_failure(delivery: EventDelivery, error: str, now) -> str:
    delivery.last_error = error[-8000:]
    if delivery.attempts >= settings.CONGSO_OUTBOX_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.PARKED
        delivery.parked_at = now
        logger.error(
            "Parked delivery %s of %s after %s attempts", delivery.pk, delivery.event, delivery.attempts
        )
        outcome = "parked"
    else:
        delivery.next_attempt_at = now + backoff_delay(delivery.attempts)
        delivery.enqueued_at = now
        _enqueue(delivery, run_after=delivery.next_attempt_at)
        logger.warning(
            "Delivery %s failed (attempt %s); retry at %s",
            delivery.pk,
            delivery.attempts,
            delivery.next_attempt_at,
        )
        outcome = "retry"
    delivery.save(
        update_fields=["status", "attempts", "last_error", "parked_at", "next_attempt_at", "enqueued_at"]
    )
    return outcome


def retry_parked(deliveries) -> int:
    """Put parked deliveries back in the queue (the admin's "retry" action). Returns how many."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for delivery in deliveries.select_for_update().filter(status=DeliveryStatus.PARKED):
            delivery.status = DeliveryStatus.PENDING
            delivery.attempts = 0
            delivery.parked_at = None
            delivery.next_attempt_at = now
            delivery.enqueued_at = now
            delivery.save(update_fields=["status", "attempts", "parked_at", "next_attempt_at", "enqueued_at"])
            _enqueue(delivery)
            count += 1
    return count


def requeue_now(delivery_ids) -> int:
    """Enqueue again, now, the pending deliveries among ``delivery_ids`` whose task was interrupted (its
    worker died or lost the database). A delivery waiting for a backoff keeps its scheduled time."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        pending = EventDelivery.objects.select_for_update(skip_locked=True).filter(
            pk__in=list(delivery_ids), status=DeliveryStatus.PENDING
        )
        for delivery in pending:
            delivery.enqueued_at = now
            delivery.save(update_fields=["enqueued_at"])
            _enqueue(delivery, run_after=delivery.next_attempt_at if delivery.next_attempt_at > now else None)
            count += 1
    return count


def requeue_stale() -> int:
    """Enqueue again the pending deliveries whose task was lost (a worker killed mid-delivery).

    A delivery is stale when it is due and was last enqueued longer ago than
    ``CONGSO_OUTBOX_STALE_SECONDS``. Enqueuing twice is harmless: ``attempt_delivery`` locks the row
    and skips what is already done.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CONGSO_OUTBOX_STALE_SECONDS)
    count = 0
    with transaction.atomic():
        stale = EventDelivery.objects.select_for_update(skip_locked=True).filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, enqueued_at__lt=stale_before
        )
        for delivery in stale[:500]:
            delivery.enqueued_at = now
            delivery.save(update_fields=["enqueued_at"])
            _enqueue(delivery)
            count += 1
    if count:
        logger.warning("Re-enqueued %s stale outbox deliveries", count)
    return count
