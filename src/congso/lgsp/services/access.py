"""Access rights: granting, revoking, and the one question "may this system call that?".

Deny by default: a call is allowed only by a right in force (``rules.allows`` states the rule).
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import AccessRight, Service, System, SystemGroup
from .common import RegistryError, changed
from .snapshot import registry_snapshot


def _subject_label(right: AccessRight) -> str:
    return right.system.identifier if right.system_id else f"group:{right.group.code}"


@transaction.atomic
def grant_access(
    service: Service,
    *,
    system: System | None = None,
    group: SystemGroup | None = None,
    method: str = "",
    path: str = "",
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    by=None,
) -> AccessRight:
    """Allow ``system`` (or every system of ``group``) to call ``service`` — all of it, or only the
    endpoint ``method path`` of its current version — from ``valid_from`` (now) until ``valid_to``
    (open-ended). Granting a right already in force with the same scope returns that right."""
    if (system is None) == (group is None):
        raise RegistryError(_("Hãy chọn đúng một hệ thống hoặc một nhóm hệ thống được cấp quyền."))
    method, path = method.strip().upper(), path.strip()
    if bool(method) != bool(path):
        raise RegistryError(_("Quyền theo điểm cuối cần cả phương thức và đường dẫn."), field="endpoint")
    if method:
        version = service.current_version
        if version is None or not version.endpoints.filter(method=method, path=path).exists():
            raise RegistryError(
                _("Phiên bản hiện hành của dịch vụ không có điểm cuối %(method)s %(path)s.")
                % {"method": method, "path": path},
                field="endpoint",
            )
    now = timezone.now()
    valid_from = valid_from or now
    if valid_to is not None and valid_to <= valid_from:
        raise RegistryError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."), field="valid_to")
    same = AccessRight.objects.in_force(now).filter(
        service=service, system=system, group=group, method=method, path=path, valid_to=valid_to
    )
    existing = same.first()
    if existing is not None:
        return existing
    right = AccessRight.objects.create(
        service=service,
        system=system,
        group=group,
        method=method,
        path=path,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by=by if getattr(by, "is_authenticated", False) else None,
    )
    changed(
        "lgsp.access.grant",
        right,
        changes={
            "service": service.path_identifier,
            "subject": _subject_label(right),
            "endpoint": f"{method} {path}".strip(),
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
        },
        by=by,
    )
    return right


@transaction.atomic
def revoke_access(right: AccessRight, by=None) -> AccessRight:
    """End ``right`` now. The row stays, as the record of what was allowed and when."""
    right = (
        AccessRight.objects.select_for_update(of=("self",))
        .select_related("service__system__member", "system__member", "group")
        .get(pk=right.pk)
    )
    if right.revoked_at is not None:
        return right
    right.revoked_at = timezone.now()
    right.revoked_by = by if getattr(by, "is_authenticated", False) else None
    right.save(update_fields=["revoked_at", "revoked_by"])
    changed(
        "lgsp.access.revoke",
        right,
        changes={"service": right.service.path_identifier, "subject": _subject_label(right)},
        by=by,
    )
    return right


def rights_of(service: Service, now: datetime | None = None) -> QuerySet[AccessRight]:
    """The rights on ``service`` in force at ``now``: who may call it."""
    return (
        AccessRight.objects.in_force(now or timezone.now())
        .filter(service=service)
        .select_related("system__member", "group", "granted_by")
    )


def is_allowed(
    client_system: System, service: Service, method: str, path: str, now: datetime | None = None
) -> bool:
    """Whether ``client_system`` may call ``method path`` of ``service`` now — decided by ``rules.allows``
    over the same compiled view the gateway loads."""
    snapshot = registry_snapshot(services=[service.pk])
    return rules.allows(
        snapshot, client_system.identifier, service.path_identifier, method, path, now or timezone.now()
    )
