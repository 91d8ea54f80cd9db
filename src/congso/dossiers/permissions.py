"""Who may do what to a dossier — the one place where object-level rules live.

Permissions are named constants with a description. A permission is granted either to the applicant
(the dossier's own account or the account that submitted it) or through a staff role held, today, in an
agency that stands in a given *relation* to the dossier:

- ``receiving`` — the dossier's ``receiving_agency`` (where it was submitted, where the result goes back);
- ``current``   — its ``current_agency`` (where it is being processed now);
- ``participant`` — any of its ``processing_agencies`` (every agency it has passed through, including
  the agencies of parallel branches: the police and social insurance of a liên thông dossier are added
  when their branch opens, while the receiving commune stays its ``current_agency``).

``ROLE_GRANTS`` is the whole rule set; ``can()`` and ``Dossier.objects.visible_to()`` (``query.py``) are
both derived from it, so a page, an API and a service can never disagree.

Decisions (documented for the lead and the reviewers):

- one-stop officer (cán bộ một cửa): at the receiving agency receives, accepts, refuses, asks for a
  supplement at reception, records a supplement or a withdrawal brought to the counter, collects fees
  and returns the result; at the current agency routes the dossier onward (hand-over); views it wherever
  it is or was.
- specialist (chuyên viên): processes at the current agency (start, supplement during processing,
  payment request, result ready, hand-over); views it at any agency it concerns.
- leader (lãnh đạo): what the specialist can, plus approve, extend (form 04) and stop (form 05) at the
  current agency.
- clerk (văn thư): view only, at the current agency — the clerk numbers and seals the result document
  of a dossier being processed there and needs to see it, nothing more.
- agency admin and platform admin: configure the platform but **read no dossier**. Someone who also
  holds an officer role gets that role's rights. Django superusers get nothing here either.

The process authority (``ProcessAuthority``) is the one exception to "a person with a role": a running
BPMN process of the ``workflow`` block may move the dossier along the steps its drawing defines — hand it
over, start processing, ask for a supplement, record the result — on its own authority, because the
engine has already checked that the officer who completed the previous step was entitled to that step,
or the path was fired by one of the process's timers (no officer at all). See ``ProcessAuthority``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .process_authority import ProcessAuthority, require_process_authority  # noqa: F401 — the services check tokens here


@dataclass(frozen=True)
class Permission:
    """A right over dossiers, known by its code. The description is a lazy translation, so it takes no
    part in equality or hashing: its hash would change with the request's language, and a permission
    looked up in ``ROLE_GRANTS`` from an English page would not be found."""

    code: str
    description: str = field(compare=False)

    def __str__(self) -> str:
        return self.code


VIEW = Permission("dossiers.view", _("Xem hồ sơ, lịch sử xử lý và giấy tờ"))
RECEIVE = Permission(
    "dossiers.receive", _("Tiếp nhận hồ sơ, từ chối tiếp nhận, yêu cầu bổ sung khi tiếp nhận")
)
SUPPLY = Permission("dossiers.supply", _("Nộp giấy tờ bổ sung theo yêu cầu"))
WITHDRAW = Permission("dossiers.withdraw", _("Rút hồ sơ theo yêu cầu của người nộp"))
PROCESS = Permission("dossiers.process", _("Xử lý hồ sơ: yêu cầu bổ sung, nghĩa vụ tài chính, có kết quả"))
HAND_OVER = Permission("dossiers.hand_over", _("Bàn giao hồ sơ sang bước, bộ phận hoặc cơ quan khác"))
# No service here needs APPROVE: the workflow block checks it before completing an approval step.
APPROVE = Permission("dossiers.approve", _("Phê duyệt kết quả giải quyết"))
EXTEND = Permission("dossiers.extend", _("Ban hành văn bản xin lỗi và gia hạn (mẫu 04)"))
STOP = Permission("dossiers.stop", _("Dừng giải quyết hồ sơ (mẫu 05)"))
COLLECT_PAYMENT = Permission("dossiers.collect_payment", _("Ghi nhận đã thực hiện nghĩa vụ tài chính"))
RETURN_RESULT = Permission("dossiers.return_result", _("Trả kết quả cho người nộp"))

ALL_PERMISSIONS = (
    VIEW,
    RECEIVE,
    SUPPLY,
    WITHDRAW,
    PROCESS,
    HAND_OVER,
    APPROVE,
    EXTEND,
    STOP,
    COLLECT_PAYMENT,
    RETURN_RESULT,
)

RECEIVING = "receiving"
CURRENT = "current"
PARTICIPANT = "participant"
RELATIONS = (RECEIVING, CURRENT, PARTICIPANT)

# Role values of ``agencies.models.Role``, spelled out so this table reads on its own.
ONE_STOP_OFFICER = "one_stop_officer"
SPECIALIST = "specialist"
LEADER = "leader"
CLERK = "clerk"
AGENCY_ADMIN = "agency_admin"
PLATFORM_ADMIN = "platform_admin"

_SPECIALIST_AT_CURRENT = frozenset({VIEW, PROCESS, HAND_OVER, COLLECT_PAYMENT})

ROLE_GRANTS: dict[str, dict[str, frozenset[Permission]]] = {
    ONE_STOP_OFFICER: {
        RECEIVING: frozenset({VIEW, RECEIVE, SUPPLY, WITHDRAW, COLLECT_PAYMENT, RETURN_RESULT}),
        CURRENT: frozenset({VIEW, HAND_OVER}),
        PARTICIPANT: frozenset({VIEW}),
    },
    SPECIALIST: {
        RECEIVING: frozenset({VIEW}),
        CURRENT: _SPECIALIST_AT_CURRENT,
        PARTICIPANT: frozenset({VIEW}),
    },
    LEADER: {
        RECEIVING: frozenset({VIEW}),
        CURRENT: _SPECIALIST_AT_CURRENT | {APPROVE, EXTEND, STOP},
        PARTICIPANT: frozenset({VIEW}),
    },
    CLERK: {
        CURRENT: frozenset({VIEW}),
    },
    AGENCY_ADMIN: {},
    PLATFORM_ADMIN: {},
}

APPLICANT_GRANTS = frozenset({VIEW, SUPPLY, WITHDRAW})


def roles_granting(permission: Permission, relation: str) -> list[str]:
    """The roles that grant ``permission`` through ``relation`` (sorted, for stable queries)."""
    return sorted(role for role, grants in ROLE_GRANTS.items() if permission in grants.get(relation, ()))


def _is_person(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True)


def held_roles(user) -> dict[int, set[str]]:
    """Agency id → the roles ``user`` holds there today (one query, via ``agencies.services``)."""
    if not _is_person(user):
        return {}
    from congso.agencies import services as agency_services

    held: dict[int, set[str]] = defaultdict(set)
    for membership in agency_services.memberships_for(user):
        held[membership.agency_id].add(membership.role)
    return dict(held)


def agency_ids_granting(held: dict[int, set[str]], permission: Permission, relation: str) -> set[int]:
    """The agencies (of ``held_roles``) where a role held grants ``permission`` through ``relation``."""
    roles = set(roles_granting(permission, relation))
    return {agency_id for agency_id, held_there in held.items() if held_there & roles}


def is_applicant(user, dossier) -> bool:
    """The dossier's own account, or the account that submitted it (nộp thay)."""
    if not _is_person(user):
        return False
    return user.pk is not None and user.pk in (dossier.applicant_id, dossier.submitted_by_id)


def relation_agency_ids(dossier, relation: str) -> set[int]:
    if relation == RECEIVING:
        return {dossier.receiving_agency_id}
    if relation == CURRENT:
        return {dossier.current_agency_id}
    if dossier.pk is None:
        return set()
    return set(dossier.processing_agencies.values_list("pk", flat=True))


def permissions_for(user, dossier, held: dict[int, set[str]] | None = None) -> set[Permission]:
    """Everything ``user`` may do with ``dossier`` (to show or hide buttons). ``held`` may be passed
    when checking many dossiers for one user, to read the memberships once."""
    if not _is_person(user):
        return set()
    granted = set(APPLICANT_GRANTS) if is_applicant(user, dossier) else set()
    held = held_roles(user) if held is None else held
    if held:
        for relation in RELATIONS:
            for agency_id in relation_agency_ids(dossier, relation) & held.keys():
                for role in held[agency_id]:
                    granted |= ROLE_GRANTS.get(role, {}).get(relation, frozenset())
    return granted


def can(user, permission: Permission, dossier) -> bool:
    """Whether ``user`` may exercise ``permission`` on ``dossier`` now. Never raises."""
    return permission in permissions_for(user, dossier)


def can_at(user, permission: Permission, agency, relation: str = RECEIVING) -> bool:
    """Whether ``user`` holds, at ``agency`` (an Agency or its id), a role granting ``permission`` through
    ``relation``. Used before a dossier exists (counter intake)."""
    return getattr(agency, "pk", agency) in agency_ids_granting(held_roles(user), permission, relation)


def require(user, permission: Permission, dossier) -> None:
    """Raise ``PermissionDenied`` unless ``can(user, permission, dossier)``."""
    if not can(user, permission, dossier):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với hồ sơ {code}.").format(code=dossier.code)
        )


def require_at(user, permission: Permission, agency, relation: str = RECEIVING) -> None:
    """Raise ``PermissionDenied`` unless ``can_at(user, permission, agency, relation)``."""
    if not can_at(user, permission, agency, relation):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này tại cơ quan {agency}.").format(agency=agency)
        )
