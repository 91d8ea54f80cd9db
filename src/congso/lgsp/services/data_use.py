"""Who used a citizen's data: every read of a citizen's personal data through the LGSP, from the
gateway's message log (services flagged ``personal_data`` record the citizen's national ID)."""

from ..models import MessageRecord


def data_uses_of(national_id: str):
    """Every exchange that read the personal data of the citizen ``national_id`` through the LGSP,
    newest first, as dicts: ``at``, ``client`` (system identifier), ``service``, ``method``, ``path``,
    ``user_id`` (the end user the client named), ``issue`` (the case), ``status``, ``message_id``."""
    return (
        MessageRecord.objects.filter(data_subject=national_id)
        .order_by("-at")
        .values("at", "client", "service", "method", "path", "user_id", "issue", "status", "message_id")
    )


def systems_by_identifier(identifiers) -> dict:
    """``{identifier: {"system": name, "member": name, "agency": owner agency's name or ""}}`` for the
    system identifiers (``CLASS/MEMBER/SYSTEM``) given — to name the callers of ``data_uses_of``."""
    from ..models import System

    wanted = set(identifiers)
    codes = {identifier.split("/")[-1] for identifier in wanted if identifier.count("/") == 2}
    found = {}
    for system in System.objects.filter(code__in=codes).select_related("member", "owner_agency"):
        if system.identifier in wanted:
            found[system.identifier] = {
                "system": system.name,
                "member": system.member.name,
                "agency": system.owner_agency.name if system.owner_agency else "",
            }
    return found
