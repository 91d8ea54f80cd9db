"""Parts of the LGSP gateway tested in-process: the token cache (per token and snapshot, bounded by
``exp``), the upstream client's keep-alive pool (reuse, a connection the provider closed, timeouts)
and the message log's writer process (group commit, a failed record, a writer that died)."""

import asyncio
import base64
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from congso.lgsp import keys, messagelog
from congso.lgsp.gateway import upstream
from congso.lgsp.gateway.asgi import ENGLISH, VIETNAMESE, Gateway, GatewayError
from congso.lgsp.gateway.logwriter import LogWriteFailed, LogWriter
from congso.lgsp.models import MessageRecord
from tests.support.subprocesses import database_url_for_subprocess


def _snapshot(private: Ed25519PrivateKey, kid: str = "k1") -> dict:
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}
    return {"keys": {"keys": [jwk]}, "audience": "lgsp", "issuer": "congso"}


def _token(private: Ed25519PrivateKey, exp: float, kid: str = "k1") -> str:
    now = int(time.time())
    claims = {"iss": "congso", "aud": "lgsp", "sub": "GOV/X/Y", "jti": "j", "iat": now, "exp": int(exp)}
    return keys.sign_token(claims, kid, private)


def test_a_token_is_verified_once_per_snapshot_and_not_past_its_exp(monkeypatch):
    private = Ed25519PrivateKey.generate()
    gateway, snapshot = Gateway(), _snapshot(private)
    token = _token(private, time.time() + 600)
    calls = []
    real = keys.verify_token
    monkeypatch.setattr(keys, "verify_token", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert gateway._verified(token, snapshot)["sub"] == "GOV/X/Y"
    assert gateway._verified(token, snapshot)["sub"] == "GOV/X/Y"
    assert len(calls) == 1
    # A reload (a new snapshot) verifies again: a key withdrawn from the JWKS stops its tokens.
    with pytest.raises(keys.InvalidToken):
        gateway._verified(token, _snapshot(Ed25519PrivateKey.generate()))
    # Past its exp the cached claims are not used.
    gateway._verified(token, snapshot)
    gateway.tokens[token] = (time.time() - 1, gateway.tokens[token][1])
    calls.clear()
    gateway._verified(token, snapshot)
    assert len(calls) == 1
    with pytest.raises(keys.InvalidToken):
        gateway._verified(_token(private, time.time() - 60), snapshot)


async def _serve(handler):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def _read_request(reader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    return head


def _answer(body: bytes, close: bool = False) -> bytes:
    extra = b"Connection: close\r\n" if close else b""
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


async def _get(pool, url, timeout=2.0):
    response = await pool.send("GET", url, [(b"x-road-id", b"m1")], None, timeout, connect=timeout)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return response.status_code, body


def _claims(**changes) -> dict:
    now = int(time.time())
    claims = {"iss": "congso", "aud": "lgsp", "sub": "GOV/X/Y", "jti": "j", "iat": now, "exp": now + 600}
    return {k: v for k, v in {**claims, **changes}.items() if v is not None}


def test_a_refused_token_says_why_in_the_callers_language_without_the_libraries_words():
    private = Ed25519PrivateKey.generate()
    snapshot = _snapshot(private)
    now = int(time.time())
    cases = {
        "expired": (_claims(iat=now - 700, exp=now - 100), "k1", "Token bị từ chối: token đã hết hạn."),
        "not yet valid": (
            _claims(iat=now + 300),
            "k1",
            "Token bị từ chối: token chưa đến thời điểm có hiệu lực.",
        ),
        "wrong audience": (
            _claims(aud="other"),
            "k1",
            "Token bị từ chối: token không cấp cho cổng này (sai audience).",
        ),
        "wrong issuer": (
            _claims(iss="other"),
            "k1",
            "Token bị từ chối: token không do cổng này cấp (sai issuer).",
        ),
        "no jti": (_claims(jti=None), "k1", "Token bị từ chối: token thiếu thông tin bắt buộc."),
        "unknown key": (
            _claims(),
            "k9",
            "Token bị từ chối: chữ ký không hợp lệ hoặc khóa ký không được công bố.",
        ),
    }
    tokens = {name: keys.sign_token(claims, kid, private) for name, (claims, kid, _) in cases.items()}
    forged = keys.sign_token(_claims(), "k1", Ed25519PrivateKey.generate())
    tokens["bad signature"], cases["bad signature"] = forged, (None, None, cases["unknown key"][2])
    english = {
        "expired": "Token rejected: the token has expired.",
        "bad signature": "Token rejected: bad signature, or a signing key that is not published.",
    }
    for name, token in tokens.items():
        with pytest.raises(GatewayError) as refused:
            Gateway()._authenticate(snapshot, {"authorization": f"Bearer {token}"})
        error = refused.value
        assert (error.status, error.kind, error.source) == (401, "invalid-token", "gateway"), name
        assert error.detail[VIETNAMESE] == cases[name][2], name
        if name in english:
            assert error.detail[ENGLISH] == english[name]
        # The library's own English ("Signature has expired", "Invalid audience"…) stays out.
        assert "Signature" not in error.detail[VIETNAMESE] + error.detail[ENGLISH], name


def test_the_pool_reuses_a_connection_and_replaces_one_the_provider_closed():
    connections, heads = [], []

    async def handler(reader, writer):
        connections.append(writer)
        try:
            while True:
                head = await _read_request(reader)
                heads.append(head)
                close = b"/close" in head
                writer.write(_answer(b'{"ok":1}', close=close))
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def scenario():
        server, base = await _serve(handler)
        pool = upstream.UpstreamPool()
        assert await _get(pool, base + "/api/a?x=1") == (200, b'{"ok":1}')
        assert await _get(pool, base + "/api/b") == (200, b'{"ok":1}')
        assert len(connections) == 1  # kept alive and reused
        assert await _get(pool, base + "/api/close") == (200, b'{"ok":1}')
        assert await _get(pool, base + "/api/c") == (200, b'{"ok":1}')
        assert len(connections) == 2  # "Connection: close" is honoured
        # The provider drops an idle connection: the next request goes out on a new one.
        connections[-1].close()
        await asyncio.sleep(0.05)
        assert await _get(pool, base + "/api/d") == (200, b'{"ok":1}')
        assert len(connections) == 3
        await pool.aclose()
        server.close()
        await server.wait_closed()

    asyncio.run(scenario())
    assert heads[0].startswith(b"GET /api/a?x=1 HTTP/1.1\r\n")
    assert b"host: 127.0.0.1:" in heads[0].lower() and b"x-road-id: m1" in heads[0].lower()


def test_a_silent_provider_times_out_and_a_closed_port_is_a_connect_error():
    async def silent(reader, writer):
        await asyncio.sleep(2)
        writer.close()

    async def scenario():
        server, base = await _serve(silent)
        pool = upstream.UpstreamPool()
        with pytest.raises(upstream.UpstreamTimeout):
            await _get(pool, base + "/api/x", timeout=0.2)
        server.close()
        await server.wait_closed()
        with pytest.raises(upstream.ConnectError):
            await _get(pool, base + "/api/x", timeout=0.5)

    asyncio.run(scenario())


def _record(message_id: str) -> dict:
    digest = "0" * 64
    return {
        "at": timezone.now(),
        "message_id": message_id,
        "client": "GOV/X/Y",
        "service": "GOV/P/Q/s",
        "method": "GET",
        "path": "/r1/GOV/P/Q/s/x",
        "user_id": "",
        "issue": "",
        "data_subject": "",
        "status": 200,
        "source": "",
        "request_bytes": 0,
        "response_bytes": 2,
        "duration_us": 100,
        "request_sha256": digest,
        "response_sha256": digest,
    }


@pytest.mark.django_db(transaction=True)
def test_the_log_writer_process_commits_together_fails_one_record_alone_and_is_restarted(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url_for_subprocess())
    monkeypatch.setenv("CONGSO_PROFILE", "test")
    # The test counts rows from inside the event loop on purpose: right after a write returned.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    async def scenario():
        writer = LogWriter()
        await writer.start()
        # Every write returns only once its record is in the database.
        results = await asyncio.gather(*(writer.write(_record(f"m-{n}")) for n in range(30)))
        assert results == [None] * 30
        assert MessageRecord.objects.count() == 30
        # A message id already logged fails alone; the record beside it is written.
        again, new = await asyncio.gather(
            writer.write(_record("m-3")), writer.write(_record("m-new")), return_exceptions=True
        )
        assert isinstance(again, LogWriteFailed) and new is None
        # A writer that dies is noticed, and the next record starts a new one.
        first = writer.process
        first.kill()
        for _ in range(100):
            if writer.process is None:
                break
            await asyncio.sleep(0.05)
        assert writer.process is None
        await writer.write(_record("m-after"))
        assert writer.process is not first and writer.process.is_alive()
        await writer.aclose()

    asyncio.run(scenario())
    assert MessageRecord.objects.count() == 32
    assert messagelog.verify().ok


def test_the_provider_never_receives_the_client_certificate_header_or_the_gateways_own(settings):
    from congso.lgsp.gateway.asgi import forwarded_headers

    settings.CONGSO_LGSP_CLIENT_CERT_HEADER = "HTTP_X_SSL_CLIENT_SHA256"
    sent = [
        (b"X-SSL-Client-SHA256", b"ab" * 32),
        (b"Authorization", b"Bearer consumer-token"),
        (b"X-Road-Client", b"forged"),
        (b"Accept", b"application/json"),
        (b"X-Road-UserId", b"VN079090001234"),
    ]
    kept = [(b"Accept", b"application/json"), (b"X-Road-UserId", b"VN079090001234")]
    assert forwarded_headers(sent) == kept
    settings.CONGSO_LGSP_CLIENT_CERT_HEADER = ""
    assert (b"X-SSL-Client-SHA256", b"ab" * 32) in forwarded_headers(sent)
