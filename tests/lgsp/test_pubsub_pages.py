"""The publish / subscribe pages: subscribe a system (the secret shown once), pause and resume, a
subscription's deliveries, the dead-letter list and its replay, the event types beside the services."""

from datetime import UTC, datetime

import pytest

from congso.core import events
from congso.core.models import EventDelivery
from congso.lgsp import services
from congso.lgsp.models import Delivery, DeliveryStatus, Subscription, SubscriptionState
from congso.lgsp.services import webhooks


@pytest.fixture
def admin_client(client, person, pubsub):
    """The justice department's administrator, who manages the consumer system HOTICH."""
    client.force_login(person("other_admin"))
    return client


def subscriptions_url(pubsub):
    return f"/can-bo/lgsp/he-thong/{pubsub['consumer'].pk}/dang-ky-su-kien/"


def test_the_catalogue_lists_event_types_beside_services(client, person, pubsub):
    client.force_login(person("officer"))
    page = client.get("/can-bo/lgsp/").content.decode()
    assert "Loại sự kiện" in page and "dossier.result_ready" in page and "Tra cứu hồ sơ" in page


def test_subscribe_by_webhook_shows_the_secret_once(admin_client, pubsub):
    page = admin_client.get(subscriptions_url(pubsub)).content.decode()
    assert "dossier.accepted" in page  # the one type it may receive
    response = admin_client.post(
        subscriptions_url(pubsub),
        {"event_type": pubsub["accepted"].pk, "mode": "push", "url": "https://hotich.example/hook"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    subscription = Subscription.objects.get()
    secret = services.subscription_secret(subscription)
    assert secret in body and "X-Congso-Signature" in body
    assert secret not in admin_client.get(subscriptions_url(pubsub)).content.decode()


def test_a_push_subscription_needs_a_url_and_a_right(admin_client, pubsub):
    response = admin_client.post(
        subscriptions_url(pubsub), {"event_type": pubsub["accepted"].pk, "mode": "push"}
    )
    assert response.status_code == 200 and "cần địa chỉ nhận" in response.content.decode()
    submitted = pubsub["types"]["dossier.submitted"]
    response = admin_client.post(subscriptions_url(pubsub), {"event_type": submitted.pk, "mode": "pull"})
    assert response.status_code == 200 and not Subscription.objects.exists()


def test_pause_resume_and_the_deliveries_page(admin_client, pubsub, dossier_payload):
    created = services.subscribe(pubsub["consumer"], pubsub["accepted"], "pull")
    subscription = created.subscription
    events.publish("dossier.accepted", dossier_payload())
    for pk in EventDelivery.objects.filter(subscriber="lgsp.publish").values_list("pk", flat=True):
        events.attempt_delivery(pk)
    admin_client.post(f"/can-bo/lgsp/dang-ky-su-kien/{subscription.pk}/trang-thai/")
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.PAUSED
    admin_client.post(f"/can-bo/lgsp/dang-ky-su-kien/{subscription.pk}/trang-thai/")
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.ACTIVE
    page = admin_client.get(f"/can-bo/lgsp/dang-ky-su-kien/{subscription.pk}/").content.decode()
    assert "000.00.03.H08-261203-0001" in page and "Chờ gửi" in page


def test_the_deliveries_page_writes_moments_like_the_workspace(admin_client, pubsub, dossier_payload):
    """The event's moment and the next push attempt read "HH:MM dd/mm/yyyy" in Vietnam's time, as every
    other workspace page writes them, not Django's default "Dec. 3, 2026, 2:05 a.m." in UTC."""
    created = services.subscribe(
        pubsub["consumer"], pubsub["accepted"], "push", url="https://hotich.example/h"
    )
    events.publish("dossier.accepted", dossier_payload())
    for pk in EventDelivery.objects.filter(subscriber="lgsp.publish").values_list("pk", flat=True):
        events.attempt_delivery(pk)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=datetime(2026, 12, 3, 17, 30, tzinfo=UTC))
    type(delivery.event).objects.filter(pk=delivery.event_id).update(
        occurred_at=datetime(2026, 12, 3, 2, 5, tzinfo=UTC)
    )
    page = admin_client.get(f"/can-bo/lgsp/dang-ky-su-kien/{created.subscription.pk}/").content.decode()
    assert "09:05 03/12/2026" in page  # 02:05 UTC
    assert "lần gửi tới 00:30 04/12/2026" in page  # 17:30 UTC, already the next day in Vietnam
    assert "a.m." not in page and "p.m." not in page


def test_the_dead_letter_list_replays(admin_client, pubsub, dossier_payload, settings):
    settings.CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS = 1
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url="http://127.0.0.1:9/unreachable")
    events.publish("dossier.accepted", dossier_payload())
    for pk in EventDelivery.objects.filter(subscriber="lgsp.publish").values_list("pk", flat=True):
        events.attempt_delivery(pk)
    delivery = Delivery.objects.get()
    assert webhooks.attempt_push(delivery.pk) == "dead"
    page = admin_client.get("/can-bo/lgsp/that-bai/").content.decode()
    assert "000.00.03.H08-261203-0001" in page
    for bad in ("99999999999999999999", "²"):  # not a row id: ignored, never a server error
        response = admin_client.post("/can-bo/lgsp/that-bai/gui-lai/", {"delivery": [bad]})
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DEAD
    response = admin_client.post("/can-bo/lgsp/that-bai/gui-lai/", {"delivery": [delivery.pk]})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0


def test_the_dead_letter_list_is_scoped(client, person, pubsub, dossier_payload, settings):
    settings.CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS = 1
    services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url="http://127.0.0.1:9/unreachable")
    events.publish("dossier.accepted", dossier_payload())
    for pk in EventDelivery.objects.filter(subscriber="lgsp.publish").values_list("pk", flat=True):
        events.attempt_delivery(pk)
    delivery = Delivery.objects.get()
    webhooks.attempt_push(delivery.pk)
    client.force_login(person("owner_admin"))  # the centre's administrator: not the consumer's
    assert "000.00.03.H08-261203-0001" not in client.get("/can-bo/lgsp/that-bai/").content.decode()
    client.post("/can-bo/lgsp/that-bai/gui-lai/", {"delivery": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
