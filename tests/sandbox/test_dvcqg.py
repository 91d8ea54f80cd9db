"""The simulated National Public Service Portal (sandbox ``dvcqg``): the adapter protocol of
STANDARDS.md §8.1 — login, session, envelopes, error codes — its labels, its down switch, its pages."""

import json

import pytest
from django.urls import reverse

from congso.sandbox import dvcqg
from congso.sandbox import services as sandbox
from congso.sandbox.dvcqg_pages import applicant_fields
from congso.sandbox.models import DvcqgDossier

pytestmark = pytest.mark.django_db

USER, PASSWORD = "tinh-thu", "mat-khau-thu-0123456789"


@pytest.fixture(autouse=True)
def account(settings):
    settings.CONGSO_SANDBOX_DVCQG_USERNAME = USER
    settings.CONGSO_SANDBOX_DVCQG_PASSWORD = PASSWORD


def post(client, endpoint, body):
    response = client.post(dvcqg.BASE_PATH + endpoint, data=json.dumps(body), content_type="application/json")
    return response, response.json()


def session(client):
    _response, body = post(client, dvcqg.AUTH_ENDPOINT, {"username": USER, "password": PASSWORD})
    return body["session"]


def test_login_gives_a_session_and_refuses_a_wrong_password(client):
    response, body = post(client, dvcqg.AUTH_ENDPOINT, {"username": USER, "password": PASSWORD})
    assert (response.status_code, body["error_code"]) == (200, 0) and body["session"]
    assert response["X-Congso-Sandbox"] == "simulator" and body["simulator"] is True
    response, body = post(client, dvcqg.AUTH_ENDPOINT, {"username": USER, "password": "sai"})
    assert (response.status_code, body["error_code"], body.get("session")) == (401, -1, None)


def test_calls_need_a_valid_session_and_a_unit(client):
    _r, body = post(
        client, dvcqg.SHARE_ENDPOINT, {"session": "gia", "madonvi": "H08", "service": "LayDanhSachTTHC"}
    )
    assert body["error_code"] == dvcqg.SESSION_INVALID
    _r, body = post(client, dvcqg.SHARE_ENDPOINT, {"session": session(client), "service": "LayDanhSachTTHC"})
    assert body["error_code"] == -1 and "madonvi" in body["message"]


def test_catalogue_answers_the_newest_version(client):
    sandbox.seed_dvcqg_catalogue(
        [
            {"MATTHC": "1.001193", "QUYETDINH": "QĐ 1", "TENTTHC": "Đăng ký khai sinh"},
            {"MATTHC": "1.001193", "QUYETDINH": "QĐ 2", "TENTTHC": "Đăng ký khai sinh (sửa đổi)"},
        ]
    )
    assert sandbox.seed_dvcqg_catalogue([{"MATTHC": "1.001193", "QUYETDINH": "QĐ 2"}]) == 0  # idempotent
    s = session(client)
    _r, body = post(
        client, dvcqg.SHARE_ENDPOINT, {"session": s, "madonvi": "H08", "service": "LayDanhSachTTHC"}
    )
    assert body["result"] == [{"MATTHC": "1.001193", "TENTTHC": "Đăng ký khai sinh (sửa đổi)"}]
    _r, body = post(
        client,
        dvcqg.SHARE_ENDPOINT,
        {"session": s, "madonvi": "H08", "service": "LayThuTuc", "maTTHC": "1.001193"},
    )
    assert (body["result"][0]["QUYETDINH"], body["result"][0]["PHIENBAN"]) == ("QĐ 2", 2)
    _r, body = post(
        client,
        dvcqg.SHARE_ENDPOINT,
        {"session": s, "madonvi": "H08", "service": "LayThuTuc", "maTTHC": "9.9"},
    )
    assert body["error_code"] == -1


def test_dossiers_are_listed_for_their_province_until_acknowledged(client):
    sandbox.submit_on_dvcqg(
        code="G-1",
        procedure_code="1.001193",
        unit_code="000.01.12.H08",
        province_code="H08",
        applicant=applicant_fields("Phạm Thị Cúc", "074190001111"),
        papers=[("to-khai", "to-khai.pdf", b"%PDF-1.4")],
    )
    s = session(client)
    _r, body = post(
        client, dvcqg.SHARE_ENDPOINT, {"session": s, "madonvi": "H99", "service": "LayDanhSachHoSo"}
    )
    assert body["result"] == []
    _r, body = post(
        client, dvcqg.SHARE_ENDPOINT, {"session": s, "madonvi": "H08", "service": "LayDanhSachHoSo"}
    )
    assert [d["MaHoSo"] for d in body["result"]] == ["G-1"]
    _r, body = post(
        client,
        dvcqg.SHARE_ENDPOINT,
        {"session": s, "madonvi": "H08", "service": "LayChiTietHoSo", "MaHoSo": "G-1"},
    )
    detail = body["result"][0]
    assert (detail["ChuHoSo"], detail["TaiLieuNop"][0]["DuLieuTepDinhKem"]) == (
        "Phạm Thị Cúc",
        "JVBERi0xLjQ=",
    )
    ack = {
        "session": s,
        "madonvi": "H08",
        "service": "CapNhatDaNhanHoSo",
        "MaHoSo": "G-1",
        "MaHoSoDonVi": "L-1",
    }
    _r, body = post(client, dvcqg.INTEGRATION_ENDPOINT, {**ack, "DaNhan": True})
    assert body["error_code"] == 0
    _r, body = post(
        client, dvcqg.SHARE_ENDPOINT, {"session": s, "madonvi": "H08", "service": "LayDanhSachHoSo"}
    )
    assert body["result"] == []
    assert DvcqgDossier.objects.get(code="G-1").local_code == "L-1"


def test_progress_is_recorded_in_order_and_refused_for_an_unknown_dossier(client):
    s = session(client)
    base = {"session": s, "madonvi": "H08"}
    _r, body = post(
        client,
        dvcqg.INTEGRATION_ENDPOINT,
        {**base, "service": "CapNhatTienDoHoSoMC", "data": [{"MaHoSo": "X", "TrangThai": "2"}]},
    )
    assert body["error_code"] == -1
    record = {"MaHoSo": "L-2", "MaTTHC": "1.001193", "TrangThaiHoSo": "1"}
    _r, body = post(
        client,
        dvcqg.INTEGRATION_ENDPOINT,
        {**base, "service": "DongBoHoSoMC", "isUpdating": "False", "data": [record]},
    )
    assert body["error_code"] == 0
    _r, body = post(
        client,
        dvcqg.INTEGRATION_ENDPOINT,
        {**base, "service": "DongBoHoSoMC", "isUpdating": "False", "data": [record]},
    )
    assert body["error_code"] == -1 and "đã tồn tại" in body["message"]
    steps = [{"MaHoSo": "L-2", "TrangThai": str(s_)} for s_ in (2, 4)]
    _r, body = post(
        client, dvcqg.INTEGRATION_ENDPOINT, {**base, "service": "CapNhatTienDoHoSoMC", "data": steps}
    )
    assert body["error_code"] == 0
    bad = [{"MaHoSo": "L-2", "TrangThai": "9"}, {"MaHoSo": "L-2", "TrangThai": "42"}]
    _r, body = post(
        client, dvcqg.INTEGRATION_ENDPOINT, {**base, "service": "CapNhatTienDoHoSoMC", "data": bad}
    )
    assert body["error_code"] == -1  # all or nothing
    assert [step["status"] for step in sandbox.dvcqg_timeline("L-2")] == [2, 4]
    html = client.get(reverse("sandbox:dvcqg-dossier", args=["L-2"])).content.decode()
    steps = html[html.index("Tiến độ do tỉnh báo cáo") :]
    assert steps.index("2 — Được tiếp nhận") < steps.index("4 — Đang xử lý")


def test_the_switch_takes_it_down_with_503(client, admin_client):
    sandbox.set_dvcqg_down(True)
    response, body = post(client, dvcqg.AUTH_ENDPOINT, {"username": USER, "password": PASSWORD})
    assert (response.status_code, body["error_code"], response["X-Congso-Sandbox"]) == (503, 503, "simulator")
    assert "Retry-After" in response
    assert client.post(reverse("sandbox:dvcqg-switch"), {"down": "0"}).status_code == 302  # to sign in
    assert sandbox.dvcqg_is_down()
    assert admin_client.post(reverse("sandbox:dvcqg-switch"), {"down": "0"}).status_code == 302
    assert not sandbox.dvcqg_is_down()


def test_malformed_calls_are_refused_cleanly(client):
    assert client.get(dvcqg.BASE_PATH + dvcqg.AUTH_ENDPOINT).status_code == 405
    response = client.post(dvcqg.BASE_PATH + dvcqg.AUTH_ENDPOINT, data="{", content_type="application/json")
    assert (response.status_code, response.json()["error_code"]) == (400, -1)


def test_the_pages_are_labelled_and_show_no_names(client, admin_client):
    sandbox.submit_on_dvcqg(
        code="G-2",
        procedure_code="1.001193",
        unit_code="000.01.12.H08",
        province_code="H08",
        applicant=applicant_fields("Phạm Thị Cúc", "074190001111"),
    )
    for url in (reverse("sandbox:dvcqg"), reverse("sandbox:dvcqg-dossier", args=["G-2"])):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and response["X-Congso-Sandbox"] == "simulator"
        assert "MÔ PHỎNG" in html and "SIMULATED" in html
        assert "G-2" in html and "Phạm Thị Cúc" not in html and "074190001111" not in html
    assert client.get(reverse("sandbox:dvcqg-submit")).status_code == 302  # sign in first
    response = admin_client.post(
        reverse("sandbox:dvcqg-submit"),
        {"procedure_code": "x", "unit_code": "u", "name": "A", "national_id": "12", "form_data": "[]"},
    )
    assert response.status_code == 200 and "12 chữ số" in response.content.decode()
    assert DvcqgDossier.objects.count() == 1
