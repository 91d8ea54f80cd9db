"""A test system calls congso's API through the REAL LGSP gateway (``congso gateway`` as a subprocess, over
HTTP, in front of the API served by ``live_server``): it lists its agency's dossiers, accepts one and
uploads a result, each acting for one of its agency's officers; acting for an officer of another agency
shows nothing of agency A's dossiers (404), as in the workspace. The API is registered in the LGSP exactly
as the demo registers it (``api.demo.seed_demo_api``-like: ``schema.gateway_document``)."""

import json
import urllib.error
import urllib.request
import uuid

import pytest

from congso.api.demo import UPSTREAM_TOKEN_VARIABLE
from congso.api.schema import gateway_document
from congso.dossiers.models import PaperStage, Status
from congso.lgsp import services as lgsp
from congso.lgsp.models import MessageRecord
from tests.samples import PDF_BYTES
from tests.support.subprocesses import (
    running_gateway,
)

GATEWAY_TOKEN = "khoa-cong-lgsp-goi-api-congso"  # noqa: S105 — a test value


@pytest.fixture
def registered(live_server, settings, lgsp_systems, agency_b, media_root):
    """congso's API registered as a service of a congso system (provider) with rights for systems A, B."""
    settings.CONGSO_API_GATEWAY_TOKEN = GATEWAY_TOKEN
    member = lgsp.member_for_agency(agency_b)
    provider = lgsp.register_system(member, "CONGSO", "Hệ thống một cửa congso", status="connected")
    service = lgsp.register_service(
        provider, "api-ho-so", "API mở", live_server.url + "/api/v1", openapi_document=gateway_document()
    )
    lgsp.set_upstream(service, live_server.url + "/api/v1", token_variable=UPSTREAM_TOKEN_VARIABLE)
    lgsp.grant_access(service, system=lgsp_systems["a"])
    lgsp.grant_access(service, system=lgsp_systems["b"])
    return f"/r1/{service.path_identifier}"


@pytest.fixture
def gateway(registered, tmp_path):
    with running_gateway(tmp_path, {UPSTREAM_TOKEN_VARIABLE: GATEWAY_TOKEN}) as base:
        yield base + registered


def call(url, token, officer, method="GET", body=None, content_type=None, **headers):
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 — a local address
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("X-Congso-Acting-Officer", officer)
    if content_type:
        request.add_header("Content-Type", content_type)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_system_lists_accepts_and_uploads_a_result_through_the_gateway(
    gateway, lgsp_systems, drive, actors
):
    waiting = drive(Status.SUBMITTED)
    processing = drive(Status.IN_PROCESSING)
    token = lgsp_systems["token_a"]

    status, headers, body = call(gateway + "/dossiers", token, "motcua_a")
    assert status == 200, body
    assert {d["code"] for d in json.loads(body)["results"]} == {waiting.code, processing.code}
    assert headers["x-road-id"]

    status, headers, body = call(gateway + f"/dossiers/{waiting.code}", token, "motcua_a")
    assert status == 200 and headers["etag"]
    status, headers, body = call(
        gateway + f"/dossiers/{waiting.code}/accept",
        token,
        "motcua_a",
        method="POST",
        body=json.dumps({"note": "Đủ giấy tờ"}).encode(),
        content_type="application/json",
        Idempotency_Key="gw-accept-1",
        If_Match=headers["etag"],
    )
    assert status == 200, body
    assert json.loads(body)["status"] == Status.ACCEPTED

    status, headers, _body = call(gateway + f"/dossiers/{processing.code}", token, "chuyenvien_a")
    upload, content_type = multipart({"note": "Quyết định số 12"}, {"files": ("ket-qua.pdf", PDF_BYTES)})
    status, _headers, body = call(
        gateway + f"/dossiers/{processing.code}/result",
        token,
        "chuyenvien_a",
        method="POST",
        body=upload,
        content_type=content_type,
        Idempotency_Key="gw-result-1",
        If_Match=headers["etag"],
    )
    assert status == 200, body
    processing.refresh_from_db()
    assert processing.status == Status.RESULT_READY
    assert processing.papers.filter(stage=PaperStage.RESULT).count() == 1

    # System B acting for its own officer (of agency B) sees nothing of agency A's dossiers.
    status, headers, body = call(
        gateway + f"/dossiers/{waiting.code}", lgsp_systems["token_b"], "chuyenvien_b"
    )
    assert status == 404 and headers["content-type"] == "application/problem+json"
    # Every exchange is in the gateway's message log, under the calling system.
    clients = set(MessageRecord.objects.values_list("client", flat=True))
    assert clients == {lgsp_systems["a"].identifier, lgsp_systems["b"].identifier}


def test_without_the_gateways_credential_x_road_client_is_not_believed(
    live_server, settings, lgsp_systems, drive
):
    settings.CONGSO_API_GATEWAY_TOKEN = GATEWAY_TOKEN
    dossier = drive(Status.SUBMITTED)
    url = live_server.url + f"/api/v1/dossiers/{dossier.code}"
    status, _headers, _body = call(url, "gia-mao", "motcua_a", X_Road_Client=lgsp_systems["a"].identifier)
    assert status == 401
    status, _headers, _body = call(url, GATEWAY_TOKEN, "motcua_a", X_Road_Client=lgsp_systems["a"].identifier)
    assert status == 200
