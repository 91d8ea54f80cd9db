"""The public interface of the agencies block: the only module other blocks import.

Questions answered here: which agencies and roles a person holds on a day, which agencies sit under
another, which administrative unit a code means on a day (following mergers). Changes to staff
membership go through ``add_membership`` / ``ensure_membership`` / ``end_membership`` so that each one
leaves an audit entry and a domain event.

Who may administer what in the admin (``admin_scope`` and friends) is ruled in ``permissions.py``, how
an agency's documents are headed and signed in ``documents.py``; both are offered here to the other
blocks.

Dates are ``datetime.date``; "today" is the local date of ``settings.TIME_ZONE``. Validity periods are
inclusive at both ends (``valid_to`` is the last day in force).
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import audit, events, request_cache, rows
from congso.core.models import valid_on_q

from .documents import DocumentSettings, document_settings_for
from .models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    Role,
    StaffMembership,
    UnitLevel,
    UnitSuccession,
)
from .permissions import (
    ADMIN_SCOPE_MEMO,
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
    "agencies_by_name",
    "agencies_for",
    "agency_descendants",
    "agency_of_kind_in_unit",
    "agency_tree",
    "DocumentSettings",
    "current_unit",
    "document_settings_for",
    "end_membership",
    "ensure_membership",
    "get_agency",
    "get_agency_by_code",
    "get_unit",
    "has_role",
    "is_in_force",
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


def role_label_of(text: str) -> str:
    """A role's name stored as text when something happened (a hand-over's unit "Chuyên viên", in the
    language of the request or worker of that moment), or its code, in the active language; any other
    text (a unit's own name) unchanged."""
    role = _roles_by_stored_text().get(str(text or "").strip().casefold())
    return str(role.label) if role is not None else text


@functools.cache
def _roles_by_stored_text() -> dict[str, Role]:
    from django.conf import settings
    from django.utils import translation

    found = {}
    for role in Role:
        found[role.value.casefold()] = role
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                found[str(role.label).casefold()] = role
    return found


_TODAY = "agencies.today"


def _today() -> date:
    # Every role check asks (the workspace menu alone asks a dozen times a page): the day is worked out
    # once per request, which also keeps one request's answers on one day across midnight.
    return request_cache.remember((_TODAY,), timezone.localdate)


def _counts_as_staff(user) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and user.pk is not None
    )


# Every role check of every workspace page asks: ``Role.values`` builds a new list each time.
_ROLE_VALUES = frozenset(Role.values)


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = [roles] if isinstance(roles, str) else list(roles)
    unknown = sorted(set(roles) - _ROLE_VALUES)
    if unknown:
        raise ValueError(_("Vai trò không tồn tại: %(roles)s.") % {"roles": ", ".join(unknown)})
    return roles


def _memberships(user, day: date) -> QuerySet[StaffMembership]:
    """Memberships of ``user`` in force on ``day`` in an agency also in force on ``day``."""
    if not _counts_as_staff(user):
        return StaffMembership.objects.none()
    return StaffMembership.objects.filter(valid_on_q(day), valid_on_q(day, "agency__"), user=user)


_MEMO = "agencies.memberships"


def _memberships_today(user) -> list[StaffMembership]:
    """The memberships ``memberships_for(user)`` returns today, read once per request: the workspace
    gate, the permission checks and the templates of one request all ask for them (``core.request_cache``;
    a membership saved or deleted during the request drops the memo, see ``_forget_memberships``)."""
    day = _today()

    if not _counts_as_staff(user):
        return []
    return request_cache.remember((_MEMO, user.pk, day), lambda: _read_memberships(user.pk, day))


def _read_memberships(user_id: int, day: date) -> list[StaffMembership]:
    """A named query (``core.rows``), as every officer request reads it: the same rows and instances as
    ``_memberships(user, day).select_related("agency__administrative_unit").order_by("agency__code",
    "role")``, without building and compiling that queryset each time."""
    connection = connections[StaffMembership.objects.db]
    quote = connection.ops.quote_name
    select = rows.select(((StaffMembership, "m"), (Agency, "a"), (AdministrativeUnit, "u")), connection)
    in_force = (
        "({t}.valid_from IS NULL OR {t}.valid_from <= %s) AND ({t}.valid_to IS NULL OR {t}.valid_to >= %s)"
    )
    # S608: the tables and columns are the models' own names; the account and the day are parameters.
    sql = (
        f"SELECT {select} FROM {quote(StaffMembership._meta.db_table)} m "  # noqa: S608
        f"JOIN {quote(Agency._meta.db_table)} a ON a.id = m.agency_id "
        f"LEFT JOIN {quote(AdministrativeUnit._meta.db_table)} u ON u.id = a.administrative_unit_id "
        f"WHERE m.user_id = %s AND {in_force.format(t='m')} AND {in_force.format(t='a')} "
        "ORDER BY a.code, m.role"
    )
    on = connection.ops.adapt_datefield_value(day)
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [user_id, on, on, on, on])
        found = cursor.fetchall()
    agency_field = StaffMembership._meta.get_field("agency")
    unit_field = Agency._meta.get_field("administrative_unit")
    memberships = []
    for row in found:
        membership, agency, unit = rows.instances(
            row, (StaffMembership, Agency, AdministrativeUnit), connection
        )
        unit_field.set_cached_value(agency, unit)
        agency_field.set_cached_value(membership, agency)
        memberships.append(membership)
    return memberships


@receiver([post_save, post_delete], sender=StaffMembership)
@receiver([post_save, post_delete], sender=Agency)
def _forget_memberships(sender, **kwargs) -> None:
    # Whoever changes a membership or an agency's validity in this request sees the change at once.
    request_cache.forget(_MEMO)
    request_cache.forget(ADMIN_SCOPE_MEMO)


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


@dataclass(frozen=True)
class Oversight:
    """What a leader oversees (monitoring, indicators): everything, or the agencies ``agency_ids``."""

    everything: bool
    agency_ids: frozenset[int] = frozenset()

    def covers_agency(self, agency_id) -> bool:
        return self.everything or agency_id in self.agency_ids


def oversight_for(user) -> Oversight | None:
    """Whose figures ``user`` may oversee today, or None: a platform administrator and a leader of the
    provincial People's Committee everything; a leader the agencies they lead and, for a province-level
    agency (a department), every agency under it. Reads only; raises nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if is_platform_admin(user):
        return Oversight(everything=True)
    # Asked by every workspace page (its navigation), so read once per request from the memberships.
    return request_cache.remember((_MEMO, "oversight", user.pk, _today()), lambda: _oversight_of_leader(user))


def _oversight_of_leader(user) -> Oversight | None:
    led = [m.agency for m in _memberships_today(user) if m.role == Role.LEADER]
    if not led:
        return None
    if any(a.kind == AgencyKind.PEOPLES_COMMITTEE and _is_province_level(a) for a in led):
        return Oversight(everything=True)
    today = _today()
    ids = {a.pk for a in led}
    for agency in led:
        if _is_province_level(agency):
            ids.update(a.pk for a in agency_descendants(agency, on=today))
    return Oversight(everything=False, agency_ids=frozenset(ids))


def _is_province_level(agency) -> bool:
    unit = agency.administrative_unit
    return unit is not None and unit.level == UnitLevel.PROVINCE


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


def is_in_force(agency: Agency, on: date | None = None) -> bool:
    """Whether ``agency`` is in force on ``on`` (today by default): ``EffectiveDated.is_valid_on``, the
    one rule for validity periods. Reads nothing from the database."""
    return agency.is_valid_on(on)


def get_agency(pk) -> Agency | None:
    """The agency with id ``pk``, in force or not, or ``None``. One query; reads only."""
    return Agency.objects.filter(pk=pk).first()


def agencies_by_name(pks: Iterable[int]) -> QuerySet[Agency]:
    """The agencies with these ids, by name: a queryset, so that a form field may choose among them."""
    return Agency.objects.filter(pk__in=list(pks)).order_by("name")


def communes_of(agency_ids: Iterable[int]) -> dict[int, AdministrativeUnit]:
    """The commune (đơn vị hành chính cấp xã) of each of ``agency_ids`` that is at commune level: its own
    administrative unit, or the nearest one up its parents (a division of a commune's People's
    Committee). Agencies of the province or of a former district are absent. Reads only."""
    rows = {
        row["pk"]: row
        for row in Agency.objects.values(
            "pk", "parent_id", "administrative_unit_id", "administrative_unit__level"
        )
    }
    found: dict[int, int] = {}
    for agency_id in set(agency_ids):
        row, seen = rows.get(agency_id), set()
        while row is not None and row["administrative_unit_id"] is None and row["pk"] not in seen:
            seen.add(row["pk"])
            row = rows.get(row["parent_id"])
        if row is not None and row["administrative_unit__level"] == UnitLevel.COMMUNE:
            found[agency_id] = row["administrative_unit_id"]
    units = AdministrativeUnit.objects.in_bulk(set(found.values()))
    return {agency_id: units[unit_id] for agency_id, unit_id in found.items()}


def agency_of_kind_in_unit(kind: str, unit: AdministrativeUnit, on: date | None = None) -> Agency | None:
    """The agency of ``kind`` (an ``AgencyKind`` value) in ``unit``, in force on ``on`` (today by
    default), the first by code; ``None`` if there is none. One query; reads only."""
    return Agency.objects.valid_on(on).filter(kind=kind, administrative_unit=unit).order_by("code").first()


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
        found = [a for a in found if a.is_valid_on(on)]
    return found


def agency_tree(on: date | None = None) -> list[tuple[Agency, int]]:
    """Every agency in force on ``on`` (today by default) in tree order, each with its depth: a root,
    then its children (by name) under it, depth first — what a "choose a unit" list shows, indented.

    An agency whose parent is not in force that day is shown as a root, so no unit is lost. One query.
    Reads only; raises nothing.
    """
    day = on or _today()
    agencies = list(Agency.objects.filter(valid_on_q(day)).order_by("name", "code"))
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
    day = on or _today()
    # Read through the memberships' user relation: the user model belongs to identity, above this block.
    memberships = (
        StaffMembership.objects.filter(
            valid_on_q(day), agency=agency, role__in=_check_roles(roles), user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name", "user__username", "user_id")
    )
    return list({membership.user_id: membership.user for membership in memberships}.values())


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
    if not Agency.objects.filter(valid_on_q(valid_from), pk=agency.pk).exists():
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
        StaffMembership.objects.filter(valid_on_q(_today()), user=user, agency=agency, role=role)
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
        AdministrativeUnit.objects.filter(valid_on_q(day), code=str(code).strip())
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
    in_force = AdministrativeUnit.objects.filter(valid_on_q(day), code=code).first()
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
            if unit.is_valid_on(day):
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
