"""SMS through the sandbox's simulated gateway over real HTTP (the live server): sending, retries on
5xx, no duplicate when a worker dies after the gateway accepted, delivery reports (authenticated)."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from congso.dossiers.models import Status
from congso.notifications import channels, services
from congso.notifications.models import Notification, NotificationStatus
from congso.sandbox import sms as gateway
from congso.sandbox.models import SimulatedSms, SimulatedSmsGatewaySwitch
from tests.support.notifications import deliver_notifications

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sms_notification(drive, sms_gateway):
    drive(Status.ACCEPTED)
    deliver_notifications()
    return Notification.objects.get(event_key="dossier.accepted", channel="sms")


def test_an_sms_is_sent_to_the_gateway_and_its_report_marks_it_delivered(sms_notification):
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "sent"
    sms_notification.refresh_from_db()
    received = SimulatedSms.objects.get()
    assert sms_notification.status == NotificationStatus.SENT
    assert sms_notification.provider_message_id == received.sms_id
    assert received.request_id == f"congso-{sms_notification.pk}"
    assert received.phone == "84912345678" and received.brandname == "CONGSO"
    assert received.content == sms_notification.body and not received.is_unicode  # diacritics stripped
    assert gateway.send_reports() == 1  # the gateway calls our callback over HTTP
    sms_notification.refresh_from_db()
    assert sms_notification.status == NotificationStatus.DELIVERED and sms_notification.delivered_at
    assert SimulatedSms.objects.get().report_status == "200"


def test_a_failed_delivery_report_fails_the_notification(sms_notification):
    SimulatedSmsGatewaySwitch.objects.update_or_create(pk=1, defaults={"report_failed": True})
    services.attempt_send(sms_notification.pk, rate_limited=False)
    gateway.send_reports()
    sms_notification.refresh_from_db()
    assert sms_notification.status == NotificationStatus.FAILED
    assert "SendFailed 1" in sms_notification.failure_reason


def test_5xx_answers_are_retried_with_backoff_then_sent(sms_notification, clock):
    SimulatedSmsGatewaySwitch.objects.update_or_create(pk=1, defaults={"fail_with_5xx": True})
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "retry"
    sms_notification.refresh_from_db()
    first_retry = sms_notification.next_attempt_at
    assert sms_notification.status == NotificationStatus.QUEUED and "503" in sms_notification.failure_reason
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "skipped"  # not yet due
    clock.set(first_retry)
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "retry"
    sms_notification.refresh_from_db()
    assert sms_notification.attempts == 2
    assert sms_notification.next_attempt_at - first_retry == services.backoff(2)  # doubled
    SimulatedSmsGatewaySwitch.objects.filter(pk=1).update(fail_with_5xx=False)
    clock.set(sms_notification.next_attempt_at)
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "sent"
    assert SimulatedSms.objects.count() == 1


def test_too_many_5xx_fail_the_notification_with_the_reason(sms_notification, settings, clock):
    settings.CONGSO_NOTIFICATIONS_MAX_ATTEMPTS = 2
    SimulatedSmsGatewaySwitch.objects.update_or_create(pk=1, defaults={"fail_with_5xx": True})
    services.attempt_send(sms_notification.pk, rate_limited=False)
    sms_notification.refresh_from_db()
    clock.set(sms_notification.next_attempt_at)
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "failed"
    sms_notification.refresh_from_db()
    assert sms_notification.status == NotificationStatus.FAILED and "503" in sms_notification.failure_reason


def test_no_duplicate_when_the_worker_dies_after_the_gateway_accepted(sms_notification, monkeypatch, clock):
    class WorkerKilled(BaseException):
        """What a SIGKILL looks like from inside: nothing after this line runs."""

    def killed(*args):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr(services, "_mark_batch", killed)
        with pytest.raises(WorkerKilled):
            services.attempt_send(sms_notification.pk, rate_limited=False)
    first = SimulatedSms.objects.get()  # the gateway accepted it
    sms_notification.refresh_from_db()
    assert sms_notification.status == NotificationStatus.QUEUED  # never marked
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "skipped"  # leased
    # The lease passes; the stale sweep enqueues it again; the next attempt sends the same RequestId.
    clock.set(sms_notification.next_attempt_at + services.STALE_AFTER)
    assert services.requeue_stale() >= 1
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "sent"
    sms_notification.refresh_from_db()
    assert SimulatedSms.objects.count() == 1  # the gateway refused the duplicate (code 124)
    assert sms_notification.status == NotificationStatus.SENT
    assert sms_notification.provider_message_id == first.sms_id and sms_notification.attempts == 2


def test_a_bad_number_fails_at_once(sms_notification):
    Notification.objects.filter(pk=sms_notification.pk).update(address="0123")
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "failed"
    sms_notification.refresh_from_db()
    assert "108" in sms_notification.failure_reason and sms_notification.attempts == 1


def test_wrong_keys_are_refused_by_the_gateway(sms_notification, settings):
    settings.CONGSO_SMS_SECRET_KEY = "wrong"
    assert services.attempt_send(sms_notification.pk, rate_limited=False) == "failed"
    sms_notification.refresh_from_db()
    assert "101" in sms_notification.failure_reason
    assert not SimulatedSms.objects.exists()


def _mid_second(clock):
    """Freeze the clock half-way through a second a little ahead: every attempt below falls in the same
    one-second rate window, however slowly a loaded machine runs the test."""
    return clock.set(timezone.now().replace(microsecond=500_000) + timedelta(seconds=1))


def test_the_channels_rate_limit_defers_what_exceeds_it(sms_notification, settings, clock):
    settings.CONGSO_NOTIFICATIONS_RATE = {"sms": 1}
    other = Notification.objects.get(event_key="dossier.submitted", channel="sms")
    _mid_second(clock)
    assert services.attempt_send(sms_notification.pk) == "sent"
    assert services.attempt_send(other.pk) == "deferred"
    other.refresh_from_db()
    assert other.status == NotificationStatus.QUEUED and other.attempts == 0 and other.next_attempt_at
    assert SimulatedSms.objects.count() == 1
    clock.advance(seconds=1)  # the next window
    assert services.attempt_send(other.pk) == "sent"
    assert SimulatedSms.objects.count() == 2


def test_a_batch_takes_its_share_of_the_rate_and_leaves_the_rest_for_the_next_second(
    sms_notification, settings, clock
):
    settings.CONGSO_NOTIFICATIONS_RATE = {"sms": 1}
    moment = _mid_second(clock)
    assert services.drain("sms") == {"sent": 1, "deferred": 1}
    assert Notification.objects.filter(channel="sms", status=NotificationStatus.QUEUED).count() == 1
    follow_ups = [
        task.run_after
        for task in DBTaskResult.objects.filter(task_path="congso.notifications.tasks.send_due")
        if task.args_kwargs["args"] == ["sms"] and task.run_after.year < 9999  # 9999: "whenever"
    ]
    assert follow_ups == [moment + timedelta(seconds=1)]
    assert services.drain("sms") == {"deferred": 1}  # still the same second: nothing more goes out
    clock.advance(seconds=1)
    assert services.drain("sms") == {"sent": 1}
    assert SimulatedSms.objects.count() == 2
    assert not Notification.objects.filter(channel="sms", status=NotificationStatus.QUEUED).exists()


def test_a_batch_sends_concurrently_and_marks_each_with_its_own_gateway_id(sms_notification, settings):
    settings.CONGSO_NOTIFICATIONS_RATE = {}
    outcomes = services.send_batch("sms").outcomes
    sent = Notification.objects.filter(channel="sms")
    assert outcomes == dict.fromkeys(sorted(n.pk for n in sent), "sent")
    by_request = dict(SimulatedSms.objects.values_list("request_id", "sms_id"))
    assert {n.provider_message_id for n in sent} == set(by_request.values())
    assert all(by_request[n.client_message_id] == n.provider_message_id for n in sent)
    assert services.send_batch("sms").claimed == 0  # nothing left, nothing sent twice


def test_a_delivery_report_without_the_right_token_is_refused(sms_notification, sms_gateway):
    services.attempt_send(sms_notification.pk, rate_limited=False)
    url = f"{sms_gateway.url}/thong-bao/sms/bao-cao/"
    params = {
        "RequestId": f"congso-{sms_notification.pk}",
        "SMSID": "x",
        "SendStatus": "5",
        "SendFailed": "0",
    }
    assert httpx.get(url, params={**params, "t": "forged"}).status_code == 403
    assert httpx.get(url, params={**params, "t": "giả-mạo"}).status_code == 403  # non-ASCII: not a 500
    assert httpx.get(url, params=params).status_code == 403
    token = channels.callback_token(params["RequestId"])
    assert httpx.get(url, params={**params, "t": token, "SendFailed": "x"}).status_code == 400
    sms_notification.refresh_from_db()
    assert sms_notification.status == NotificationStatus.SENT
    assert httpx.get(url, params={**params, "t": token}).json() == {"ok": True, "status": "delivered"}


def test_the_gateway_page_is_for_staff_and_switches_5xx(client, make_user, sms_notification):
    assert client.get("/sandbox/sms/").status_code == 403
    staff = make_user("quantri", kind="official", is_staff=True)
    client.force_login(staff)
    page = client.get("/sandbox/sms/")
    assert page.status_code == 200 and "MÔ PHỎNG" in page.content.decode()
    client.post("/sandbox/sms/", {"action": "switch", "fail_with_5xx": "on"})
    assert SimulatedSmsGatewaySwitch.current().fail_with_5xx
    client.post("/sandbox/sms/", {"action": "switch"})
    assert not SimulatedSmsGatewaySwitch.current().fail_with_5xx


def test_the_gateway_is_reached_through_the_proxy_the_environment_names(sms_notification, monkeypatch):
    import http.client
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlsplit

    seen = []

    class Forwarding(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's naming
            seen.append(self.path)
            target = urlsplit(self.path)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            upstream.request("POST", target.path, body=body, headers={"Content-Type": "application/json"})
            answer = upstream.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Forwarding)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        for name in ("NO_PROXY", "no_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        channels.reset_connections()
        assert services.attempt_send(sms_notification.pk, rate_limited=False) == "sent"
    finally:
        proxy.shutdown()
        proxy.server_close()
        channels.reset_connections()
    assert len(seen) == 1 and seen[0].startswith("http://")  # the whole address: an HTTP proxy's request
    assert seen[0].endswith("/SendMultipleMessage_V4_post_json/")
    assert SimulatedSms.objects.get().request_id == sms_notification.client_message_id
