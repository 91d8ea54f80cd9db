"""ETags of dossiers, and the ``If-Match`` check of every write.

A dossier's tag is the digest of its representation (``representations.dossier_body``: status, agencies,
dates, process, result, applicant, form data, papers, the timeline of status changes, hand-overs and
extensions) — nothing in it depends on who asks — so any change made by anyone (the API, the workspace,
the workflow engine) gives a new tag, and computing it costs no query beyond the read itself. Reads
answer with ``ETag`` and honour ``If-None-Match`` (304); a write must send ``If-Match`` with the tag it
last read: missing → 428, another → 412, checked under the dossier's row lock so two systems cannot both
write on the same state.
"""

import hashlib
import json

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .problems import ApiProblem


def tag_of(body: dict) -> str:
    """The strong ETag of a dossier's representation (without its own ``etag`` field)."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def dossier_etag(dossier) -> str:
    """The tag of ``dossier`` as ``GET /dossiers/{code}`` would answer it now, in whatever language.

    Digested as the Vietnamese representation: its labels follow the caller's language, and a tag read
    in English must still match a write sent in Vietnamese."""
    from .representations import dossier_body

    with translation.override(settings.LANGUAGE_CODE):
        return tag_of(dossier_body(dossier))


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
