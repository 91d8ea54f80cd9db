"""Configured approval chains (documents.chains): a draft follows its type's chain (or the default),
step by step; a return needs a reason; the wrong person is refused; a chain edited while a draft is on
its way leaves the draft on the chain it started with; and the configuration page."""

import pytest
from django.test import Client

from congso.agencies.models import AgencyKind
from congso.documents import chains, permissions, services
from congso.documents.models import ApprovalChain, ApprovalStep, OutgoingStatus
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(agency_a, officer):
    """The agency's legal division (Phòng Tư pháp) with its head and two specialists."""

    class Unit:
        agency = AgencyFactory(
            code="000.11.12.H08", name="Phòng Tư pháp", kind=AgencyKind.DIVISION, parent=agency_a
        )
        head = officer("leader", agency, "truongphong_tp", full_name="Đỗ Trưởng Phòng")
        expert = officer("specialist", agency, "chuyenvien_tp", full_name="Vũ Chuyên Viên Tư Pháp")
        expert2 = officer("specialist", agency, "chuyenvien2_tp", full_name="Hà Chuyên Viên Hai")

    return Unit


@pytest.fixture
def decision_chain(cast, agency_a, unit):
    """Decisions: a specialist of the division (drafter's pick), the division's head, the deputy
    (fixed), then the chairman signs (fixed)."""
    return chains.save_chain(
        agency=agency_a,
        by=cast.leader,
        document_type="QĐ",
        steps=[
            {"role": "specialist", "unit": unit.agency, "person": None},
            {"role": "leader", "unit": unit.agency, "person": None},
            {"role": "leader", "unit": None, "person": cast.deputy},
        ],
        signer=cast.leader,
    )


def _draft(cast, agency_a, document_type="QĐ"):
    return services.draft_outgoing(
        agency=agency_a,
        by=cast.specialist,
        document_type=document_type,
        summary="Về việc công nhận tổ dân phố",
    )


def _pending(document):
    document.refresh_from_db()
    step = permissions.current_step(document)
    return step.approver if step else None


def test_a_draft_follows_its_configured_chain_step_by_step(cast, agency_a, unit, decision_chain):
    draft = _draft(cast, agency_a)
    services.submit_for_approval(draft, by=cast.specialist, picks={1: unit.expert2.pk})

    steps = list(draft.approvals.order_by("position"))
    assert [s.approver for s in steps] == [unit.expert2, unit.head, cast.deputy, cast.leader]
    assert [(s.role, s.unit) for s in steps[:2]] == [("specialist", unit.agency), ("leader", unit.agency)]
    assert draft.signer == cast.leader and draft.chain_plan["chain"] == decision_chain.pk
    for person in (unit.expert2, unit.head, cast.deputy, cast.leader):
        assert _pending(draft) == person
        services.decide(draft, by=person, approve=True)
    draft.refresh_from_db()
    assert draft.status == OutgoingStatus.APPROVED
    services.sign(draft, by=cast.leader)


def test_a_step_with_a_choice_needs_the_drafters_pick(cast, agency_a, unit, decision_chain):
    draft = _draft(cast, agency_a)
    with pytest.raises(services.DocumentError, match="Bước 1: cần chọn người duyệt"):
        services.submit_for_approval(draft, by=cast.specialist)
    draft.refresh_from_db()
    assert draft.status == OutgoingStatus.DRAFT and not draft.approvals.exists()


def test_a_pick_outside_the_steps_role_or_unit_is_refused(cast, agency_a, unit, decision_chain):
    draft = _draft(cast, agency_a)
    # The agency's own specialist does not belong to the division the step names.
    with pytest.raises(services.DocumentError, match="Bước 1: người được chọn không giữ vai trò"):
        services.submit_for_approval(draft, by=cast.specialist, picks={1: cast.other_specialist.pk})
    assert not draft.approvals.exists()


def test_the_wrong_person_cannot_decide(cast, agency_a, unit, decision_chain):
    draft = _draft(cast, agency_a)
    services.submit_for_approval(draft, by=cast.specialist, picks={1: unit.expert.pk})
    for intruder in (unit.expert2, unit.head, cast.leader, cast.clerk):
        with pytest.raises(services.DocumentError, match="không chờ bạn duyệt"):
            services.decide(draft, by=intruder, approve=True)
    assert _pending(draft) == unit.expert
    services.decide(draft, by=unit.expert, approve=True)
    with pytest.raises(services.DocumentError):
        services.decide(draft, by=unit.expert, approve=True)  # no second vote
    assert _pending(draft) == unit.head


def test_a_step_holder_who_lost_the_role_can_no_longer_decide(cast, agency_a, unit, decision_chain):
    from congso.agencies import services as agencies

    draft = _draft(cast, agency_a)
    services.submit_for_approval(draft, by=cast.specialist, picks={1: unit.expert.pk})
    membership = agencies.memberships_for(unit.expert)[0]
    agencies.end_membership(membership)
    assert not permissions.can_decide(unit.expert, draft)


def test_a_return_needs_a_reason_and_goes_back_to_the_drafter(cast, agency_a, unit, decision_chain):
    draft = _draft(cast, agency_a)
    services.submit_for_approval(draft, by=cast.specialist, picks={1: unit.expert.pk})
    services.decide(draft, by=unit.expert, approve=True)
    with pytest.raises(services.DocumentError, match="lý do"):
        services.decide(draft, by=unit.head, approve=False, comment="  ")
    assert _pending(draft) == unit.head

    services.decide(draft, by=unit.head, approve=False, comment="Bổ sung căn cứ pháp lý")
    draft.refresh_from_db()
    assert draft.status == OutgoingStatus.RETURNED
    returned = draft.approvals.get(approver=unit.head)
    assert (
        returned.decision == ApprovalStep.Decision.RETURNED and returned.comment == "Bổ sung căn cứ pháp lý"
    )
    assert not draft.approvals.filter(decision=ApprovalStep.Decision.PENDING).exists()
    assert permissions.can_edit_draft(cast.specialist, draft)

    services.submit_for_approval(draft, by=cast.specialist, picks={1: unit.expert2.pk})
    assert [s.approver for s in draft.approvals.filter(round=2)] == [
        unit.expert2,
        unit.head,
        cast.deputy,
        cast.leader,
    ]


def test_a_chain_edited_in_flight_keeps_the_draft_on_its_first_chain(cast, agency_a, unit, decision_chain):
    draft = _draft(cast, agency_a)
    services.submit_for_approval(draft, by=cast.specialist, picks={1: unit.expert.pk})

    # The chain is shortened to the chairman alone while the draft is in review …
    chains.save_chain(agency=agency_a, by=cast.leader, document_type="QĐ", steps=[], signer=cast.deputy)
    assert _pending(draft) == unit.expert
    services.decide(draft, by=unit.expert, approve=True)
    services.decide(draft, by=unit.head, approve=False, comment="Sửa trích yếu")

    # … and the returned draft, submitted again, still follows the chain it started with.
    draft.refresh_from_db()
    services.submit_for_approval(draft, by=cast.specialist, picks={1: unit.expert.pk})
    assert [s.approver for s in draft.approvals.filter(round=2)] == [
        unit.expert,
        unit.head,
        cast.deputy,
        cast.leader,
    ]
    assert draft.signer == cast.leader

    # A new draft takes the edited chain.
    fresh = _draft(cast, agency_a)
    services.submit_for_approval(fresh, by=cast.specialist)
    assert [s.approver for s in fresh.approvals.all()] == [cast.deputy]
    assert fresh.signer == cast.deputy


def test_the_type_chain_wins_over_the_default_and_the_default_over_free_choice(cast, agency_a, unit):
    free = _draft(cast, agency_a, "CV")
    services.submit_for_approval(
        free, by=cast.specialist, approvers=[cast.other_specialist], signer=cast.leader
    )
    assert [s.approver for s in free.approvals.all()] == [cast.other_specialist, cast.leader]
    assert free.chain_plan is None

    chains.save_chain(
        agency=agency_a,
        by=cast.leader,
        document_type="",
        steps=[{"role": "leader", "unit": unit.agency, "person": unit.head}],
    )
    letter = _draft(cast, agency_a, "CV")
    # Free choices are ignored once a chain applies; the signer is still the drafter's choice.
    services.submit_for_approval(
        letter, by=cast.specialist, approvers=[cast.other_specialist], signer=cast.deputy
    )
    assert [s.approver for s in letter.approvals.all()] == [unit.head, cast.deputy]
    with pytest.raises(services.DocumentError, match="lãnh đạo"):
        services.submit_for_approval(_draft(cast, agency_a, "CV"), by=cast.specialist, signer=cast.specialist)


def test_a_draft_first_submitted_freely_keeps_the_free_choice(cast, agency_a, unit):
    draft = _draft(cast, agency_a)
    services.submit_for_approval(
        draft, by=cast.specialist, approvers=[cast.other_specialist], signer=cast.leader
    )
    services.decide(draft, by=cast.other_specialist, approve=False, comment="Thiếu căn cứ")
    chains.save_chain(
        agency=agency_a, by=cast.leader, document_type="", steps=[{"role": "leader", "person": cast.deputy}]
    )
    draft.refresh_from_db()
    services.submit_for_approval(
        draft, by=cast.specialist, approvers=[cast.other_specialist], signer=cast.leader
    )
    assert [s.approver for s in draft.approvals.filter(round=2)] == [cast.other_specialist, cast.leader]


def test_a_step_nobody_holds_is_named(cast, agency_a, make_agency):
    from congso.agencies.models import AgencyKind
    from tests.factories.agencies import AgencyFactory

    empty = AgencyFactory(
        code="000.12.12.H08", name="Phòng Nội vụ", kind=AgencyKind.DIVISION, parent=agency_a
    )
    chains.save_chain(
        agency=agency_a, by=cast.leader, document_type="", steps=[{"role": "leader", "unit": empty}]
    )
    draft = _draft(cast, agency_a)
    with pytest.raises(
        services.DocumentError, match="Bước 1: hiện không có ai giữ vai trò Lãnh đạo — Phòng Nội vụ"
    ):
        services.submit_for_approval(draft, by=cast.specialist, signer=cast.leader)
    assert not draft.approvals.exists()


def test_only_the_agency_admin_or_a_leader_configures(cast, agency_a, agency_b, officer, unit):
    admin = officer("agency_admin", agency_a, "quantri_a")
    assert permissions.can_configure_chains(admin, agency_a)
    assert permissions.can_configure_chains(cast.leader, agency_a)
    for person in (cast.specialist, cast.clerk, cast.leader_b):
        assert not permissions.can_configure_chains(person, agency_a)
        with pytest.raises(services.DocumentError, match="quản trị cơ quan hoặc lãnh đạo"):
            chains.save_chain(agency=agency_a, by=person, document_type="", steps=[])
    chains.save_chain(agency=agency_a, by=admin, document_type="BC", steps=[{"role": "specialist"}])
    assert ApprovalChain.objects.get().steps.get().role == "specialist"


def test_a_wrong_chain_is_refused_and_nothing_saved(cast, agency_a, agency_b, unit):
    def save(steps, signer=None):
        return chains.save_chain(
            agency=agency_a, by=cast.leader, document_type="QĐ", steps=steps, signer=signer
        )

    with pytest.raises(services.DocumentError, match="Bước 1: cần chọn vai trò"):
        save([{"role": "", "unit": None, "person": None}])
    with pytest.raises(services.DocumentError, match="Bước 1: đơn vị không thuộc cơ quan"):
        save([{"role": "leader", "unit": agency_b, "person": None}])
    with pytest.raises(services.DocumentError, match="Bước 2: .* không giữ vai trò"):
        save(
            [{"role": "leader", "unit": None}, {"role": "leader", "unit": unit.agency, "person": unit.expert}]
        )
    with pytest.raises(services.DocumentError, match="Người ký phải là lãnh đạo"):
        save([], signer=unit.head)  # the division's head is not a leader of the agency
    with pytest.raises(services.DocumentError, match="một lần"):
        save([{"role": "leader", "person": cast.deputy}], signer=cast.deputy)
    assert not ApprovalChain.objects.exists()


# --- Pages ---------------------------------------------------------------------------------------


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_configuration_page_saves_a_chain(cast, agency_a, unit):
    leader = _as(cast.leader)
    page = leader.get("/can-bo/van-ban/luong-duyet/sua/?loai=QĐ")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bước 1: vai trò" in html and 'for="id_role_1"' in html and "Phòng Tư pháp" in html

    response = leader.post(
        "/can-bo/van-ban/luong-duyet/sua/",
        {
            "document_type": "QĐ",
            "role_1": "specialist",
            "unit_1": unit.agency.pk,
            "role_2": "leader",
            "person_2": cast.deputy.pk,
            "signer": cast.leader.pk,
        },
    )
    assert response.status_code == 302
    chain = ApprovalChain.objects.get(agency=agency_a, document_type="QĐ")
    assert [(s.role, s.unit, s.person) for s in chain.steps.all()] == [
        ("specialist", unit.agency, None),
        ("leader", None, cast.deputy),
    ]
    assert chain.signer == cast.leader
    listing = leader.get("/can-bo/van-ban/luong-duyet/").content.decode()
    assert "Chuyên viên — Phòng Tư pháp" in listing

    # Edited from its page: the form shows what is saved.
    html = leader.get("/can-bo/van-ban/luong-duyet/sua/?loai=QĐ").content.decode()
    assert f'<option value="{cast.deputy.pk}" selected>' in html


def test_the_configuration_page_explains_a_refusal_and_saves_nothing(cast, agency_a, unit):
    leader = _as(cast.leader)
    response = leader.post(
        "/can-bo/van-ban/luong-duyet/sua/",
        {"document_type": "", "role_1": "leader", "unit_1": unit.agency.pk, "person_1": unit.expert.pk},
    )
    assert response.status_code == 200
    assert "không giữ vai trò" in response.content.decode()
    response = leader.post(
        "/can-bo/van-ban/luong-duyet/sua/", {"document_type": "", "person_1": cast.deputy.pk}
    )
    assert response.status_code == 200 and "Bước 1: cần chọn vai trò" in response.content.decode()
    response = leader.post("/can-bo/van-ban/luong-duyet/sua/", {"document_type": "XX"})
    assert response.status_code == 200
    assert not ApprovalChain.objects.exists()


def test_the_agency_administrator_reaches_the_configuration_page(cast, agency_a, officer):
    admin = _as(officer("agency_admin", agency_a, "quantri_a"))
    assert admin.get("/can-bo/van-ban/luong-duyet/").status_code == 200
    response = admin.post("/can-bo/van-ban/luong-duyet/sua/", {"document_type": "TB", "role_1": "leader"})
    assert response.status_code == 302
    assert ApprovalChain.objects.get().document_type == "TB"


def test_the_configuration_pages_are_refused_to_others(cast, agency_a, unit):
    chain = chains.save_chain(agency=agency_a, by=cast.leader, document_type="", steps=[])
    specialist = _as(cast.specialist)
    assert specialist.get("/can-bo/van-ban/luong-duyet/").status_code == 403
    assert specialist.post("/can-bo/van-ban/luong-duyet/sua/", {"document_type": ""}).status_code == 403
    assert specialist.post(f"/can-bo/van-ban/luong-duyet/{chain.pk}/xoa/").status_code == 404
    assert _as(cast.leader_b).post(f"/can-bo/van-ban/luong-duyet/{chain.pk}/xoa/").status_code == 404
    assert ApprovalChain.objects.filter(pk=chain.pk).exists()
    assert _as(cast.leader).post(f"/can-bo/van-ban/luong-duyet/{chain.pk}/xoa/").status_code == 302
    assert not ApprovalChain.objects.exists()


def test_submitting_on_the_draft_page_follows_the_chain(cast, agency_a, unit, decision_chain):
    draft = _draft(cast, agency_a)
    drafter = _as(cast.specialist)
    html = drafter.get(f"/can-bo/van-ban/di/{draft.pk}/").content.decode()
    assert "luồng duyệt đã cấu hình" in html and 'name="step_1"' in html
    assert 'name="step_3"' not in html and 'name="signer"' not in html  # fixed steps, fixed signer

    response = drafter.post(f"/can-bo/van-ban/di/{draft.pk}/trinh/", {"step_1": unit.expert.pk}, follow=True)
    assert "Đã trình duyệt" in " ".join(str(m) for m in response.context["messages"])
    assert _pending(draft) == unit.expert

    # The division's specialist, who holds no role in the agency itself, reaches the draft and decides.
    expert = _as(unit.expert)
    assert expert.get(f"/can-bo/van-ban/di/{draft.pk}/").status_code == 200
    expert.post(f"/can-bo/van-ban/di/{draft.pk}/duyet/", {"decision": "approve"})
    assert _pending(draft) == unit.head
