"""The LGSP gateway over real HTTP: ``congso gateway`` runs as a subprocess on a free port against the
test database, in front of a tiny upstream HTTP server run by the test."""

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from congso.core import events
from congso.lgsp import messagelog, services
from congso.lgsp.models import ExchangeDay, MessageRecord, Service
from tests.support.subprocesses import (
    PROJECT_ROOT,
    free_port,
    running_gateway,
    wait_until,
)

ROOT = PROJECT_ROOT
SERVICE = "000.00.02.H08/MOTCUA/tra-cuu-ho-so"
RELOAD_SECONDS = 0.5
LARGE = 200_000  # over the 64 KiB the gateway holds: streamed


class Upstream(BaseHTTPRequestHandler):
    """The provider: echoes what it received; ``/ho-so/cham`` answers after 3 s; ``/ho-so/lon`` answers
    200 KB; ``/ho-so/dut`` announces 200 KB, sends half and hangs up; ``/ho-so/im`` hangs up at once;
    ``/ho-so/hong`` answers something that is not HTTP."""

    protocol_version = "HTTP/1.1"

    def _answer(self, body: bytes):
        if self.path.endswith("/ho-so/im"):  # hangs up without a word
            self.close_connection = True
            return
        if self.path.endswith("/ho-so/hong"):  # answers something that is not HTTP
            self.wfile.write(b"XIN CHAO\r\n\r\n")
            self.close_connection = True
            return
        if self.path.endswith("/ho-so/cham"):
            time.sleep(3)
        if self.path.endswith(("/ho-so/lon", "/ho-so/dut")):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(LARGE))
            self.end_headers()
            if self.path.endswith("/ho-so/lon"):
                self.wfile.write(b"x" * LARGE)
                return
            self.wfile.write(b"x" * (LARGE // 2))
            self.wfile.flush()
            self.close_connection = True
            return
        payload = {
            "path": self.path,
            "method": self.command,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body_bytes": len(body),
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Provider", "motcua")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 — http.server's naming
        self._answer(b"")

    def do_POST(self):  # noqa: N802
        self._answer(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


@pytest.fixture
def world(transactional_db, registry, upstream):
    Service.objects.filter(pk=registry["service"].pk).update(
        upstream_url=upstream, timeout_seconds=1, personal_data=True, data_subject_parameter="ma"
    )
    services.grant_access(registry["service"], system=registry["consumer"])
    issued = services.create_credential(registry["consumer"])
    token = services.issue_token(issued.credential.client_id, issued.secret).access_token
    # A system without a right, with its own credential.
    other = services.register_system(registry["consumer"].member, "KHAC", "Hệ thống khác")
    other_issued = services.create_credential(other)
    other_token = services.issue_token(other_issued.credential.client_id, other_issued.secret).access_token
    return {**registry, "token": token, "other_token": other_token, "upstream": upstream}


@pytest.fixture
def gateway(world, tmp_path):
    env = {
        "CONGSO_LGSP_GATEWAY_RELOAD_SECONDS": str(RELOAD_SECONDS),
        "CONGSO_LGSP_MAX_BODY_BYTES": "1000",
        PROVIDER_TOKEN_VARIABLE: PROVIDER_TOKEN,
    }
    with running_gateway(tmp_path, env) as base:
        yield base


def call(base, path, token=None, method="GET", body=None, **headers):
    request = urllib.request.Request(base + path, data=body, method=method)  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers) -> dict:
    return {k.lower(): v for k, v in headers.items()}


def problem(answer):
    status, headers, body = answer
    assert headers["content-type"] == "application/problem+json"
    # The gateway's own errors: never sniffed into something runnable, never kept by a cache.
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    data = json.loads(body)
    assert data["status"] == status
    assert "Traceback" not in body.decode()
    return data


def test_no_token_wrong_token_and_no_right_are_refused_by_the_gateway(gateway, world):
    answer = call(gateway, f"/r1/{SERVICE}/ho-so/H1")
    assert answer[0] == 401 and problem(answer)["source"] == "gateway"
    assert answer[1]["www-authenticate"].startswith("Bearer")
    assert call(gateway, f"/r1/{SERVICE}/ho-so/H1", "not-a-jwt")[0] == 401
    answer = call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["other_token"])
    assert answer[0] == 403 and problem(answer)["source"] == "gateway"
    answer = call(gateway, "/r1/000.00.02.H08/MOTCUA/khong-co/x", world["token"])
    assert answer[0] == 404 and problem(answer)["source"] == "gateway"
    # An endpoint the OpenAPI document does not declare is denied like a missing right.
    assert call(gateway, f"/r1/{SERVICE}/khac", world["token"])[0] == 403


def test_with_the_right_the_providers_answer_comes_back_with_the_x_road_headers(gateway, world):
    status, headers, body = call(
        gateway,
        f"/r1/{SERVICE}/ho-so/074090012345?chi_tiet=1",
        world["token"],
        X_Road_Id="msg-0001",
        X_Road_UserId="canbo.hotich",
        X_Road_Issue="H08.01-250101-0001",
        X_Road_Client="GOV/gia-mao/KHAC",
    )
    assert status == 200
    assert headers["x-road-id"] == "msg-0001"
    assert headers["x-provider"] == "motcua"
    seen = json.loads(body)
    assert seen["path"] == "/api/ho-so/074090012345?chi_tiet=1"
    assert seen["headers"]["x-road-client"] == "GOV/000.00.03.H08/HOTICH"  # the token's, not the forged one
    assert seen["headers"]["x-road-id"] == "msg-0001"
    assert seen["headers"]["x-road-userid"] == "canbo.hotich"
    assert seen["headers"]["x-road-issue"] == "H08.01-250101-0001"
    assert "authorization" not in seen["headers"]  # the consumer's token stays at the gateway
    # The record was durable before the answer ended; the personal data read is on the citizen's account.
    record = MessageRecord.objects.get(message_id="msg-0001")
    assert (record.status, record.client, record.service) == (200, "GOV/000.00.03.H08/HOTICH", SERVICE)
    assert record.response_bytes == len(body) and record.data_subject == "074090012345"
    assert [u["message_id"] for u in services.data_uses_of("074090012345")] == ["msg-0001"]
    assert set(ExchangeDay.objects.values_list("system__code", flat=True)) == {"HOTICH", "MOTCUA"}
    # A message id without X-Road-Id is generated and returned.
    status, headers, _ = call(gateway, f"/r1/{SERVICE}/ho-so/H2", world["token"], method="POST", body=b"{}")
    assert status == 403  # POST /ho-so/H2 is not an endpoint
    status, headers, body = call(
        gateway, f"/r1/{SERVICE}/ho-so", world["token"], method="POST", body=b'{"a":1}'
    )
    assert status == 200 and json.loads(body)["body_bytes"] == 7 and len(headers["x-road-id"]) == 36
    assert messagelog.verify().ok


def test_a_long_answer_is_streamed_whole_and_one_broken_off_cuts_the_connection(gateway, world):
    status, headers, body = call(gateway, f"/r1/{SERVICE}/ho-so/lon", world["token"], X_Road_Id="lon-1")
    assert status == 200 and body == b"x" * LARGE and headers["x-road-id"] == "lon-1"
    assert MessageRecord.objects.get(message_id="lon-1").response_bytes == LARGE
    # Half an answer must not pass for a whole one: the client's read fails, the log says 502.
    request = urllib.request.Request(gateway + f"/r1/{SERVICE}/ho-so/dut")  # noqa: S310
    request.add_header("Authorization", f"Bearer {world['token']}")
    request.add_header("X-Road-Id", "dut-1")
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
    record = MessageRecord.objects.get(message_id="dut-1")
    assert (record.status, record.source, record.response_bytes) == (502, "provider", LARGE // 2)
    assert messagelog.verify().ok


def test_a_replayed_message_id_is_refused(gateway, world):
    assert call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"], X_Road_Id="once")[0] == 200
    answer = call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"], X_Road_Id="once")
    assert answer[0] == 409 and problem(answer)["source"] == "gateway"
    assert MessageRecord.objects.filter(message_id="once").count() == 1


def test_the_rate_limit_answers_429(gateway, world):
    world["consumer"].__class__.objects.filter(pk=world["consumer"].pk).update(rate_limit_per_minute=3)
    services.set_system_status(world["consumer"], "connected")  # publishes registry_changed → reload
    time.sleep(RELOAD_SECONDS * 4)
    statuses = [call(gateway, f"/r1/{SERVICE}/ho-so/H{n}", world["token"])[0] for n in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    answer = call(gateway, f"/r1/{SERVICE}/ho-so/H9", world["token"])
    assert problem(answer)["source"] == "gateway" and int(answer[1]["retry-after"]) >= 1


def test_provider_down_is_502_and_slow_is_504_from_the_provider(gateway, world):
    answer = call(gateway, f"/r1/{SERVICE}/ho-so/cham", world["token"])
    assert answer[0] == 504 and problem(answer)["source"] == "provider"
    Service.objects.filter(pk=world["service"].pk).update(upstream_url=f"http://127.0.0.1:{free_port()}/api")
    services.set_system_status(world["provider"], "connected")
    time.sleep(RELOAD_SECONDS * 4)
    answer = call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"])
    assert answer[0] == 502 and problem(answer)["source"] == "provider"
    statuses = dict(MessageRecord.objects.values_list("status", "source"))
    assert statuses == {504: "provider", 502: "provider"}


def test_a_body_over_the_limit_is_413(gateway, world):
    answer = call(gateway, f"/r1/{SERVICE}/ho-so", world["token"], method="POST", body=b"x" * 2000)
    assert answer[0] == 413 and problem(answer)["source"] == "gateway"


def test_a_revoked_right_is_enforced_within_the_reload_time(gateway, world):
    assert call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"])[0] == 200
    right = services.rights_of(world["service"]).get()
    services.revoke_access(right)
    revoked = time.monotonic()
    wait_until(
        lambda: call(gateway, f"/r1/{SERVICE}/ho-so/H2", world["token"])[0] == 403,
        timeout=10,
        interval=0.05,
        message="the revocation to reach the gateway",
    )
    # Stated reload time: the poll interval plus one load (docs/lgsp.md); generous for a loaded machine.
    assert time.monotonic() - revoked < RELOAD_SECONDS + 2.5


PROVIDER_TOKEN_VARIABLE = "CONGSO_LGSP_UPSTREAM_TOKEN_MOTCUA"
PROVIDER_TOKEN = "khoa-rieng-cua-motcua"  # noqa: S105 — a test value


def _upstream_authorization(gateway, world, path):
    status, _headers, body = call(gateway, f"/r1/{SERVICE}/ho-so/{path}", world["token"])
    assert status == 200
    return json.loads(body)["headers"].get("authorization")


def test_the_providers_own_credential_comes_from_the_gateways_environment(gateway, world):
    services.set_upstream(world["service"], world["upstream"], token_variable=PROVIDER_TOKEN_VARIABLE)
    wait_until(
        lambda: _upstream_authorization(gateway, world, "T1") == f"Bearer {PROVIDER_TOKEN}",
        timeout=10,
        interval=0.05,
        message="the provider's credential to be sent",
    )
    # A variable outside the prefix (written past the model's validator) is never read: the gateway
    # would otherwise send its database address to whoever registered the service.
    Service.objects.filter(pk=world["service"].pk).update(upstream_token_variable="DATABASE_URL")
    events.publish(services.REGISTRY_CHANGED, {"action": "test", "object_type": "service"})
    wait_until(
        lambda: _upstream_authorization(gateway, world, "T2") is None,
        timeout=10,
        interval=0.05,
        message="the reload without a credential",
    )


def test_a_token_variable_without_the_prefix_is_refused_by_the_registry(db, registry):
    with pytest.raises(services.RegistryError):
        services.set_upstream(registry["service"], "http://127.0.0.1:9/api", token_variable="DATABASE_URL")


def test_metrics_are_exposed(gateway, world):
    call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"])
    status, headers, body = call(gateway, "/metrics")
    assert status == 200
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    assert b'lgsp_gateway_requests_total{client="GOV/000.00.03.H08/HOTICH"' in body
    assert b"lgsp_gateway_request_seconds_bucket" in body


def _raw_get(base, path, token):
    """GET ``path`` byte for byte (urllib and browsers would resolve ``..`` before sending)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.putheader("Authorization", f"Bearer {token}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, _lower(response.headers), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "tail",
    [
        "ho-so/..",  # "{ma}" = "..": the provider would resolve /api/ho-so/.. to /api/
        "ho-so/%2E%2E",  # the same, percent-encoded
        "ho-so/%2e",
        "ho-so/x%3Fadmin=1",  # a "?" smuggled inside the segment checked by the right
        "ho-so/x%23frag",
        "ho-so/x%5C..%5Cadmin",  # a backslash, which some servers read as "/"
        "ho-so/x%0D%0AX-Injected:1",  # a line break in the request line
    ],
)
def test_a_path_that_would_leave_the_endpoint_the_right_names_is_refused(gateway, world, tail):
    answer = _raw_get(gateway, f"/r1/{SERVICE}/{tail}", world["token"])
    assert answer[0] == 400, answer
    data = problem(answer)
    assert data["source"] == "gateway" and data["type"].endswith("/bad-path")


def test_a_path_with_non_ascii_characters_reaches_the_provider_percent_encoded(gateway, world):
    status, _, body = _raw_get(gateway, f"/r1/{SERVICE}/ho-so/Nguy%E1%BB%85n", world["token"])
    assert status == 200
    assert json.loads(body)["path"] == "/api/ho-so/Nguy%E1%BB%85n"


def test_the_gateways_own_answers_and_relayed_answers_carry_the_security_headers(gateway, world):
    for path, token in ((f"/r1/{SERVICE}/ho-so/H1", None), ("/metrics", None), ("/health", None)):
        _, headers, _ = call(gateway, path, token)
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    # A provider that sets none: its answer is never sniffed nor run as a page of the gateway's origin.
    status, headers, _ = call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"])
    assert status == 200 and headers["x-provider"] == "motcua"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"


def test_errors_answer_in_the_language_the_caller_asks_for(gateway, world):
    path = f"/r1/{SERVICE}/ho-so/H1"
    vietnamese = problem(call(gateway, path, X_Road_Id="lang-1"))
    assert (vietnamese["title"], vietnamese["detail"]) == ("Chưa xác thực", "Cần access token kiểu Bearer.")
    english = problem(call(gateway, path, Accept_Language="en-US,en;q=0.9,vi;q=0.8", X_Road_Id="lang-2"))
    assert (english["title"], english["detail"]) == (
        "Not authenticated",
        "A Bearer access token is required.",
    )
    # Only title and detail change: the rest is the contract programs read.
    same = ("type", "status", "source")
    assert [english[k] for k in same] == [vietnamese[k] for k in same] and english["message_id"] == "lang-2"
    assert english.keys() == vietnamese.keys()
    # Vietnamese unless English ranks above it; a language the gateway does not speak changes nothing.
    for header, title in (
        ("vi, en;q=0.8", "Chưa xác thực"),
        ("fr, en;q=0.5", "Not authenticated"),
        ("de", "Chưa xác thực"),
        ("en;q=0", "Chưa xác thực"),
    ):
        assert problem(call(gateway, path, Accept_Language=header))["title"] == title, header
    # Errors with details made from the call, and the provider's failures, too.
    answer = problem(
        call(gateway, "/r1/000.00.02.H08/MOTCUA/khong-co/x", world["token"], Accept_Language="en")
    )
    assert (
        answer["detail"] == "No service 000.00.02.H08/MOTCUA/khong-co."
        and answer["title"] == "No such service"
    )
    answer = problem(call(gateway, f"/r1/{SERVICE}/ho-so/cham", world["token"]))
    assert (answer["status"], answer["title"]) == (504, "Hệ thống cung cấp không trả lời kịp")
    assert answer["detail"] == "Không có trả lời trong 1 giây."


def test_a_provider_failure_says_what_failed_in_the_callers_language(gateway, world):
    """Integrators read what went wrong between the gateway and the provider, never an exception's
    class name; the rest of the problem is unchanged."""
    cases = {
        "im": ("Hệ thống cung cấp đã đóng kết nối.", "The provider closed the connection."),
        "hong": (
            "Trả lời của hệ thống cung cấp không phải HTTP hợp lệ.",
            "The provider's answer was not valid HTTP.",
        ),
    }
    for tail, (vietnamese, english) in cases.items():
        answer = problem(call(gateway, f"/r1/{SERVICE}/ho-so/{tail}", world["token"]))
        assert (answer["status"], answer["source"], answer["detail"]) == (502, "provider", vietnamese)
        assert answer["type"].endswith("provider-unavailable")
        answer = problem(call(gateway, f"/r1/{SERVICE}/ho-so/{tail}", world["token"], Accept_Language="en"))
        assert answer["detail"] == english
    Service.objects.filter(pk=world["service"].pk).update(upstream_url=f"http://127.0.0.1:{free_port()}/api")
    services.set_system_status(world["provider"], "connected")
    time.sleep(RELOAD_SECONDS * 4)
    answer = problem(call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"]))
    assert (answer["status"], answer["detail"]) == (502, "Không kết nối được tới hệ thống cung cấp.")
    answer = problem(call(gateway, f"/r1/{SERVICE}/ho-so/H1", world["token"], Accept_Language="en"))
    assert answer["detail"] == "Could not connect to the provider."
    # A token the library cannot even parse: said plainly, without the library's English inside.
    answer = problem(call(gateway, f"/r1/{SERVICE}/ho-so/H1", "not-a-jwt"))
    assert (answer["status"], answer["detail"]) == (401, "Token bị từ chối: token sai định dạng.")
    answer = problem(call(gateway, f"/r1/{SERVICE}/ho-so/H1", "not-a-jwt", Accept_Language="en"))
    assert answer["detail"] == "Token rejected: the token is malformed."
