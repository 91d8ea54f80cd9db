"""The transactional outbox: publish, deliver, retry with backoff, park, retry parked, sweep."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from congso.core import audit, events, statements
from congso.core.models import AuditEntry, DeliveryStatus, EventDelivery, OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder():
    """Two subscribers: one that records what it saw, one that fails while ``failing["on"]``."""
    seen = []
    failing = {"on": True}

    @events.subscriber("test.thing_happened", name="test.recorder")
    def record(event):
        seen.append(event.payload["n"])

    @events.subscriber("test.thing_happened", name="test.flaky")
    def flaky(event):
        if failing["on"]:
            raise ValueError("downstream system unavailable")

    yield seen, failing
    events.unsubscribe("test.recorder")
    events.unsubscribe("test.flaky")


def delivery(subscriber):
    return EventDelivery.objects.get(subscriber=subscriber)


def test_publish_writes_event_deliveries_and_one_task_in_one_transaction(recorder):
    event = events.publish("test.thing_happened", {"n": 1})
    assert OutboxEvent.objects.count() == 1
    assert set(event.deliveries.values_list("subscriber", flat=True)) == {"test.recorder", "test.flaky"}
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "congso.core.tasks.deliver_events"
    assert sorted(task.args_kwargs["args"][0]) == sorted(event.deliveries.values_list("pk", flat=True))


def test_publish_many_writes_events_in_order_with_one_task(recorder, django_assert_num_queries):
    # Events, deliveries, task whatever the number of each: one statement on PostgreSQL (CTEs), else 3.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        first, second = events.publish_many(
            [("test.thing_happened", {"n": 1}), ("test.thing_happened", {"n": 2})]
        )
    assert first.occurred_at <= second.occurred_at
    assert EventDelivery.objects.count() == 4
    (task,) = DBTaskResult.objects.all()
    assert len(task.args_kwargs["args"][0]) == 4


@override_settings(CONGSO_OUTBOX_BACKOFF_SECONDS=10)
def test_batch_task_delivers_each_and_retries_only_the_failing_one(recorder):
    from congso.core.tasks import deliver_events

    seen, _ = recorder
    events.publish_many([("test.thing_happened", {"n": 1}), ("test.thing_happened", {"n": 2})])
    ids = list(EventDelivery.objects.order_by("pk").values_list("pk", flat=True))
    outcome = deliver_events.call(ids)
    assert sorted(seen) == [1, 2]
    assert sorted(outcome.values()) == ["delivered", "delivered", "retry", "retry"]
    flaky_ids = set(EventDelivery.objects.filter(subscriber="test.flaky").values_list("pk", flat=True))
    retries = DBTaskResult.objects.filter(task_path="congso.core.tasks.deliver_event")
    assert {task.args_kwargs["args"][0] for task in retries} == flaky_ids


def test_rolled_back_change_publishes_nothing(recorder):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("test.thing_happened", {"n": 1})
        raise RuntimeError("the change failed")
    assert OutboxEvent.objects.count() == 0
    assert EventDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_publishing_no_event_writes_only_the_rows_given(recorder):
    assert events.publish_many([]) == []
    entry = audit.unsaved_entry("test.changed", label="bench")
    assert events.publish_many([], rows=[entry]) == []
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.changed").exists()
    assert OutboxEvent.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_event_without_subscribers_is_still_recorded():
    events.publish("test.nobody_listens", {})
    assert OutboxEvent.objects.filter(name="test.nobody_listens").exists()
    assert EventDelivery.objects.count() == 0


def test_delivery_calls_subscriber_and_marks_it_delivered(recorder):
    seen, _ = recorder
    events.publish("test.thing_happened", {"n": 7})
    assert events.attempt_delivery(delivery("test.recorder").pk) == "delivered"
    assert seen == [7]
    d = delivery("test.recorder")
    assert d.status == DeliveryStatus.DELIVERED and d.attempts == 1 and d.delivered_at is not None


def test_delivered_event_is_not_delivered_again(recorder):
    seen, _ = recorder
    events.publish("test.thing_happened", {"n": 7})
    pk = delivery("test.recorder").pk
    events.attempt_delivery(pk)
    assert events.attempt_delivery(pk) == "skipped"
    assert seen == [7]


@override_settings(CONGSO_OUTBOX_BACKOFF_SECONDS=10, CONGSO_OUTBOX_MAX_ATTEMPTS=3)
def test_failing_subscriber_is_retried_with_backoff_then_parked_without_blocking_others(recorder):
    seen, _ = recorder
    events.publish("test.thing_happened", {"n": 3})
    flaky = delivery("test.flaky")

    before = timezone.now()
    assert events.attempt_delivery(flaky.pk) == "retry"
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.PENDING and flaky.attempts == 1
    assert "downstream system unavailable" in flaky.last_error
    # First retry after the base delay (10 s), the next after twice that.
    assert before + timedelta(seconds=9) <= flaky.next_attempt_at <= timezone.now() + timedelta(seconds=11)
    retry_task = DBTaskResult.objects.filter(args_kwargs__args=[flaky.pk]).order_by("-enqueued_at").first()
    assert retry_task.run_after >= flaky.next_attempt_at - timedelta(seconds=1)

    # A retry that runs before it is due does nothing.
    assert events.attempt_delivery(flaky.pk) == "skipped"

    EventDelivery.objects.filter(pk=flaky.pk).update(next_attempt_at=timezone.now())
    assert events.attempt_delivery(flaky.pk) == "retry"
    flaky.refresh_from_db()
    assert flaky.next_attempt_at >= timezone.now() + timedelta(seconds=19)

    EventDelivery.objects.filter(pk=flaky.pk).update(next_attempt_at=timezone.now())
    assert events.attempt_delivery(flaky.pk) == "parked"
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.PARKED and flaky.attempts == 3 and flaky.parked_at

    # The other subscriber of the same event is unaffected.
    assert events.attempt_delivery(delivery("test.recorder").pk) == "delivered"
    assert seen == [3]


@override_settings(CONGSO_OUTBOX_MAX_ATTEMPTS=1)
def test_parked_delivery_can_be_retried_and_then_succeeds(recorder):
    _, failing = recorder
    events.publish("test.thing_happened", {"n": 4})
    flaky = delivery("test.flaky")
    assert events.attempt_delivery(flaky.pk) == "parked"

    failing["on"] = False
    assert events.retry_parked(EventDelivery.objects.all()) == 1
    assert events.attempt_delivery(flaky.pk) == "delivered"
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.DELIVERED and flaky.last_error == ""


def test_subscriber_effects_roll_back_when_it_fails(recorder):
    @events.subscriber("test.half_done", name="test.half_done")
    def half_done(event):
        AuditEntry.objects.create(action="test.partial")
        raise RuntimeError("failed after writing")

    try:
        events.publish("test.half_done", {})
        events.attempt_delivery(delivery("test.half_done").pk)
        assert not AuditEntry.objects.filter(action="test.partial").exists()
        assert delivery("test.half_done").attempts == 1
    finally:
        events.unsubscribe("test.half_done")


def test_unknown_subscriber_is_retried_then_parked_with_a_clear_error(recorder):
    events.publish("test.thing_happened", {"n": 5})
    events.unsubscribe("test.flaky")
    flaky = delivery("test.flaky")
    with override_settings(CONGSO_OUTBOX_MAX_ATTEMPTS=1):
        assert events.attempt_delivery(flaky.pk) == "parked"
    flaky.refresh_from_db()
    assert "No subscriber named 'test.flaky'" in flaky.last_error


@override_settings(CONGSO_OUTBOX_STALE_SECONDS=60)
def test_sweep_requeues_only_stale_pending_deliveries(recorder):
    events.publish("test.thing_happened", {"n": 6})
    events.attempt_delivery(delivery("test.recorder").pk)
    flaky = delivery("test.flaky")
    assert events.requeue_stale() == 0  # just enqueued: not stale

    EventDelivery.objects.filter(pk=flaky.pk).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    tasks_before = DBTaskResult.objects.count()
    assert events.requeue_stale() == 1
    assert DBTaskResult.objects.count() == tasks_before + 1
    flaky.refresh_from_db()
    assert flaky.enqueued_at > timezone.now() - timedelta(seconds=5)


def test_backoff_grows_exponentially_and_is_capped():
    with override_settings(CONGSO_OUTBOX_BACKOFF_SECONDS=5, CONGSO_OUTBOX_BACKOFF_MAX_SECONDS=60):
        assert [events.backoff_delay(n).total_seconds() for n in range(1, 6)] == [5, 10, 20, 40, 60]


def test_publish_inside_a_transaction_writes_deliveries_in_one_insert_without_a_savepoint(
    recorder, django_assert_num_queries
):
    with (
        transaction.atomic(),
        django_assert_num_queries(1 if connection.vendor == "postgresql" else 3) as captured,
    ):
        # the event; both deliveries in one INSERT; one task row for both (on PostgreSQL the three in one
        # statement). No SAVEPOINT/RELEASE.
        events.publish("test.thing_happened", {"n": 1})
    assert not any("SAVEPOINT" in query["sql"] for query in captured.captured_queries)
    assert EventDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2


def _written(since_audit: int) -> dict:
    """What a publication wrote, without ids and times: the audit entries after ``since_audit``, the
    events, the deliveries and the task rows, in order."""
    audit_rows = list(
        AuditEntry.objects.filter(pk__gt=since_audit)
        .order_by("pk")
        .values("actor_label", "action", "object_type", "object_id", "changes", "request_id")
    )
    event_rows = list(
        OutboxEvent.objects.order_by("occurred_at", "name").values("name", "aggregate_type", "payload")
    )
    delivery_rows = list(
        EventDelivery.objects.order_by("pk").values(
            "event__payload", "subscriber", "status", "attempts", "delivered_at", "parked_at", "last_error"
        )
    )
    tasks = list(DBTaskResult.objects.order_by("enqueued_at"))
    ids = list(EventDelivery.objects.order_by("pk").values_list("pk", flat=True))
    task_rows = [
        (t.status, t.priority, t.task_path, t.queue_name, t.backend_name, t.run_after, t.worker_ids)
        for t in tasks
    ]
    return {
        "audit": audit_rows,
        "events": event_rows,
        "deliveries": delivery_rows,
        "tasks": task_rows,
        "task_args": [t.args_kwargs for t in tasks] == [{"args": [ids], "kwargs": {}}],
    }


def test_one_statement_writes_the_rows_the_ordinary_statements_write(recorder, monkeypatch):
    """On PostgreSQL ``publish_many`` writes its rows (and the caller's) in one statement; the rows must
    be those the ordinary path (``save()``, ``bulk_create``, ``enqueue``) writes."""
    if connection.vendor != "postgresql":
        pytest.skip("one statement with data-modifying CTEs is PostgreSQL's; SQLite runs the ordinary path")

    def publish():
        entry = audit.unsaved_entry("test.changed", changes={"n": 1}, label="bench")
        written = events.publish_many(
            [("test.thing_happened", {"n": 1}), ("test.thing_happened", {"n": 2})], rows=[entry]
        )
        assert entry.pk is not None and not entry._state.adding
        assert all(not event._state.adding for event in written)
        return entry

    def clear():
        EventDelivery.objects.all().delete()
        OutboxEvent.objects.all().delete()
        DBTaskResult.objects.all().delete()

    first = publish()
    one_statement = _written(first.pk - 1)
    clear()
    monkeypatch.setattr(statements, "supported", lambda connection=None: False)
    second = publish()
    ordinary = _written(second.pk - 1)
    assert one_statement == ordinary
    assert one_statement["task_args"] is True
    assert [row["subscriber"] for row in ordinary["deliveries"]] == ["test.flaky", "test.recorder"] * 2
