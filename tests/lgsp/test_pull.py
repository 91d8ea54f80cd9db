"""Pull subscriptions over HTTP: GET /lgsp/events/{subscription} with the LGSP's bearer token, then
POST …/ack; what is not acknowledged comes again."""

import pytest

from congso.core import events
from congso.core.models import EventDelivery
from congso.lgsp import services
from congso.lgsp.models import Delivery, DeliveryStatus


@pytest.fixture
def pulling(pubsub, client, dossier_payload):
    subscription = services.subscribe(pubsub["consumer"], pubsub["accepted"], "pull").subscription
    issued = services.create_credential(pubsub["consumer"])
    token = services.issue_token(issued.credential.client_id, issued.secret).access_token
    for n in range(3):
        events.publish("dossier.accepted", dossier_payload(code=f"000.00.03.H08-261203-000{n}"))
    outbox = EventDelivery.objects.filter(subscriber="lgsp.publish").order_by("pk")
    for pk in outbox.values_list("pk", flat=True):
        assert events.attempt_delivery(pk) == "delivered"
    url = f"/lgsp/events/{subscription.public_id}"
    return {
        **pubsub,
        "subscription": subscription,
        "token": token,
        "url": url,
        "credential": issued.credential,
    }


def get(client, url, token, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def ack(client, url, token, up_to):
    return client.post(
        f"{url}/ack", {"up_to": up_to}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_fetch_then_acknowledge_then_nothing_left(client, pulling):
    response = get(client, pulling["url"], pulling["token"])
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    codes = [e["data"]["code"] for e in body["events"]]
    assert codes == [f"000.00.03.H08-261203-000{n}" for n in range(3)]
    assert all(e["type"] == "dossier.accepted" and e["id"] for e in body["events"])
    assert body["next_cursor"] == body["events"][-1]["cursor"]

    assert ack(client, pulling["url"], pulling["token"], body["next_cursor"]).json() == {"acknowledged": 3}
    assert get(client, pulling["url"], pulling["token"]).json() == {"events": [], "next_cursor": None}
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_what_is_not_acknowledged_is_delivered_again(client, pulling):
    first = get(client, pulling["url"], pulling["token"], limit=2).json()["events"]
    assert len(first) == 2
    page = get(client, pulling["url"], pulling["token"], after=first[-1]["cursor"]).json()["events"]
    assert len(page) == 1  # paging on with the cursor
    ack(client, pulling["url"], pulling["token"], first[0]["cursor"])  # only the first
    again = get(client, pulling["url"], pulling["token"]).json()["events"]
    assert [e["id"] for e in again] == [first[1]["id"], page[0]["id"]]  # same event ids: deduplicate on them
    assert Delivery.objects.get(pk=first[1]["cursor"]).attempts == 2  # handed out twice


def test_no_token_bad_token_or_a_deactivated_credential_is_401(client, pulling):
    assert client.get(pulling["url"]).status_code == 401
    response = get(client, pulling["url"], "not-a-token")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    services.set_credential_active(pulling["credential"], False)
    assert get(client, pulling["url"], pulling["token"]).status_code == 401


def test_another_systems_subscription_reads_as_absent(client, pulling):
    provider_credential = services.create_credential(pulling["provider"])
    other_token = services.issue_token(provider_credential.credential.client_id, provider_credential.secret)
    assert get(client, pulling["url"], other_token.access_token).status_code == 404
    assert ack(client, pulling["url"], other_token.access_token, 10**9).status_code == 404
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 3


def test_a_revoked_right_is_403(client, pulling):
    services.revoke_events(pulling["right"])
    response = get(client, pulling["url"], pulling["token"])
    assert response.status_code == 403 and response.json()["status"] == 403


def test_bad_requests(client, pulling):
    assert get(client, pulling["url"], pulling["token"], after="x").status_code == 400
    response = client.post(
        f"{pulling['url']}/ack",
        "nope",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pulling['token']}",
    )
    assert response.status_code == 400
    assert client.post(pulling["url"], HTTP_AUTHORIZATION=f"Bearer {pulling['token']}").status_code == 405
