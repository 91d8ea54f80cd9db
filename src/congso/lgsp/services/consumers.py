"""Who is calling: the registered system behind an access token or behind the gateway's ``X-Road-Client``
header. Read-only helpers for providers inside congso (the open API) that authenticate LGSP callers
themselves, as ``pull_views`` does for the event pull."""

from ..models import System, SystemStatus

CALLABLE_STATUSES = frozenset({SystemStatus.PLANNED, SystemStatus.CONNECTED})


def find_system(identifier: str) -> System | None:
    """The system ``CLASS/MEMBER/SYSTEM`` (a token's ``sub``, the gateway's ``X-Road-Client``), or
    ``None``. Reads only."""
    parts = str(identifier or "").split("/")
    if len(parts) != 3 or not all(parts):
        return None
    member_class, member_code, code = parts
    return (
        System.objects.select_related("member", "owner_agency")
        .filter(member__member_class=member_class, member__code=member_code, code=code)
        .first()
    )


def may_call(system: System | None) -> bool:
    """Whether ``system`` may call at all today: registered, neither suspended nor retired (the rule the
    gateway applies through ``rules.allows``)."""
    return system is not None and system.status in CALLABLE_STATUSES
