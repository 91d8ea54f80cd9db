"""Authorisation as a matrix: every staff role × every permission × where the role is held (the dossier's
own agencies or another), in two situations; then every service action × role × own/other agency
through the real services; then applicants, and ``visible_to`` agreeing with ``can``.

The expected rights are written out here by hand; they are the decision documented in
``dossiers/permissions.py`` and must not be derived from its table.
"""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from congso.agencies.models import StaffMembership
from congso.dossiers import permissions as P
from congso.dossiers import services
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Dossier, Status
from tests.factories.dossiers import DossierFactory
from tests.samples import APPLICANT, PDF_BYTES

ROLES = ["one_stop_officer", "specialist", "leader", "clerk", "agency_admin", "platform_admin"]
WHERE = ["A", "B", "C"]  # A receives the dossier; B is the department it may be handed to; C is unrelated

ONE_STOP_AT_RECEIVING = {P.VIEW, P.RECEIVE, P.SUPPLY, P.WITHDRAW, P.COLLECT_PAYMENT, P.RETURN_RESULT}
PROCESSING = {P.VIEW, P.PROCESS, P.HAND_OVER, P.COLLECT_PAYMENT}
LEADING = PROCESSING | {P.APPROVE, P.EXTEND, P.STOP}

EXPECTED = {
    # Received at A and still there (current agency A).
    ("at_reception", "one_stop_officer", "A"): ONE_STOP_AT_RECEIVING | {P.HAND_OVER},
    ("at_reception", "specialist", "A"): PROCESSING,
    ("at_reception", "leader", "A"): LEADING,
    ("at_reception", "clerk", "A"): {P.VIEW},
    # Received at A, handed over to B (current agency B, participants A and B).
    ("handed_to_b", "one_stop_officer", "A"): ONE_STOP_AT_RECEIVING,
    ("handed_to_b", "one_stop_officer", "B"): {P.VIEW, P.HAND_OVER},
    ("handed_to_b", "specialist", "A"): {P.VIEW},
    ("handed_to_b", "specialist", "B"): PROCESSING,
    ("handed_to_b", "leader", "A"): {P.VIEW},
    ("handed_to_b", "leader", "B"): LEADING,
    ("handed_to_b", "clerk", "B"): {P.VIEW},
    # Every other combination — admins anywhere, anyone at C, clerk at A once the dossier left — nothing.
}


@pytest.fixture
def situation(agency_a, agency_b, agency_c, make_version, citizen):
    """``situation(name)`` → a dossier received at A, either still at A or handed to B."""
    version = make_version(papers=())

    def make(name):
        return DossierFactory(
            code=f"000.01.12.H08-260311-{Dossier.objects.count() + 1:04d}",
            procedure_version=version,
            receiving_agency=agency_a,
            current_agency=agency_a if name == "at_reception" else agency_b,
            processing_agencies=[agency_a, *([agency_b] if name == "handed_to_b" else [])],
            channel="online",
            status=Status.IN_PROCESSING,
            applicant=citizen,
            submitted_by=citizen,
            applicant_name="Nguyễn Văn An",
            submitted_at="2026-03-11T09:00:00+07:00",
            received_at=None,
            due_at=None,
        )

    return make


@pytest.fixture
def places(agency_a, agency_b, agency_c):
    return {"A": agency_a, "B": agency_b, "C": agency_c}


@pytest.mark.parametrize("permission", P.ALL_PERMISSIONS, ids=[p.code for p in P.ALL_PERMISSIONS])
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["at_reception", "handed_to_b"])
def test_permission_matrix(name, role, where, permission, situation, places, officer):
    dossier = situation(name)
    user = officer(role, places[where])
    expected = permission in EXPECTED.get((name, role, where), set())
    assert P.can(user, permission, dossier) is expected


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["at_reception", "handed_to_b"])
def test_visible_to_agrees_with_view(name, role, where, situation, places, officer):
    dossier = situation(name)
    other = situation(name)
    user = officer(role, places[where])
    sees = P.VIEW in EXPECTED.get((name, role, where), set())
    assert list(Dossier.objects.visible_to(user).filter(pk=dossier.pk)) == ([dossier] if sees else [])
    assert Dossier.objects.visible_to(user).count() == (2 if sees else 0)  # each once, no duplicates
    assert P.can(user, P.VIEW, other) is sees


def test_applicant_and_submitter(situation, citizen, make_user):
    dossier = situation("at_reception")
    assert P.permissions_for(citizen, dossier) == {P.VIEW, P.SUPPLY, P.WITHDRAW}
    helper = make_user("nguoi_nop_thay")
    dossier.applicant = make_user("chu_ho_so")
    dossier.submitted_by = helper
    dossier.save()
    assert P.permissions_for(helper, dossier) == {P.VIEW, P.SUPPLY, P.WITHDRAW}
    assert P.permissions_for(dossier.applicant, dossier) == {P.VIEW, P.SUPPLY, P.WITHDRAW}
    assert P.permissions_for(citizen, dossier) == set()
    assert list(Dossier.objects.visible_to(helper)) == [dossier]


def test_nobody_else_sees_anything(situation, make_user, officer, agency_a):
    from django.contrib.auth.models import AnonymousUser

    dossier = situation("at_reception")
    superuser = make_user("root", kind="official", is_superuser=True, is_staff=True)
    stranger = make_user("nguoi_la")
    inactive = officer("leader", agency_a, is_active=False)
    former = officer("leader", agency_a)
    StaffMembership.objects.filter(user=former).update(
        valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31)
    )
    for user in (AnonymousUser(), None, superuser, stranger, inactive, former):
        assert P.permissions_for(user, dossier) == set(), user
        assert not Dossier.objects.visible_to(user).exists(), user


# --- The same rules enforced by the services --------------------------------------------------------

ACTIONS = {
    # action: (status to start from, permission it needs, call)
    "accept": (Status.SUBMITTED, P.RECEIVE, lambda d, u: services.accept(d, u)),
    "refuse": (Status.SUBMITTED, P.RECEIVE, lambda d, u: services.refuse(d, u, ["Không thuộc thẩm quyền"])),
    "request_supplement_at_reception": (
        Status.SUBMITTED,
        P.RECEIVE,
        lambda d, u: services.request_supplement(d, u, ["Giấy chứng sinh"], "Thiếu"),
    ),
    "request_supplement": (
        Status.IN_PROCESSING,
        P.PROCESS,
        lambda d, u: services.request_supplement(d, u, ["Bản sao"], "Thiếu"),
    ),
    "provide_supplement": (
        Status.SUPPLEMENT_REQUESTED,
        P.SUPPLY,
        lambda d, u: services.provide_supplement(
            d, u, [PaperUpload("to-khai", "Tờ khai", io.BytesIO(PDF_BYTES))]
        ),
    ),
    "start_processing": (Status.ACCEPTED, P.PROCESS, lambda d, u: services.start_processing(d, u)),
    "hand_over": (
        Status.ACCEPTED,
        P.HAND_OVER,
        lambda d, u: services.hand_over(
            d,
            to_agency=d.current_agency,
            to_unit_label="Công chức Tư pháp – Hộ tịch",
            step_name="Thẩm định",
            given_by=u,
        ),
    ),
    "request_payment": (
        Status.IN_PROCESSING,
        P.PROCESS,
        lambda d, u: services.request_payment(d, u, amount=10_000),
    ),
    "record_payment": (
        Status.AWAITING_PAYMENT,
        P.COLLECT_PAYMENT,
        lambda d, u: services.record_payment(d, u, reference="BL-1", amount=10_000),
    ),
    "mark_result_ready": (
        Status.IN_PROCESSING,
        P.PROCESS,
        lambda d, u: services.mark_result_ready(d, u, result_note="Đã cấp"),
    ),
    "return_result": (
        Status.RESULT_READY,
        P.RETURN_RESULT,
        lambda d, u: services.return_result(d, u, "counter"),
    ),
    "withdraw": (Status.IN_PROCESSING, P.WITHDRAW, lambda d, u: services.withdraw(d, u, "Không còn nhu cầu")),
    "stop": (Status.IN_PROCESSING, P.STOP, lambda d, u: services.stop(d, u, "Có tranh chấp")),
    "extend": (
        Status.IN_PROCESSING,
        P.EXTEND,
        lambda d, u: services.extend(d, u, date(2099, 12, 31), "Chờ xác minh"),
    ),
}


@pytest.mark.parametrize("where", ["A", "C"], ids=["own_agency", "other_agency"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_services_enforce_the_matrix(action, role, where, drive, places, officer):
    status, permission, call = ACTIONS[action]
    supplement_from = Status.SUBMITTED if action == "provide_supplement" else Status.IN_PROCESSING
    dossier = drive(status, supplement_from=supplement_from)
    user = officer(role, places[where])
    allowed = permission in EXPECTED.get(("at_reception", role, where), set())
    if allowed:
        call(dossier, user)
        dossier.refresh_from_db()
        assert dossier.status != status or action == "extend"
    else:
        with pytest.raises(PermissionDenied):
            call(dossier, user)
        dossier.refresh_from_db()
        assert dossier.status == status


@pytest.mark.parametrize("where", ["A", "C"], ids=["own_agency", "other_agency"])
@pytest.mark.parametrize("role", ROLES)
def test_counter_intake_needs_receive_at_that_agency(role, where, places, officer, version, agency_a):
    user = officer(role, places[where])
    allowed = role == "one_stop_officer" and where == "A"
    arguments = {
        "version": version,
        "receiving_agency": agency_a,
        "officer": user,
        "applicant_details": APPLICANT,
        "form_data": {},
    }
    if allowed:
        assert services.receive_at_counter(**arguments).status == Status.ACCEPTED
    else:
        with pytest.raises(PermissionDenied):
            services.receive_at_counter(**arguments)
        assert not Dossier.objects.exists()


@pytest.mark.parametrize("action", ["withdraw", "provide_supplement"])
def test_applicant_actions(action, drive, citizen, make_user):
    status, _permission, call = ACTIONS[action]
    dossier = drive(status, supplement_from=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        call(dossier, make_user("nguoi_khac"))
    call(dossier, citizen)
    dossier.refresh_from_db()
    assert dossier.status != status


def test_payment_confirmed_by_the_provider_needs_no_officer(drive):
    dossier = drive(Status.AWAITING_PAYMENT)
    with pytest.raises(PermissionDenied):
        services.record_payment(dossier, None, reference="VNPAY-1")
    services.record_payment(dossier, None, reference="VNPAY-1", amount=10_000, confirmed_by_provider=True)
    assert dossier.status == Status.IN_PROCESSING


def test_permissions_have_codes_and_descriptions():
    codes = [p.code for p in P.ALL_PERMISSIONS]
    assert len(set(codes)) == len(codes)
    assert all(
        code.startswith("dossiers.") and str(p.description)
        for code, p in zip(codes, P.ALL_PERMISSIONS, strict=True)
    )


def test_roles_grant_the_same_rights_in_english(situation, places, officer):
    """A permission's description is translated: in an English request it once hashed differently, so
    an officer working in English was granted nothing and every dossier page answered 404."""
    from django.utils import translation

    dossier = situation("at_reception")
    user = officer("one_stop_officer", places["A"])
    with translation.override("en"):
        assert P.can(user, P.VIEW, dossier)
        assert list(Dossier.objects.visible_to(user)) == [dossier]
        assert P.permissions_for(user, dossier) == ONE_STOP_AT_RECEIVING | {P.HAND_OVER}
