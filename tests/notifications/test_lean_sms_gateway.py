"""The simulated SMS gateway as its own lean process (``congso sms-gateway``): the same protocol as the
site's view — accepted, duplicate RequestId (124 with the first SMSID), refusals, the 503 switch — and
notifications sent through it, with their delivery reports coming back to the site."""

import json
import urllib.request

import pytest

from congso.dossiers.models import Status
from congso.notifications import channels, services
from congso.notifications.models import Notification, NotificationStatus
from congso.sandbox import sms as view
from congso.sandbox.models import SimulatedSms, SimulatedSmsGatewaySwitch
from congso.sandbox.sms_gateway import SEND_PATH, store_group
from tests.support.notifications import deliver_notifications
from tests.support.subprocesses import running_gateway, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lean_gateway(tmp_path, settings, sms_gateway):
    """``congso sms-gateway`` on this run's database; the site (live server) still receives the reports."""
    with running_gateway(tmp_path, command="sms-gateway") as base:
        settings.CONGSO_SMS_GATEWAY_URL = f"{base}/sandbox/sms"
        channels.reset_connections()
        yield base
    channels.reset_connections()


def payload(request_id: str, **changes) -> dict:
    body = {
        "ApiKey": "congso-sms-demo-key",
        "SecretKey": "congso-sms-demo-secret",
        "Phone": "84912345678",
        "Content": "Ho so da duoc tiep nhan",
        "Brandname": "CONGSO",
        "SmsType": "2",
        "IsUnicode": "0",
        "RequestId": request_id,
    }
    return {**body, **changes}


def post(base: str, body, path: str = SEND_PATH, method: str = "POST"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data if method == "POST" else None, method=method)  # noqa: S310 — local
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — local
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_one_group_stores_new_messages_and_answers_124_with_the_first_smsid_for_repeats():
    stored = view.message_from(payload("already"))
    view.store(stored)
    first, repeat, known = (view.message_from(payload(r)) for r in ("new", "new", "already"))
    assert store_group([first, repeat, known]) == [
        ("100", first.sms_id),
        ("124", first.sms_id),
        ("124", stored.sms_id),
    ]
    assert SimulatedSms.objects.count() == 2


def test_a_group_that_meets_a_concurrent_insert_falls_back_to_one_message_at_a_time(monkeypatch):
    first = view.message_from(payload("raced"))
    other = view.message_from(payload("other"))
    real_filter = SimulatedSms.objects.filter

    def blind_filter(*args, **kwargs):
        # As if another process stored "raced" between the group's read and its insert.
        if "request_id__in" in kwargs:
            view.store(view.message_from(payload("raced")))
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(SimulatedSms.objects, "filter", blind_filter)
    results = store_group([first, other])
    monkeypatch.undo()
    raced = SimulatedSms.objects.get(request_id="raced")
    assert results == [("124", raced.sms_id), ("100", other.sms_id)]
    assert SimulatedSms.objects.count() == 2


def test_the_process_speaks_the_protocol_of_the_sites_view(lean_gateway):
    status, headers, answer = post(lean_gateway, payload("p-1"))
    assert status == 200 and answer["CodeResult"] == "100" and answer["Simulator"] is True
    assert headers["x-congso-sandbox"] == "simulator"
    _status, _headers, again = post(lean_gateway, payload("p-1"))
    assert (again["CodeResult"], again["SMSID"]) == ("124", answer["SMSID"])
    assert post(lean_gateway, payload("p-2", SecretKey="sai"))[2]["CodeResult"] == "101"
    assert post(lean_gateway, payload("p-3", Phone="0123"))[2]["CodeResult"] == "108"
    assert post(lean_gateway, payload("p-4", SmsType="1"))[2]["CodeResult"] == "146"
    assert post(lean_gateway, b"{not json")[2]["CodeResult"] == "99"
    assert post(lean_gateway, b'["a list"]')[2]["CodeResult"] == "99"
    assert post(lean_gateway, payload("p-5"), path="/sandbox/sms/khac/")[0] == 404
    assert post(lean_gateway, payload("p-6"), method="GET")[0] == 405
    assert list(SimulatedSms.objects.values_list("request_id", flat=True)) == ["p-1"]


def test_the_outage_switch_of_the_staff_page_answers_503(lean_gateway):
    SimulatedSmsGatewaySwitch.objects.update_or_create(pk=1, defaults={"fail_with_5xx": True})
    wait_until(lambda: post(lean_gateway, payload("o-1"))[0] == 503, timeout=10, message="the switch")
    assert not SimulatedSms.objects.exists()


def test_notifications_are_sent_through_it_and_reported_delivered(drive, lean_gateway, sms_gateway):
    drive(Status.ACCEPTED)
    deliver_notifications()
    notification = Notification.objects.get(event_key="dossier.accepted", channel="sms")
    assert services.attempt_send(notification.pk, rate_limited=False) == "sent"
    message = SimulatedSms.objects.get()
    assert message.request_id == notification.client_message_id
    assert message.callback_url.startswith(sms_gateway.url)
    assert view.send_reports() == 1  # the report goes to the site, as from the site's own view
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED
    assert notification.provider_message_id == message.sms_id


def test_a_storage_failure_is_a_503_the_sender_retries_not_a_500(monkeypatch):
    import asyncio

    import httpx

    from congso.sandbox import sms_gateway

    class Up(sms_gateway.Writer):
        async def outage_switched_on(self):
            return False

    def broken(messages):
        raise sms_gateway.IntegrityError("the database went away")

    monkeypatch.setattr(sms_gateway, "writer", Up())
    monkeypatch.setattr(sms_gateway, "store_group", broken)

    async def call():
        transport = httpx.ASGITransport(app=sms_gateway.application)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.post(SEND_PATH, json=payload("s-1"))

    answer = asyncio.run(call())
    assert answer.status_code == 503 and answer.json()["CodeResult"] == "99999"
