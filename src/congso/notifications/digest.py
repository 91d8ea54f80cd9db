"""The officers' morning digest: what is due today and what is late, per officer.

Run by the periodic job ``notifications.morning_digest`` (``jobs``) from ``CONGSO_NOTIFICATIONS_DIGEST_HOUR``
local time; one digest per officer and day (``dedup_key`` ``digest:<date>``), so any number of runs and
workers make one. The officer's to-do comes from the dossiers block's public reads: its own queues
(``dossiers.inbox.todo_for``) and what the blocks above add to it (``dossiers.extensions.to_do_parts``:
the workflow's work items), so this block never imports ``workflow``.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from congso.agencies import services as agencies
from congso.agencies.models import Role

from . import services

DIGEST_KEY = "digest.morning"
LIST_LIMIT = 10
OFFICER_ROLES = [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK]


def officers() -> list:
    """Everyone holding an officer role today in an agency in force, each once."""
    seen = {}
    for agency, _depth in agencies.agency_tree():
        for user in agencies.staff_of(agency, OFFICER_ROLES):
            seen.setdefault(user.pk, user)
    return list(seen.values())


def due_and_late(user, now: datetime) -> tuple[list, list]:
    """``(due today, late)``: the officer's to-do entries with a deadline, as (due_at, label) pairs."""
    from congso.dossiers import extensions, inbox

    entries, _total = inbox.todo_for(user, limit=200)
    items = [(entry.due_at, f"{entry.dossier.code}: {entry.label}") for entry in entries if entry.due_at]
    for part in extensions.to_do_parts(user, 200):
        items += [
            (entry.due_at, f"{entry.dossier.code if entry.dossier else ''}: {entry.label}")
            for entry in part.entries
            if entry.due_at
        ]
    today = timezone.localdate(now)
    late = sorted((item for item in items if item[0] <= now), key=lambda item: item[0])
    due = sorted(
        (item for item in items if now < item[0] and timezone.localdate(item[0]) == today),
        key=lambda item: item[0],
    )
    return due, late


def send_digests(now: datetime | None = None, *, force: bool = False) -> int:
    """Make today's digest for every officer who has something due today or late. Returns how many
    notifications were created. Before the digest hour (unless ``force``) it does nothing."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if not force and local.hour < settings.CONGSO_NOTIFICATIONS_DIGEST_HOUR:
        return 0
    made = 0
    link = services._url("workspace:home")
    for user in officers():
        recipient = services.recipient_for_account(user)
        if not recipient.preference.digest_enabled:
            continue
        # The to-do's labels are translated when read: read them in the officer's language.
        with translation.override(recipient.language):
            due, late = due_and_late(user, now)
        if not due and not late:
            continue
        lines = [f"- {label} ({date_format(timezone.localtime(at), 'H:i d/m')})" for at, label in late + due]
        values = {
            "ngay": date_format(local, "d/m/Y"),
            "so_den_han": str(len(due)),
            "so_qua_han": str(len(late)),
            "danh_sach": "\n".join(lines[:LIST_LIMIT]) + ("\n…" if len(lines) > LIST_LIMIT else ""),
            "duong_dan": services._public_url(link),
        }
        made += len(
            services.create(
                recipients=[recipient],
                values=values,
                required=False,
                event_key=DIGEST_KEY,
                dedup_key=f"digest:{local.date().isoformat()}",
                link=link,
            )
        )
    return made
