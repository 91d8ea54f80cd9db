"""Publish / subscribe in the admin: deliveries and subscriptions scoped to the administrator's systems,
dead letters replayed and subscriptions paused by actions, every page of the new models answering."""

import pytest
from django.contrib.auth.models import Permission

from congso.core import events
from congso.core.models import AuditEntry, EventDelivery
from congso.lgsp import services
from congso.lgsp.models import Delivery, DeliveryStatus, Subscription, SubscriptionState
from congso.lgsp.services import webhooks


def _admin_client(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="lgsp"))
    client.force_login(user)
    return client


@pytest.fixture
def dead(pubsub, dossier_payload, settings):
    settings.CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS = 1
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url="http://127.0.0.1:9/down")
    events.publish("dossier.accepted", dossier_payload())
    for pk in EventDelivery.objects.filter(subscriber="lgsp.publish").values_list("pk", flat=True):
        events.attempt_delivery(pk)
    delivery = Delivery.objects.get()
    assert webhooks.attempt_push(delivery.pk) == "dead"
    return delivery


@pytest.mark.parametrize(
    ("kind", "sees"), [("platform_admin", True), ("other_admin", True), ("owner_admin", False)]
)
def test_deliveries_and_subscriptions_are_scoped(kind, sees, person, dead, client):
    admin = _admin_client(client, person(kind))
    for url in ("/quan-tri/lgsp/delivery/", "/quan-tri/lgsp/subscription/"):
        page = admin.get(url)
        assert page.status_code == 200
        assert ("HOTICH" in page.content.decode()) is sees, url


def test_every_pubsub_admin_page_answers(person, dead, client):
    admin = _admin_client(client, person("platform_admin"))
    for model in ("eventtype", "eventright", "subscription", "publishedevent", "delivery"):
        assert admin.get(f"/quan-tri/lgsp/{model}/").status_code == 200, model
    assert admin.get(f"/quan-tri/lgsp/delivery/{dead.pk}/change/").status_code == 200


def test_replay_and_pause_actions(person, dead, client):
    admin = _admin_client(client, person("other_admin"))  # the consumer's administrator
    admin.post(
        "/quan-tri/lgsp/delivery/",
        {"action": "replay_deliveries", "_selected_action": [dead.pk]},
        follow=True,
    )
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.PENDING
    assert AuditEntry.objects.filter(action="lgsp.delivery.replay").exists()
    subscription = Subscription.objects.get()
    admin.post(
        "/quan-tri/lgsp/subscription/",
        {"action": "pause_subscriptions", "_selected_action": [subscription.pk]},
        follow=True,
    )
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.PAUSED
