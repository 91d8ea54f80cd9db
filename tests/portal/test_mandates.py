"""Submitting for a business or a child: the portal asks ``identity.services.may_act_for`` when the
dossier is submitted. A representative with a mandate submits for the business (the dossier and the
audit name both); without a mandate, or once it is revoked, the submission is refused at once."""

import pytest

from congso.core.models import AuditEntry
from congso.dossiers.models import Dossier
from congso.identity.mandates import registers
from congso.identity.mandates import services as mandates

from .applications import html, isolate, ready_to_submit, start, url

TAX_CODE = "3700123456"
REPRESENTATIVE_ID = "074185000111"


@pytest.fixture(autouse=True)
def quick_and_isolated(settings, tmp_path):
    isolate(settings, tmp_path)


@pytest.fixture
def business(make_user, monkeypatch):
    """The business as the national business registry describes it (its HTTP client is tested against
    the simulator in tests/identity/mandates), registered by its legal representative."""
    record = {
        "MaSoDoanhNghiep": TAX_CODE,
        "TenDoanhNghiep": "Công ty TNHH Bình An",
        "TinhTrangHoatDong": {"Ma": "DANG_HOAT_DONG", "Ten": "Đang hoạt động"},
        "NguoiDaiDienPhapLuat": [
            {"HoVaTen": "Trần Thị Bình", "SoDinhDanh": REPRESENTATIVE_ID, "ChucDanh": "Giám đốc"}
        ],
    }
    monkeypatch.setattr(registers, "business", lambda tax_code: record if tax_code == TAX_CODE else None)
    representative = make_user("tran.binh", national_id=REPRESENTATIVE_ID, full_name="Trần Thị Bình")
    return mandates.register_business(representative, TAX_CODE), representative


def apply_for_business(client, version, agency):
    draft = start(client, version, relation="business_representative")
    response = client.post(
        url("apply-acting-for", draft),
        {"full_name": "Công ty TNHH Bình An", "tax_code": TAX_CODE, "position": "Kế toán"},
    )
    assert response.status_code == 302, html(response)
    ready_to_submit(client, draft, agency)
    return draft


def test_a_representative_with_a_mandate_submits_for_the_business(
    signed_in, citizen, certification, communes, business
):
    company, representative = business
    draft = apply_for_business(signed_in, certification, communes[0])
    review = html(signed_in.get(url("apply-review", draft)))
    assert "chưa được doanh nghiệp, tổ chức có mã số thuế 3700123456 ủy quyền" in review
    signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert not Dossier.objects.exists()

    mandates.grant_mandate(
        company, by=representative, agent_national_id=citizen.national_id, procedure_codes=["2.000815"]
    )
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response["Location"] == url("apply-done", draft)
    dossier = Dossier.objects.get()
    assert (dossier.applicant, dossier.submitted_by) == (citizen, citizen)
    assert dossier.acting_for["tax_code"] == TAX_CODE
    assert dossier.acting_for["relation"] == "business_representative"
    entry = AuditEntry.objects.get(action="identity.act_for")
    assert (entry.actor, entry.changes["principal"], entry.changes["agent"]) == (
        citizen,
        TAX_CODE,
        citizen.pk,
    )
    assert entry.object_id == str(dossier.pk)


def test_a_revoked_mandate_is_refused_at_once(signed_in, citizen, certification, communes, business):
    company, representative = business
    mandate = mandates.grant_mandate(company, by=representative, agent_national_id=citizen.national_id)
    draft = apply_for_business(signed_in, certification, communes[0])
    assert signed_in.get(url("apply-submit", draft)).status_code == 200  # the declaration page: ready
    mandates.revoke_mandate(mandate, by=representative)
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response["Location"] == url("apply-review", draft)
    assert not Dossier.objects.exists()
    assert "chưa được doanh nghiệp" in html(signed_in.get(url("apply-review", draft)))


def test_a_mandate_for_another_procedure_does_not_cover_this_one(
    signed_in, citizen, certification, communes, business
):
    company, representative = business
    mandates.grant_mandate(
        company, by=representative, agent_national_id=citizen.national_id, procedure_codes=["1.001612"]
    )
    draft = apply_for_business(signed_in, certification, communes[0])
    signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert not Dossier.objects.exists()


def test_a_revocation_between_the_check_and_the_dossier_is_refused(
    signed_in, citizen, certification, communes, business, monkeypatch
):
    """The submission service checks again inside its transaction (the view's check may be stale)."""
    from congso.portal.journey import Journey

    company, representative = business
    mandate = mandates.grant_mandate(company, by=representative, agent_national_id=citizen.national_id)
    draft = apply_for_business(signed_in, certification, communes[0])
    original = Journey.problems

    def problems_then_revoke(journey):
        found = original(journey)
        mandates.revoke_mandate(mandate, by=representative)
        return found

    monkeypatch.setattr(Journey, "problems", problems_then_revoke)
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 200
    assert "chưa được doanh nghiệp" in html(response)
    assert not Dossier.objects.exists()


def test_a_parent_without_a_recorded_child_is_refused_and_a_newborn_without_id_is_not(
    signed_in, certification, communes
):
    draft = start(signed_in, certification, relation="parent_guardian")
    signed_in.post(
        url("apply-acting-for", draft), {"full_name": "Nguyễn Minh Khang", "national_id": "074214000999"}
    )
    ready_to_submit(signed_in, draft, communes[0])
    assert "Chưa xác nhận được bạn là cha, mẹ" in html(signed_in.get(url("apply-review", draft)))
    signed_in.post(url("apply-acting-for", draft), {"full_name": "Nguyễn Minh Khang", "national_id": ""})
    signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert Dossier.objects.get().acting_for["full_name"] == "Nguyễn Minh Khang"
