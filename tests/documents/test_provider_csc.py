"""The ``csc`` signature provider against the sandbox's remote signing service (Cloud Signature
Consortium API v2) over real HTTP (``live_server``): a document issued through the usual path is signed
and sealed by the service and verifies with pyHanko against the development root and with ``pdfsig``;
the edXML envelope is signed the same way; the simulator refuses what a remote signing service must
refuse (no token, a wrong PIN, a SAD used for another digest or twice, a credential naming a file)."""

import base64
import hashlib
import shutil
import subprocess

import httpx
import pytest

from congso.documents import devpki, envelope_signature, provider_csc, services, signing
from congso.documents.models import Attachment, OutgoingStatus
from congso.sandbox import remote_signing

pytestmark = pytest.mark.django_db(transaction=True)

SANDBOX_TOKEN = "khoa-ky-so-tu-xa-mo-phong"  # noqa: S105 - a test value
SHA256 = "2.16.840.1.101.3.4.2.1"


@pytest.fixture
def remote_service(live_server, settings, monkeypatch, cast, agency_a, media_root):
    """The sandbox's CSC service on the live server, the ``csc`` provider pointed at it, and the CA's
    certificates for the leader and agency A's seal (the service holds their keys)."""
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_SANDBOX_TOKEN = SANDBOX_TOKEN
    settings.CONGSO_SIGNATURE_PROVIDER = "csc"
    settings.CONGSO_CSC_URL = live_server.url + remote_signing.base_url()
    settings.CONGSO_CSC_CLIENT_ID = remote_signing.DEMO_CLIENT_ID
    settings.CONGSO_TRUSTED_ROOTS = [str(devpki.ensure_root().cert_path)]
    monkeypatch.setenv("CONGSO_CSC_CLIENT_SECRET", SANDBOX_TOKEN)
    monkeypatch.setenv("CONGSO_CSC_PIN", remote_signing.DEMO_PIN)
    devpki.ensure_signer(cast.leader, agency_a)
    devpki.ensure_agency_seal(agency_a)
    provider_csc.forget_tokens()
    yield settings.CONGSO_CSC_URL + "/csc/v2/"
    provider_csc.forget_tokens()


def test_a_document_signed_by_the_remote_service_over_http_verifies(
    remote_service, signed_draft, cast, tmp_path
):
    document = services.issue(signed_draft(), by=cast.clerk)
    data = document.attachments.get(kind=Attachment.Kind.SIGNED).file.read()

    reports = signing.verify_pdf(data)
    assert [r.field for r in reports] == ["Signer", "Seal"]
    assert all(r.ok for r in reports), [r.problem for r in reports]
    assert reports[0].signer == "Lê Văn Lãnh Đạo" and reports[1].signer == document.agency.name

    if shutil.which("pdfsig"):
        path = tmp_path / "signed.pdf"
        path.write_bytes(data)
        output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
        assert output.count("Signature Validation: Signature is Valid.") == 2, output


def test_the_edxml_envelope_is_signed_by_the_remote_service(remote_service, signed_draft, cast, agency_a):
    document = services.issue(signed_draft(), by=cast.clerk)
    package = services.package_for(document, document.recipients.get(electronic=True))
    assert envelope_signature.verify(package).organ_code == agency_a.code


def test_a_wrong_pin_is_refused_and_nothing_is_issued(remote_service, signed_draft, cast, monkeypatch):
    monkeypatch.setenv("CONGSO_CSC_PIN", "000000")
    draft = signed_draft()
    with pytest.raises(services.DocumentError, match="PIN"):
        services.issue(draft, by=cast.clerk)
    draft.refresh_from_db()
    assert draft.status == OutgoingStatus.SIGNED and draft.number is None


def _token(base: str) -> dict:
    answer = httpx.post(
        base + "oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": remote_signing.DEMO_CLIENT_ID,
            "client_secret": SANDBOX_TOKEN,
        },
    )
    assert answer.status_code == 200 and answer.headers["X-Congso-Sandbox"] == "simulator"
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _digest(text: bytes) -> str:
    return base64.b64encode(hashlib.sha256(text).digest()).decode()


def test_the_simulator_refuses_what_a_remote_signing_service_must(remote_service, cast):
    base = remote_service
    info = httpx.post(base + "info", json={}).json()
    assert info["simulator"] is True and "signatures/signHash" in info["methods"]
    assert httpx.post(base + "credentials/list", json={"userID": "x"}).status_code == 401
    wrong = {
        "grant_type": "client_credentials",
        "client_id": remote_signing.DEMO_CLIENT_ID,
        "client_secret": "x",
    }
    assert httpx.post(base + "oauth2/token", data=wrong).status_code == 401

    auth = _token(base)
    (credential,) = httpx.post(
        base + "credentials/list", json={"userID": cast.leader.get_username()}, headers=auth
    ).json()["credentialIDs"]
    for bad in ("signer:../root", "seal:/etc/passwd", "khac:lanhdao_a"):
        answer = httpx.post(base + "credentials/info", json={"credentialID": bad}, headers=auth)
        assert answer.status_code == 400, bad

    mine, other = _digest(b"van ban"), _digest(b"van ban khac")
    sad = httpx.post(
        base + "credentials/authorize",
        json={
            "credentialID": credential,
            "numSignatures": 1,
            "hashes": [mine],
            "hashAlgorithmOID": SHA256,
            "PIN": remote_signing.DEMO_PIN,
        },
        headers=auth,
    ).json()["SAD"]

    def sign(digest):
        body = {"credentialID": credential, "SAD": sad, "hashes": [digest], "hashAlgorithmOID": SHA256}
        return httpx.post(base + "signatures/signHash", json=body, headers=auth)

    assert sign(other).status_code == 400  # the SAD is bound to the authorised digest
    assert sign(mine).status_code == 200
    assert sign(mine).status_code == 400  # and used once
