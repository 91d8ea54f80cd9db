"""The public interface of the agencies block: the only module other blocks import.

Questions answered here: which agencies and roles a person holds on a day, which agencies sit under
another, which administrative unit a code means on a day (following mergers). Changes to staff
membership go through ``add_membership`` / ``ensure_membership`` / ``end_membership`` so that each one
leaves an audit entry and a domain event.

Who may administer what in the admin (``admin_scope`` and friends) is ruled in ``permissions.py`` and
offered here to the other blocks' admin pages.

Dates are ``datetime.date``; "today" is the local date of ``settings.TIME_ZONE``. Validity periods are
inclusive at both ends (``valid_to`` is the last day in force).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import audit, events, request_cache

from .models import (
    AdministrativeUnit,
    Agency,
    AgencyDocumentSettings,
    AgencyKind,
    Role,
    SignerAuthority,
    StaffMembership,
    UnitSuccession,
)
from .permissions import (
    SUPERUSER_ONLY_USER_FIELDS,
    AdminScope,
    admin_scope,
    admin_scope_for_request,
    may_enter_admin,
    users_in_scope,
)
from .validators import AGENCY_CODE_RE

__all__ = [
    "AdminScope",
    "SUPERUSER_ONLY_USER_FIELDS",
    "add_membership",
    "admin_scope",
    "admin_scope_for_request",
    "agencies_by_code",
    "agencies_for",
    "agency_descendants",
    "agency_tree",
    "DocumentSettings",
    "current_unit",
    "document_settings_for",
    "end_membership",
    "ensure_membership",
    "get_agency_by_code",
    "get_unit",
    "has_role",
    "is_platform_admin",
    "is_staff_member",
    "may_enter_admin",
    "memberships_for",
    "roles_for",
    "staff_of",
    "successor_units",
    "users_in_scope",
]


# --- Who holds which role ---------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _valid_q(day: date, prefix: str = "") -> Q:
    """Rows (or, with a prefix such as ``"agency__"``, related rows) in force on ``day``."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def _counts_as_staff(user) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and user.pk is not None
    )


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = [roles] if isinstance(roles, str) else list(roles)
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValueError(_("Vai trò không tồn tại: %(roles)s.") % {"roles": ", ".join(unknown)})
    return roles


def _memberships(user, day: date) -> QuerySet[StaffMembership]:
    """Memberships of ``user`` in force on ``day`` in an agency also in force on ``day``."""
    if not _counts_as_staff(user):
        return StaffMembership.objects.none()
    return StaffMembership.objects.filter(_valid_q(day), _valid_q(day, "agency__"), user=user)


_MEMO = "agencies.memberships"


def _memberships_today(user) -> list[StaffMembership]:
    """The memberships ``memberships_for(user)`` returns today, read once per request: the workspace
    gate, the permission checks and the templates of one request all ask for them (``core.request_cache``;
    a membership saved or deleted during the request drops the memo, see ``_forget_memberships``)."""
    day = _today()

    def read() -> list[StaffMembership]:
        return list(_memberships(user, day).select_related("agency").order_by("agency__code", "role"))

    if not _counts_as_staff(user):
        return []
    return request_cache.remember((_MEMO, user.pk, day), read)


@receiver([post_save, post_delete], sender=StaffMembership)
@receiver([post_save, post_delete], sender=Agency)
def _forget_memberships(sender, **kwargs) -> None:
    # Whoever changes a membership or an agency's validity in this request sees the change at once.
    request_cache.forget(_MEMO)


def memberships_for(user, on: date | None = None) -> list[StaffMembership]:
    """The staff memberships ``user`` holds on ``on`` (today by default), with ``agency`` loaded.

    A membership counts when both it and its agency are in force that day. Anonymous or inactive users
    hold none. Ordered by agency code, then role. Reads only; raises nothing. Today's are read once per
    request (``core.request_cache``).
    """
    if on is None or on == _today():
        return list(_memberships_today(user))
    return list(_memberships(user, on).select_related("agency").order_by("agency__code", "role"))


def roles_for(user, agency: Agency | None = None) -> set[str]:
    """The role values (``Role``) ``user`` holds today — in ``agency`` only, when one is given.

    Roles are not inherited along the agency tree: a leader of the provincial People's Committee is not
    thereby a leader of each department. Reads only; raises nothing.
    """
    return {m.role for m in _memberships_today(user) if agency is None or m.agency_id == agency.pk}


def agencies_for(user, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """The agencies in force today in which ``user`` holds a membership today (in one of ``roles``).

    ``roles`` is an iterable of ``Role`` values; a single string is read as one role. Returns a lazy
    queryset ordered by code, each agency once. Raises ``ValueError`` for an unknown role.
    """
    wanted = set(_check_roles(roles)) if roles is not None else None
    ids = {m.agency_id for m in _memberships_today(user) if wanted is None or m.role in wanted}
    return Agency.objects.filter(pk__in=ids).order_by("code")


def has_role(user, role: str, agency: Agency | None = None) -> bool:
    """Whether ``user`` holds ``role`` today (in ``agency``, when given). Raises ``ValueError`` for an
    unknown role, so that a typo in a permission check fails loudly instead of denying quietly."""
    (role,) = _check_roles([role])
    return any(
        m.role == role and (agency is None or m.agency_id == agency.pk) for m in _memberships_today(user)
    )


def is_platform_admin(user) -> bool:
    """Whether ``user`` administers the whole platform: an active Django superuser, or the holder of a
    ``platform_admin`` membership in force today. Reads only; raises nothing."""
    if _counts_as_staff(user) and getattr(user, "is_superuser", False):
        return True
    return has_role(user, Role.PLATFORM_ADMIN)


def is_staff_member(user) -> bool:
    """Whether ``user`` holds any membership in force today — the test for entering the officer
    workspace. A superuser without a membership is not a staff member. Reads only; raises nothing."""
    return bool(_memberships_today(user))


# --- Agencies ---------------------------------------------------------------------------------


def get_agency_by_code(code: str) -> Agency:
    """The agency with electronic identifier ``code`` (e.g. ``"000.00.12.H08"``), in force or not.

    Surrounding spaces are ignored; letters are not upper-cased, because the code is exact. Raises
    ``Agency.DoesNotExist`` with a Vietnamese message when the code is malformed or unknown.
    """
    code = (code or "").strip() if isinstance(code, str) else ""
    if not AGENCY_CODE_RE.fullmatch(code):
        raise Agency.DoesNotExist(
            _("Mã định danh điện tử “%(code)s” không đúng dạng 000.00.00.H08 (QCVN 102:2016).")
            % {"code": code}
        )
    try:
        return Agency.objects.select_related("parent", "administrative_unit").get(code=code)
    except Agency.DoesNotExist:
        raise Agency.DoesNotExist(
            _("Không tìm thấy cơ quan có mã định danh điện tử %(code)s.") % {"code": code}
        ) from None


def agencies_by_code(codes: Iterable[str]) -> dict[str, Agency]:
    """The agencies whose electronic identifier is among ``codes``, in force or not, by code; unknown
    codes are simply absent. One query; reads only."""
    return Agency.objects.in_bulk(set(codes), field_name="code")


def agency_descendants(agency: Agency, on: date | None = None) -> list[Agency]:
    """Every agency below ``agency`` in the tree (children, their children, …), not ``agency`` itself.

    Breadth first, each level ordered by code; one query per level, which suits trees of hundreds.
    With ``on``, only agencies in force that day are returned (the walk still passes through ended
    ones, so a unit moved under an ended parent is not lost). Reads only; raises nothing.
    """
    found: list[Agency] = []
    seen = {agency.pk}
    level = [agency.pk]
    while level:
        children = [
            child
            for child in Agency.objects.filter(parent_id__in=level).order_by("code")
            if child.pk not in seen
        ]
        seen.update(child.pk for child in children)
        found.extend(children)
        level = [child.pk for child in children]
    if on is not None:
        found = [
            a
            for a in found
            if (a.valid_from is None or a.valid_from <= on) and (a.valid_to is None or a.valid_to >= on)
        ]
    return found


def agency_tree(on: date | None = None) -> list[tuple[Agency, int]]:
    """Every agency in force on ``on`` (today by default) in tree order, each with its depth: a root,
    then its children (by name) under it, depth first — what a "choose a unit" list shows, indented.

    An agency whose parent is not in force that day is shown as a root, so no unit is lost. One query.
    Reads only; raises nothing.
    """
    day = on or _today()
    agencies = list(Agency.objects.filter(_valid_q(day)).order_by("name", "code"))
    present = {agency.pk for agency in agencies}
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in present else None
        children.setdefault(parent, []).append(agency)
    ordered: list[tuple[Agency, int]] = []
    stack = [(agency, 0) for agency in reversed(children.get(None, []))]
    seen: set[int] = set()
    while stack:
        agency, depth = stack.pop()
        if agency.pk in seen:  # a cycle saved around clean(); show each unit once
            continue
        seen.add(agency.pk)
        ordered.append((agency, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(agency.pk, [])))
    return ordered


def staff_of(agency: Agency, roles: Iterable[str], on: date | None = None) -> list:
    """The people who hold, on ``on`` (today by default), one of ``roles`` in ``agency`` itself (roles
    are not inherited along the tree), each once, by name. Inactive accounts are left out.

    Raises ``ValueError`` for an unknown role. Reads only.
    """
    from django.contrib.auth import get_user_model

    day = on or _today()
    memberships = StaffMembership.objects.filter(_valid_q(day), agency=agency, role__in=_check_roles(roles))
    return list(
        get_user_model()
        .objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .order_by("full_name", "username")
    )


# --- Staff membership changes -----------------------------------------------------------------


def _membership_changes(membership: StaffMembership) -> dict:
    return {
        "user": membership.user_id,
        "agency": membership.agency.code,
        "role": membership.role,
        "title": membership.title,
        "valid_from": membership.valid_from.isoformat() if membership.valid_from else None,
        "valid_to": membership.valid_to.isoformat() if membership.valid_to else None,
    }


def add_membership(
    user,
    agency: Agency,
    role: str,
    title: str = "",
    by=None,
    *,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> StaffMembership:
    """Give ``user`` the ``role`` in ``agency`` from ``valid_from`` (today by default) to ``valid_to``
    (open-ended by default), and return the new membership.

    ``by`` is the user making the change (defaults to the signed-in user of the current request).
    Effects, in one transaction: the membership row, an audit entry ``agencies.membership.add`` and the
    domain event ``agencies.membership.added``.
    Errors (nothing is changed): ``ValueError`` for an unknown role; ``ValidationError`` with a
    Vietnamese message when the agency is not in force on ``valid_from``, the period is reversed, or the
    person already holds that role in that agency during an overlapping period.
    """
    (role,) = _check_roles([role])
    valid_from = valid_from or _today()
    if not Agency.objects.filter(_valid_q(valid_from), pk=agency.pk).exists():
        raise ValidationError(
            _("Cơ quan %(agency)s không còn hiệu lực vào ngày %(day)s.")
            % {"agency": agency, "day": valid_from.strftime("%d/%m/%Y")}
        )
    membership = StaffMembership(
        user=user, agency=agency, role=role, title=title, valid_from=valid_from, valid_to=valid_to
    )
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        changes = _membership_changes(membership)
        audit.record("agencies.membership.add", membership, changes=changes, actor=by)
        events.publish("agencies.membership.added", changes, aggregate=membership)
    return membership


def ensure_membership(user, agency: Agency, role: str, title: str = "", by=None) -> StaffMembership:
    """Make sure ``user`` holds ``role`` in ``agency`` today and return that membership.

    If such a membership is in force it is returned; its title is updated (with an audit entry
    ``agencies.membership.change``) only when ``title`` is given and differs. Otherwise it behaves as
    ``add_membership(user, agency, role, title, by)``, with the same effects and errors. Running it
    twice changes nothing the second time.
    """
    (role,) = _check_roles([role])
    existing = (
        StaffMembership.objects.filter(_valid_q(_today()), user=user, agency=agency, role=role)
        .select_related("agency")
        .first()
    )
    if existing is None:
        return add_membership(user, agency, role, title=title, by=by)
    if title and existing.title != title:
        with transaction.atomic():
            before = existing.title
            existing.title = title
            existing.save(update_fields=["title"])
            audit.record("agencies.membership.change", existing, changes={"title": [before, title]}, actor=by)
    return existing


def end_membership(membership: StaffMembership, on: date | None = None, by=None) -> StaffMembership | None:
    """End ``membership``: from ``on`` (today by default) the person no longer holds the role.

    The last day in force becomes the day before ``on``, so ending "today" takes effect at once.
    A membership that would not yet have started by ``on`` is withdrawn (deleted) instead, and ``None``
    is returned; otherwise the updated membership is returned.
    Effects, in one transaction: the change, an audit entry ``agencies.membership.end`` (its changes
    keep every detail of a withdrawn row) and the domain event ``agencies.membership.ended``.
    Errors (nothing is changed): ``ValidationError`` when the membership had already ended before ``on``.
    """
    on = on or _today()
    last_day = on - timedelta(days=1)
    if membership.valid_to is not None and membership.valid_to <= last_day:
        raise ValidationError(
            _("Phân công này đã kết thúc từ ngày %(day)s.")
            % {"day": membership.valid_to.strftime("%d/%m/%Y")}
        )
    withdrawn = membership.valid_from is not None and membership.valid_from > last_day
    with transaction.atomic():
        before = _membership_changes(membership)
        if withdrawn:
            changes = {**before, "withdrawn": True}
            audit.record("agencies.membership.end", membership, changes=changes, actor=by)
            events.publish("agencies.membership.ended", changes, aggregate=membership)
            membership.delete()
            return None
        membership.valid_to = last_day
        membership.save(update_fields=["valid_to"])
        changes = {**_membership_changes(membership), "previous_valid_to": before["valid_to"]}
        audit.record("agencies.membership.end", membership, changes=changes, actor=by)
        events.publish("agencies.membership.ended", changes, aggregate=membership)
    return membership


# --- Administrative units ---------------------------------------------------------------------


def get_unit(code: str, on: date | None = None) -> AdministrativeUnit:
    """The administrative unit that carries GSO ``code`` on ``on`` (today by default).

    A code can belong to different units over time (ward 25747 was "Phường Phú Cường" until 30/6/2025
    and is "Phường Thủ Dầu Một" since), so the day matters. Successions are not followed; see
    ``current_unit`` for that. Raises ``AdministrativeUnit.DoesNotExist`` with a Vietnamese message.
    """
    day = on or _today()
    unit = (
        AdministrativeUnit.objects.filter(_valid_q(day), code=str(code).strip())
        .select_related("parent")
        .first()
    )
    if unit is None:
        raise AdministrativeUnit.DoesNotExist(
            _("Không có đơn vị hành chính mang mã %(code)s vào ngày %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")}
        )
    return unit


def successor_units(code: str, on: date | None = None) -> list[AdministrativeUnit]:
    """The unit(s) in force on ``on`` (today by default) that carry on the unit with GSO ``code``.

    If a unit with that code is in force that day, it is the answer. Otherwise the latest unit with that
    code that ended before the day is taken, and its recorded successions (effective by that day) are
    followed until units in force are reached — a split gives several. A unit that ended without a
    recorded succession leads nowhere, so the list may be empty. Ordered by code.
    Raises ``AdministrativeUnit.DoesNotExist`` when no unit with that code existed on or before the day.
    """
    day = on or _today()
    code = str(code).strip()
    in_force = AdministrativeUnit.objects.filter(_valid_q(day), code=code).first()
    if in_force is not None:
        return [in_force]
    start = AdministrativeUnit.objects.filter(code=code, valid_to__lt=day).order_by("-valid_to").first()
    if start is None:
        raise AdministrativeUnit.DoesNotExist(
            _("Không có đơn vị hành chính mang mã %(code)s vào hoặc trước ngày %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")}
        )
    found: dict[int, AdministrativeUnit] = {}
    seen = {start.pk}
    frontier = [start.pk]
    while frontier:
        links = UnitSuccession.objects.filter(
            predecessor_id__in=frontier, effective_on__lte=day
        ).select_related("successor")
        frontier = []
        for link in links:
            unit = link.successor
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            if (unit.valid_from is None or unit.valid_from <= day) and (
                unit.valid_to is None or unit.valid_to >= day
            ):
                found[unit.pk] = unit
            else:
                frontier.append(unit.pk)
    return sorted(found.values(), key=lambda u: u.code)


def current_unit(code: str, on: date | None = None) -> AdministrativeUnit:
    """The one unit in force on ``on`` (today by default) that carries on the unit with GSO ``code``,
    e.g. Bình Dương (74) on 2026-01-01 → Thành phố Hồ Chí Minh (79).

    Raises ``AdministrativeUnit.DoesNotExist`` when the code is unknown by that day or its history
    leads to no unit in force (no succession recorded), and ``AdministrativeUnit.MultipleObjectsReturned``
    when the unit was split; both with a Vietnamese message. Use ``successor_units`` to handle splits.
    """
    day = on or _today()
    units = successor_units(code, day)
    if not units:
        raise AdministrativeUnit.DoesNotExist(
            _(
                "Đơn vị hành chính mã %(code)s đã chấm dứt mà không có đơn vị kế thừa "
                "được ghi nhận vào ngày %(day)s."
            )
            % {"code": code, "day": day.strftime("%d/%m/%Y")}
        )
    if len(units) > 1:
        raise AdministrativeUnit.MultipleObjectsReturned(
            _("Đơn vị hành chính mã %(code)s được chia cho nhiều đơn vị: %(units)s.")
            % {"code": code, "units": ", ".join(f"{u.name} ({u.code})" for u in units)}
        )
    return units[0]


# --- How an agency's documents are headed and signed ------------------------------------------

_PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"
# Both spellings of "Ủy" are in use (tone mark on U or on Y).
_COMMITTEE_SPELLINGS = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN")
_DIVISION_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)
# The title of the head of each kind of agency, as printed in a signature block.
_HEAD_TITLES = {
    AgencyKind.PEOPLES_COMMITTEE: "CHỦ TỊCH",
    AgencyKind.DEPARTMENT: "GIÁM ĐỐC",
    AgencyKind.SERVICE_CENTRE: "GIÁM ĐỐC",
    AgencyKind.POLICE: "TRƯỞNG CÔNG AN",
    AgencyKind.SOCIAL_INSURANCE: "GIÁM ĐỐC",
    AgencyKind.DIVISION: "TRƯỞNG PHÒNG",
}
_DEFAULT_HEAD_TITLE = "THỦ TRƯỞNG CƠ QUAN"
_DEFAULT_ONE_STOP_UNIT = "Bộ phận Một cửa"


@dataclass(frozen=True)
class DocumentSettings:
    """The header and signature details of an agency's documents, every value resolved (a blank
    ``AgencyDocumentSettings`` field replaced by its default). Upper-case lines are already upper case.
    """

    agency: Agency
    superior_name: str
    display_name: str
    short_name: str
    place_name: str
    signer_authority: str
    authority_holder: str
    signer_title: str
    signer_name: str
    one_stop_unit_name: str
    phone: str
    address: str
    footer_note: str

    @property
    def short_display_name(self) -> str:
        """``display_name`` with "ỦY BAN NHÂN DÂN" shortened to "UBND", for the upper line of a
        header whose lower line is a unit of the agency (the one-stop unit)."""
        return _short_committee(self.display_name)

    @property
    def signature_lines(self) -> list[str]:
        """The upper-case lines above the signature: ``["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]``,
        ``["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]``, ``["Q. GIÁM ĐỐC"]`` or ``["GIÁM ĐỐC"]``."""
        if not self.signer_authority:
            return [self.signer_title] if self.signer_title else []
        first = f"{self.signer_authority} {self.authority_holder}".strip()
        title_adds_nothing = self.signer_title in ("", self.authority_holder)
        if self.signer_authority == SignerAuthority.ACTING or title_adds_nothing:
            return [first]
        return [first, self.signer_title]


def _upper(text: str) -> str:
    return " ".join(str(text or "").split()).upper()


def _short_committee(upper_name: str) -> str:
    """``ỦY BAN NHÂN DÂN TỈNH BÌNH DƯƠNG`` → ``UBND TỈNH BÌNH DƯƠNG``, the usual form of the superior
    agency's line."""
    for spelling in _COMMITTEE_SPELLINGS:
        if upper_name.startswith(spelling + " "):
            return "UBND " + upper_name[len(spelling) + 1 :]
    return upper_name


def _full_name(agency: Agency) -> str:
    """The agency's name in upper case, "UBND" written out: an issuing agency's name is not
    abbreviated (Decree 30/2020), even when the list of agencies abbreviates it."""
    name = _upper(agency.name)
    if name.startswith("UBND "):
        return _PEOPLES_COMMITTEE + name[len("UBND") :]
    return name


def _without_superior_place(upper_name: str, superior: str) -> str:
    """Drop the place the superior line already states: under "UBND TỈNH BÌNH DƯƠNG" the agency
    line reads "SỞ TƯ PHÁP", not "SỞ TƯ PHÁP TỈNH BÌNH DƯƠNG"."""
    for marker in (" TỈNH ", " THÀNH PHỐ ", " PHƯỜNG ", " XÃ ", " ĐẶC KHU "):
        index = superior.find(marker)
        if index < 0:
            continue
        place = superior[index:]
        if upper_name.endswith(place) and len(upper_name) > len(place):
            return upper_name[: -len(place)]
    return upper_name


def _place_of(unit: AdministrativeUnit) -> str:
    """The place name of a unit as written before a date (Decree 30/2020): its name without the
    division word — "Phường Thủ Dầu Một" → "Thủ Dầu Một"."""
    name = " ".join(unit.name.split())
    prefixes = ([unit.division_type.lower()] if unit.division_type else []) + list(_DIVISION_PREFIXES)
    for prefix in prefixes:
        if prefix and name.lower().startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def _derived_place(agency: Agency) -> str:
    """The place of the nearest agency up the tree that has an administrative unit."""
    seen = set()
    current = agency
    while current is not None and current.pk not in seen:
        if current.administrative_unit_id is not None:
            return _place_of(current.administrative_unit)
        seen.add(current.pk)
        current = current.parent
    return ""


def _head_title(agency: Agency) -> str:
    return _HEAD_TITLES.get(agency.kind, _DEFAULT_HEAD_TITLE)


def _holder_for(authority: str, agency: Agency, display_name: str) -> str:
    """Who the signer signs for under ``authority``: the collective after TM., the head after KT.,
    Q., TL., TUQ."""
    if authority == SignerAuthority.ON_BEHALF_OF_COLLECTIVE:
        return _PEOPLES_COMMITTEE if agency.kind == AgencyKind.PEOPLES_COMMITTEE else display_name
    return _head_title(agency) if authority else ""


def _title_for(authority: str, agency: Agency) -> str:
    """The signer's title when none was set: the head signing directly or for the collective, a
    deputy ("PHÓ …") signing for the head; none after Q. (the authority line says it all) or after
    TL./TUQ. (the signer's own title has to be set)."""
    if authority in ("", SignerAuthority.ON_BEHALF_OF_COLLECTIVE):
        return _head_title(agency)
    if authority == SignerAuthority.DEPUTY:
        return "PHÓ " + _head_title(agency)
    return ""


def document_settings_for(agency: Agency) -> DocumentSettings:
    """The resolved header and signer details for documents issued by ``agency``.

    Each blank field of the agency's ``AgencyDocumentSettings`` (or every field, when it has none) is
    derived: ``display_name`` = the agency's name in upper case ("UBND" written out), without the
    place the superior line already names ("SỞ TƯ PHÁP" under "UBND TỈNH BÌNH DƯƠNG");
    ``superior_name`` = the parent agency's name in upper case with "ỦY BAN NHÂN DÂN" shortened to
    "UBND" (empty without a parent, and for a People's Committee, which has no managing agency);
    ``place_name`` = the agency's (or its nearest ancestor's) administrative unit without the division
    word; ``one_stop_unit_name`` = the agency's name for a public service centre, otherwise
    "Bộ phận Một cửa"; ``phone`` = the agency's phone. The signer: when neither an authority nor a
    title is set, a People's Committee signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" and other agencies
    "<head title>" (GIÁM ĐỐC, TRƯỞNG CÔNG AN…) directly; once a title or an authority is set, the
    authority is taken as given (blank = signs directly) and a missing holder or title is derived
    from it (KT. → "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH").
    Reads only (one query for the settings, one per ancestor walked); raises nothing.
    """
    stored = AgencyDocumentSettings.objects.filter(agency=agency).first()
    stored = stored or AgencyDocumentSettings(agency=agency)
    # A People's Committee heads its documents with its own name only (it has no managing agency).
    parent = agency.parent if agency.kind != AgencyKind.PEOPLES_COMMITTEE else None
    superior = _upper(stored.superior_name) or (_short_committee(_upper(parent.name)) if parent else "")
    display_name = _upper(stored.display_name) or _without_superior_place(_full_name(agency), superior)
    if stored.signer_authority or stored.signer_title:
        authority = stored.signer_authority
    elif agency.kind == AgencyKind.PEOPLES_COMMITTEE:
        authority = SignerAuthority.ON_BEHALF_OF_COLLECTIVE
    else:
        authority = ""
    holder = _upper(stored.authority_holder) or _holder_for(authority, agency, display_name)
    title = _upper(stored.signer_title) or _title_for(authority, agency)
    if agency.kind == AgencyKind.SERVICE_CENTRE:
        one_stop = stored.one_stop_unit_name or agency.name
    else:
        one_stop = stored.one_stop_unit_name or _DEFAULT_ONE_STOP_UNIT
    short_name = agency.short_name or ("UBND" if agency.kind == AgencyKind.PEOPLES_COMMITTEE else "")
    return DocumentSettings(
        agency=agency,
        superior_name=superior,
        display_name=display_name,
        short_name=short_name,
        place_name=" ".join(stored.place_name.split()) or _derived_place(agency),
        signer_authority=str(authority),
        authority_holder=holder,
        signer_title=title,
        signer_name=" ".join(stored.signer_name.split()),
        one_stop_unit_name=" ".join(one_stop.split()),
        phone=stored.phone.strip() or agency.phone,
        address=agency.address,
        footer_note=stored.footer_note.strip(),
    )


# --- Reads for the dossiers block (issue 16: dossiers reads agency data through this module) -----------


def is_in_force(agency: Agency, on: date | None = None) -> bool:
    """Whether ``agency`` is in force on ``on`` (today by default): its validity period, open at either
    end, holds the day. Reads nothing from the database."""
    on = on or _today()
    return not (agency.valid_from and agency.valid_from > on) and not (
        agency.valid_to and agency.valid_to < on
    )
