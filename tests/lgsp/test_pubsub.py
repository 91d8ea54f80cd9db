"""Publish / subscribe without a worker: event types and schemas, rights (deny by default, own agency
only), publishing from the outbox, signed pushes checked from the receiver's side, retries with
backoff, the dead-letter list and its replay, pause and resume."""

import json
from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone

from congso.core import events
from congso.core.models import EventDelivery
from congso.lgsp import rules, services
from congso.lgsp.models import Delivery, DeliveryStatus, PublishedEvent, SubscriptionState
from congso.lgsp.pubsub import catalogue, signing
from congso.lgsp.services import webhooks
from congso.lgsp.services.common import RegistryError

from .webhook_receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def run_outbox(subscriber="lgsp.publish"):
    """Deliver every pending outbox delivery of ``subscriber`` now (what the worker would do)."""
    for pk in EventDelivery.objects.filter(subscriber=subscriber, status="pending").values_list(
        "pk", flat=True
    ):
        assert events.attempt_delivery(pk) == "delivered", EventDelivery.objects.get(pk=pk).last_error


def make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


# --- Catalogue and schemas -------------------------------------------------------------------------


def test_every_schema_is_a_valid_json_schema_without_room_for_personal_data():
    for code, entry in catalogue.DOMAIN_EVENT_TYPES.items():
        jsonschema.Draft202012Validator.check_schema(entry["schema"])
        assert entry["schema"]["additionalProperties"] is False, code
        for personal in ("national_id", "applicant_name", "phone", "email", "address", "dossier_id"):
            assert personal not in entry["schema"]["properties"], (code, personal)


def test_every_channel_of_a_dossier_is_one_the_schemas_accept():
    """A channel added to the dossiers block (the national portal's, say) must reach the event types too,
    or every event of such a dossier fails its schema and is never published."""
    from congso.dossiers.models import Channel

    for code, entry in catalogue.DOMAIN_EVENT_TYPES.items():
        assert set(Channel.values) <= set(entry["schema"]["properties"]["channel"]["enum"]), code


def test_the_projection_drops_internal_ids_and_process_data(dossier_payload):
    payload = catalogue.project("dossier.accepted", dossier_payload(), "2026-12-03T10:00:00+07:00")
    assert set(payload) == {
        "code",
        "status",
        "from_status",
        "channel",
        "agency_code",
        "current_agency_code",
        "procedure_code",
        "form_code",
        "due_at",
        "occurred_at",
    }
    assert catalogue.agencies_of(payload) == ["000.00.03.H08"]


def test_the_migration_registers_congsos_event_types(db):
    # Called directly: a transactional test earlier in the run may have flushed what the migration made.
    import importlib

    from django.apps import apps

    from congso.lgsp.models import EventType

    migration = importlib.import_module("congso.lgsp.migrations.0003_pubsub")
    EventType.objects.all().delete()
    migration.register_domain_event_types(apps, None)
    migration.register_domain_event_types(apps, None)  # and again, as a re-run would: no duplicates
    assert sorted(EventType.objects.values_list("code", flat=True)) == sorted(catalogue.DOMAIN_EVENT_TYPES)


def test_a_payload_outside_its_schema_is_refused(pubsub, dossier_payload):
    bad = catalogue.project("dossier.accepted", dossier_payload(), timezone.now().isoformat())
    bad["applicant_national_id"] = "074090000001"
    with pytest.raises(jsonschema.ValidationError):
        services.publish_event(pubsub["accepted"], bad, occurred_at=timezone.now())
    wrong_status = catalogue.project(
        "dossier.accepted", dossier_payload(status=9), timezone.now().isoformat()
    )
    with pytest.raises(jsonschema.ValidationError):
        services.validate_payload(pubsub["accepted"], wrong_status)


def test_register_event_type_checks_the_schema(registry):
    with pytest.raises(RegistryError):
        services.register_event_type("ho-tich.da-cap", "Đã cấp", {"type": "object"})  # code shape
    with pytest.raises(RegistryError):
        services.register_event_type("hotich.issued", "Đã cấp", {"type": 12})
    issued = services.register_event_type(
        "hotich.certificate_issued", "Đã cấp trích lục", {"type": "object"}, publisher=registry["consumer"]
    )
    assert issued.publisher == registry["consumer"]


# --- Rights -------------------------------------------------------------------------------------


def test_may_receive_is_deny_by_default_and_own_agency_only():
    now = timezone.now()
    right = {
        "system": "GOV/A/X",
        "group": None,
        "all_agencies": False,
        "valid_from": (now - timedelta(days=1)).isoformat(),
        "valid_to": None,
    }
    assert not rules.may_receive([], "GOV/A/X", set(), "A", ["A"], now)
    assert rules.may_receive([right], "GOV/A/X", set(), "A", ["A", "B"], now)
    assert not rules.may_receive([right], "GOV/A/X", set(), "A", ["B"], now)  # another agency's dossier
    assert not rules.may_receive([right], "GOV/A/Y", set(), "A", ["A"], now)  # another system
    assert rules.may_receive([{**right, "all_agencies": True}], "GOV/A/X", set(), "A", ["B"], now)
    by_group = {**right, "system": None, "group": "so-nganh"}
    assert rules.may_receive([by_group], "GOV/A/Y", {"so-nganh"}, "A", ["A"], now)
    ended = {**right, "valid_to": (now - timedelta(seconds=1)).isoformat()}
    assert not rules.may_receive([ended], "GOV/A/X", set(), "A", ["A"], now)


def test_subscribing_needs_a_right(pubsub):
    submitted = pubsub["types"]["dossier.submitted"]
    with pytest.raises(RegistryError):
        services.subscribe(pubsub["consumer"], submitted, "pull")
    with pytest.raises(RegistryError):
        services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url="ftp://example/hook")
    created = services.subscribe(pubsub["consumer"], pubsub["accepted"], "pull")
    assert created.secret == "" and created.subscription.url == ""


def test_only_the_subscribers_own_agencys_events_are_delivered(pubsub, dossier_payload):
    subscription = services.subscribe(pubsub["consumer"], pubsub["accepted"], "pull").subscription
    events.publish("dossier.accepted", dossier_payload(agency_code="000.00.03.H08"))
    events.publish("dossier.accepted", dossier_payload(agency_code="000.00.02.H08", code="OTHER-1"))
    run_outbox()
    assert PublishedEvent.objects.count() == 2
    assert [d.event.subject for d in Delivery.objects.filter(subscription=subscription)] == [
        "000.00.03.H08-261203-0001"
    ]


def test_a_revoked_right_stops_delivery(pubsub, dossier_payload):
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "pull")
    services.revoke_events(pubsub["right"])
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    assert PublishedEvent.objects.count() == 1
    assert not Delivery.objects.exists()


# --- Publishing from the outbox -----------------------------------------------------------------


def test_an_outbox_event_handed_over_twice_is_published_once(pubsub, dossier_payload):
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "pull")
    event = events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    services.pubsub.publish_domain_event(event)  # the outbox is at least once
    assert PublishedEvent.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_nothing_is_stored_while_nobody_subscribed(pubsub, dossier_payload):
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    assert not PublishedEvent.objects.exists()


def test_old_finished_events_are_purged_and_unfinished_kept(pubsub, dossier_payload, settings):
    settings.CONGSO_LGSP_EVENT_RETENTION_DAYS = 30
    subscription = services.subscribe(pubsub["consumer"], pubsub["accepted"], "pull").subscription
    for n in range(2):
        events.publish("dossier.accepted", dossier_payload(code=f"C-{n}"))
    run_outbox()
    done, waiting = Delivery.objects.order_by("pk")
    services.acknowledge(subscription, done.pk)
    PublishedEvent.objects.update(published_at=timezone.now() - timedelta(days=31))
    assert services.pubsub.purge_published() == 1
    assert list(Delivery.objects.all()) == [waiting]
    assert services.pubsub.purge_published(timezone.now() - timedelta(days=10)) == 0


def test_events_nobody_registered_are_not_published(pubsub):
    from congso.lgsp.models import EventType

    EventType.objects.filter(code="dossier.accepted").update(active=False)
    events.publish("dossier.accepted", {"code": "X"})
    run_outbox()
    assert not PublishedEvent.objects.exists()


# --- Push: signature, retries, dead letters, replay ---------------------------------------------


def test_a_push_is_signed_and_the_receiver_can_verify_it(pubsub, dossier_payload, receiver):
    created = services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=receiver.url)
    assert created.secret.startswith("whsec_") and len(created.secret) > 40
    assert created.secret not in created.subscription.secret_sealed  # stored encrypted
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    delivery = Delivery.objects.get()
    assert webhooks.attempt_push(delivery.pk) == "delivered"

    (request,) = receiver.requests
    headers, body = request["headers"], request["body"]
    signing.verify(created.secret, body, headers["X-Congso-Signature"])  # the receiver's check
    envelope = json.loads(body)
    assert envelope["id"] == headers["X-Congso-Event-Id"] == str(delivery.event.event_id)
    assert envelope["type"] == headers["X-Congso-Event-Type"] == "dossier.accepted"
    assert envelope["data"]["code"] == "000.00.03.H08-261203-0001"
    assert "dossier_id" not in envelope["data"] and "process" not in envelope["data"]
    with pytest.raises(signing.SignatureError):
        signing.verify(created.secret, body.replace(b"0001", b"0002"), headers["X-Congso-Signature"])
    with pytest.raises(signing.SignatureError):
        signing.verify("whsec_other", body, headers["X-Congso-Signature"])
    with pytest.raises(signing.SignatureError):  # an old signature replayed later
        signing.verify(created.secret, body, headers["X-Congso-Signature"], now=int(1e10))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.last_status_code == 200


def test_backoff_doubles_and_is_capped(settings):
    settings.CONGSO_LGSP_WEBHOOK_BACKOFF_SECONDS = 10
    settings.CONGSO_LGSP_WEBHOOK_BACKOFF_MAX_SECONDS = 60
    assert [webhooks.backoff_delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


def test_failures_retry_with_backoff_then_go_dead_and_replay_delivers(
    pubsub, dossier_payload, receiver, settings, django_capture_on_commit_callbacks
):
    settings.CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS = 3
    settings.CONGSO_LGSP_WEBHOOK_BACKOFF_SECONDS = 30
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=receiver.url)
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    delivery = Delivery.objects.get()
    receiver.status = 503

    before = timezone.now()
    assert webhooks.attempt_push(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_status_code == 503 and "HTTP 503" in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(seconds=30)
    assert webhooks.attempt_push(delivery.pk) == "skipped"  # not due yet

    make_due(delivery)
    assert webhooks.attempt_push(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=59)  # doubled
    make_due(delivery)
    assert webhooks.attempt_push(delivery.pk) == "dead"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD and delivery.dead_at is not None
    assert len(receiver.requests) == 3

    receiver.status = 204
    assert services.replay(Delivery.objects.filter(pk=delivery.pk)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert webhooks.attempt_push(delivery.pk) == "delivered"
    assert len(set(receiver.event_ids())) == 1  # the same event id every time: the receiver deduplicates


def test_an_unreachable_receiver_is_retried(pubsub, dossier_payload):
    from .webhook_receiver import free_port

    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=f"http://127.0.0.1:{free_port()}/")
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    delivery = Delivery.objects.get()
    assert webhooks.attempt_push(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_status_code is None and delivery.last_error


def test_a_paused_subscription_keeps_its_events_until_resumed(pubsub, dossier_payload, receiver):
    subscription = services.subscribe(
        pubsub["consumer"], pubsub["accepted"], "push", url=receiver.url
    ).subscription
    services.set_subscription_state(subscription, SubscriptionState.PAUSED)
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    delivery = Delivery.objects.get()
    assert webhooks.attempt_push(delivery.pk) == "paused"
    assert Delivery.objects.get().status == DeliveryStatus.PENDING and not receiver.requests
    services.set_subscription_state(subscription, SubscriptionState.ACTIVE)
    assert webhooks.attempt_push(delivery.pk) == "delivered"


def test_a_push_after_the_right_was_revoked_goes_dead(pubsub, dossier_payload, receiver):
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=receiver.url)
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    services.revoke_events(pubsub["right"])
    assert webhooks.attempt_push(Delivery.objects.get().pk) == "dead"
    assert not receiver.requests


def test_the_sweep_requeues_a_lost_push(pubsub, dossier_payload, receiver, settings):
    from django_tasks_db.models import DBTaskResult

    settings.CONGSO_LGSP_WEBHOOK_STALE_SECONDS = 60
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=receiver.url)
    events.publish("dossier.accepted", dossier_payload())
    run_outbox()
    delivery = Delivery.objects.get()
    assert webhooks.requeue_stale() == 0  # just enqueued
    Delivery.objects.filter(pk=delivery.pk).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    before = DBTaskResult.objects.filter(task_path="congso.lgsp.tasks.deliver_webhook").count()
    assert webhooks.requeue_stale() == 1
    assert DBTaskResult.objects.filter(task_path="congso.lgsp.tasks.deliver_webhook").count() == before + 1
