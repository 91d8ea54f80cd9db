"""The simulated national document axis: post a package or a status for a recipient code, the recipient
pulls its mailbox and acknowledges; the same message posted twice is filed once; an outside agency
answers automatically (01 now, 06 after its delay); hostile XML and missing tokens are refused."""

import base64
from datetime import date, timedelta

import pytest
from django.utils import timezone

from congso.documents import edxml
from congso.sandbox import document_axis
from congso.sandbox.models import AxisMessage
from congso.sandbox.services import seed_outside_agencies
from tests.sandbox.known import TOKEN

BASE = "/sandbox/truc-van-ban/api/"
SENDER, RECIPIENT = "000.00.02.H08", "000.00.00.G22"


@pytest.fixture
def axis(db, settings):
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_SANDBOX_TOKEN = TOKEN


def package(to=RECIPIENT, number=7) -> bytes:
    return edxml.build(
        edxml.Package(
            from_code=SENDER,
            from_name="Văn phòng UBND tỉnh",
            to_code=to,
            to_name="Bộ Nội vụ",
            number=number,
            notation="UBND-VP",
            place="Bình Dương",
            issued_on=date(2026, 3, 2),
            type_code="CV",
            type_name="Công văn",
            subject="Về việc cung cấp số liệu",
            content="Nội dung",
            signer_competence="KT.",
            signer_position="Phó Chánh Văn phòng",
            signer_name="Lê Văn A",
        )
    )


def post(client, kind, body, token=TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(BASE + kind, body, content_type="application/xml", **headers)


def mailbox(client, code):
    return client.get(BASE + "hop-thu", {"ma_dinh_danh": code}, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_post_pull_acknowledge(axis, client):
    answer = post(client, "goi-tin", package())
    assert answer.status_code == 200 and answer["X-Congso-Sandbox"] == "simulator"
    again = post(client, "goi-tin", package())  # the sender's retry after a lost answer
    assert again.json()["data"]["MessageId"] == answer.json()["data"]["MessageId"]
    assert AxisMessage.objects.count() == 1
    assert mailbox(client, SENDER).json()["data"] == []  # not the sender's mail
    (item,) = mailbox(client, RECIPIENT).json()["data"]
    assert item["Loai"] == "edXML" and item["NoiGui"] == SENDER
    sent = edxml.parse(base64.b64decode(item["NoiDung"]))
    assert (sent.document_id, item["DocumentId"]) == (edxml.parse(package()).document_id,) * 2
    assert mailbox(client, RECIPIENT).json()["data"][0]["MessageId"] == item["MessageId"]  # until acked
    # Another agency cannot acknowledge it away.
    other = client.post(
        BASE + "xac-nhan",
        {"ma_dinh_danh": SENDER, "MessageIds": [item["MessageId"]]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert other.json()["data"]["DaXacNhan"] == 0
    done = client.post(
        BASE + "xac-nhan",
        {"ma_dinh_danh": RECIPIENT, "MessageIds": [item["MessageId"]]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert done.json()["data"]["DaXacNhan"] == 1
    assert mailbox(client, RECIPIENT).json()["data"] == []


def test_an_outside_agency_answers_arrived_then_done(axis, client):
    seed_outside_agencies([(RECIPIENT, "Bộ Nội vụ")], delay_seconds=600)
    post(client, "goi-tin", package())
    (arrived,) = mailbox(client, SENDER).json()["data"]
    status = edxml.parse_status(base64.b64decode(arrived["NoiDung"]))
    assert (status.status, status.from_code, status.to_code) == ("01", RECIPIENT, SENDER)
    assert status.response_for == edxml.parse(package()).document_id
    AxisMessage.objects.filter(status_code="06").update(available_at=timezone.now() - timedelta(seconds=1))
    codes = [item["MaTrangThai"] for item in mailbox(client, SENDER).json()["data"]]
    assert codes == ["01", "06"]


@pytest.mark.parametrize(
    "body, reason",
    [
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "XML"),
        (b"<a>not edXML</a>", "edXML"),
        (b"", "thiếu"),
    ],
)
def test_hostile_or_foreign_bodies_are_refused(axis, client, body, reason):
    answer = post(client, "goi-tin", body)
    assert answer.status_code == 400 and reason in answer.json()["message"]
    assert not AxisMessage.objects.exists()


def test_a_status_is_not_a_package(axis, client):
    status = document_axis.status_message(
        from_code=RECIPIENT, from_name="Bộ", to_code=SENDER, document_id="x,2026/03/02,7/UBND-VP", code="01"
    )
    assert post(client, "goi-tin", status).status_code == 400
    assert post(client, "trang-thai", status).status_code == 200


def test_the_token_is_required(axis, client):
    assert post(client, "goi-tin", package(), token=None).status_code == 401
    assert post(client, "goi-tin", package(), token="sai").status_code == 401
    assert client.get(BASE + "hop-thu", {"ma_dinh_danh": RECIPIENT}).status_code == 401
    assert not AxisMessage.objects.exists()


def test_a_malformed_code_is_refused(axis, client):
    answer = client.get(BASE + "hop-thu", {"ma_dinh_danh": "x' or 1=1"}, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 400
