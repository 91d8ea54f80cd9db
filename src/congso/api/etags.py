"""ETags of dossiers, and the ``If-Match`` check of every write.

A dossier's tag is a digest of its state — the columns a transition changes and the count and last id of
its status changes, hand-overs, papers and extensions — so any change made by anyone (the API, the
workspace, the workflow engine) gives a new tag, while nothing a caller cannot see (who is asking)
enters it. Reads answer with ``ETag`` and honour ``If-None-Match`` (304); a write must send ``If-Match``
with the tag it last read: missing → 428, another → 412, checked under the dossier's row lock so two
systems cannot both write on the same state.
"""

import hashlib
import json

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from .problems import ApiProblem

STATE_FIELDS = (
    "status",
    "current_agency_id",
    "routed_by_process",
    "received_at",
    "due_at",
    "statutory_due_at",
    "paused_at",
    "finished_at",
    "returned_at",
    "return_method",
    "timeliness",
    "result_note",
)


def dossier_etag(dossier) -> str:
    state = [str(getattr(dossier, name)) for name in STATE_FIELDS]
    for related in ("status_changes", "hand_overs", "papers", "extensions"):
        counted = getattr(dossier, related).aggregate(n=Count("id"), last=Max("id"))
        state.append(f"{counted['n']}:{counted['last']}")
    completed = dossier.hand_overs.filter(completed_at__isnull=False).count()
    state.append(str(completed))
    digest = hashlib.sha256(json.dumps([dossier.pk, *state]).encode()).hexdigest()[:32]
    return f'"{digest}"'


def _tags(header: str) -> list[str]:
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        if part:
            tags.append(part)
    return tags


def check_if_match(request, current: str) -> None:
    """Raise 428 without ``If-Match``, 412 when it names neither ``current`` nor ``*``."""
    header = request.META.get("HTTP_IF_MATCH", "").strip()
    if not header:
        raise ApiProblem(
            428,
            _("Thao tác ghi cần tiêu đề If-Match với ETag của hồ sơ vừa đọc."),
            code="if-match-required",
        )
    tags = _tags(header)
    if "*" in tags or current in tags:
        return
    raise ApiProblem(
        412,
        _("Hồ sơ đã thay đổi kể từ lần đọc gần nhất (ETag khác). Hãy đọc lại hồ sơ rồi thực hiện lại."),
        code="stale-etag",
    )


def not_modified(request, current: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "").strip()
    return bool(header) and ("*" in _tags(header) or current in _tags(header))
