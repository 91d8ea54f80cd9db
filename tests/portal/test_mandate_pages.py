"""The pages of “Ủy quyền và đại diện”: add a business (checked against the registry), grant and revoke
mandates, give one up, add a minor child; object-level access (a matrix) and CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from congso.identity.mandates import registers
from congso.identity.mandates.models import Business, Guardianship, Mandate
from tests.support.html import one

from .applications import html, isolate, make_version

TAX_CODE = "3700123456"
REPRESENTATIVE_ID = "074185000111"
RECORD = {
    "MaSoDoanhNghiep": TAX_CODE,
    "TenDoanhNghiep": "Công ty TNHH Bình An",
    "TinhTrangHoatDong": {"Ma": "DANG_HOAT_DONG", "Ten": "Đang hoạt động"},
    "NguoiDaiDienPhapLuat": [
        {"HoVaTen": "Trần Thị Bình", "SoDinhDanh": REPRESENTATIVE_ID, "ChucDanh": "Giám đốc"}
    ],
}


@pytest.fixture(autouse=True)
def quick_and_isolated(settings, tmp_path, monkeypatch):
    isolate(settings, tmp_path)
    monkeypatch.setattr(registers, "business", lambda tax_code: RECORD if tax_code == TAX_CODE else None)


@pytest.fixture
def people(make_user):
    return {
        "representative": make_user("tran.binh", national_id=REPRESENTATIVE_ID, full_name="Trần Thị Bình"),
        "agent": make_user("le.ke", national_id="074190004444", full_name="Lê Văn Kế"),
        "stranger": make_user("nguoi.la", national_id="074190005555", full_name="Người Lạ"),
    }


def as_(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def registered(people):
    client = as_(people["representative"])
    response = client.post(reverse("portal:mandates-add-business"), {"tax_code": TAX_CODE})
    assert response.status_code == 302
    return Business.objects.get(tax_code=TAX_CODE)


def test_the_overview_needs_sign_in(client, db):
    response = client.get(reverse("portal:mandates"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))


def test_the_pages_name_the_portal_not_the_software(people, registered):
    # The hints read "congso đối chiếu với…" / "congso checks it against…": a citizen knows the
    # Public Service Portal, not the name of the software it runs on (named only in the footer).
    client = as_(people["representative"])
    for language, portal in (("vi", "Cổng dịch vụ công đối chiếu"), ("en", "The portal checks it")):
        client.cookies["congso_language"] = language
        main = one(client.get(reverse("portal:mandates")), "main").text
        assert portal in main and "congso" not in main
        grant = one(client.get(reverse("portal:mandates-grant", kwargs={"tax_code": TAX_CODE})), "main").text
        assert "congso" not in grant


def test_the_representative_adds_the_business_and_grants_and_revokes(people, registered, communes):
    make_version(code="2.000815", agencies=communes)
    client = as_(people["representative"])
    page = html(client.get(reverse("portal:mandates")))
    assert "Công ty TNHH Bình An" in page and "Chưa ủy quyền cho ai." in page
    grant_url = reverse("portal:mandates-grant", kwargs={"tax_code": TAX_CODE})
    response = client.post(grant_url, {"agent_national_id": "074190004444", "procedure_codes": "2.000815"})
    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert (mandate.agent, mandate.procedure_codes) == (people["agent"], ["2.000815"])
    page = html(client.get(reverse("portal:mandates")))
    assert "Lê Văn Kế" in page and "Đang hiệu lực" in page
    agent_page = html(as_(people["agent"]).get(reverse("portal:mandates")))
    assert "Công ty TNHH Bình An" in agent_page and "Từ bỏ ủy quyền" in agent_page
    response = client.post(reverse("portal:mandates-revoke", kwargs={"mandate_id": mandate.pk}))
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None and mandate.revoked_by == people["representative"]


def test_bad_input_is_explained_and_changes_nothing(people, registered):
    client = as_(people["representative"])
    grant_url = reverse("portal:mandates-grant", kwargs={"tax_code": TAX_CODE})
    response = client.post(grant_url, {"agent_national_id": "074190004444", "procedure_codes": "9.999999"})
    assert response.status_code == 400
    assert "Không tìm thấy thủ tục hành chính có mã 9.999999" in html(response)
    response = client.post(grant_url, {"agent_national_id": "074190009999"})
    assert response.status_code == 400 and "Chưa có tài khoản" in html(response)
    response = client.post(grant_url, {"agent_national_id": "074190004444", "valid_until": "2001-01-01"})
    assert response.status_code == 400 and "quá khứ" in html(response)
    assert not Mandate.objects.exists()
    response = as_(people["stranger"]).post(reverse("portal:mandates-add-business"), {"tax_code": TAX_CODE})
    assert response.status_code == 400 and "không phải người đại diện theo pháp luật" in html(response)


@pytest.mark.parametrize(
    ("who", "grant", "revoke"),
    [("representative", 200, 302), ("agent", 404, 302), ("stranger", 404, 404)],
)
def test_who_reaches_what(people, registered, who, grant, revoke):
    mandate = Mandate.objects.create(
        business=registered,
        agent=people["agent"],
        valid_from="2026-01-01",
        granted_by=people["representative"],
    )
    client = as_(people[who])
    assert client.get(reverse("portal:mandates-grant", kwargs={"tax_code": TAX_CODE})).status_code == grant
    response = client.post(reverse("portal:mandates-revoke", kwargs={"mandate_id": mandate.pk}))
    assert response.status_code == revoke
    mandate.refresh_from_db()
    assert (mandate.revoked_at is not None) == (revoke == 302)


def test_every_change_needs_its_csrf_token(people, registered):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["representative"])
    response = client.post(
        reverse("portal:mandates-grant", kwargs={"tax_code": TAX_CODE}), {"agent_national_id": "074190004444"}
    )
    assert response.status_code == 403 and not Mandate.objects.exists()


def test_a_child_not_in_the_household_is_refused(people, monkeypatch):
    monkeypatch.setattr(
        registers,
        "citizen",
        lambda national_id: {
            "SoDinhDanh": national_id,
            "HoGiaDinh": {"QuanHeVoiChuHo": "Chủ hộ", "ThanhVien": []},
        },
    )
    response = as_(people["agent"]).post(
        reverse("portal:mandates-add-child"), {"national_id": "074214000999"}
    )
    assert response.status_code == 400
    assert "không phải con trong hộ gia đình của bạn" in html(response)
    assert not Guardianship.objects.exists()
