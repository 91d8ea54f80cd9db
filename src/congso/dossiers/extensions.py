"""What higher blocks add to the officers' dossier pages, through a registry filled at start-up.

``dossiers`` sits below ``workflow`` and may not import it, yet the officer's inbox lists the open work
items of the processes beside the dossiers' own queues, and the dossier page links to its process. A
higher block registers one ``OfficerPagesExtension`` (usually in its ``apps.py`` ``ready()`` or a module
imported from there)::

    officer_pages.add("workflow", WorkItemsOnOfficerPages())

and the views ask the functions below; with nothing registered the pages show only the dossiers' own
content. Extensions are asked in the order of their registered names.
"""

from dataclasses import dataclass
from datetime import datetime

from congso.core.registry import Registry


@dataclass(frozen=True)
class ToDoDossier:
    """What a to-do line shows of its dossier: the code (its link) and the appointment."""

    id: int
    code: str
    due_at: datetime | None


@dataclass(frozen=True)
class ToDoAgency:
    """What a to-do line shows of the agency where the work waits."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ToDoEntry:
    """One line of an officer's to-do ("Việc cần xử lý") that a higher block supplies."""

    label: str
    url: str
    dossier: ToDoDossier | None  # the dossier it is about
    agency: ToDoAgency  # where it is done
    due_at: datetime | None


@dataclass(frozen=True)
class DossierPanel:
    """A section a higher block adds to the officer's dossier page: ``template`` rendered with the page's
    context plus ``panel`` (this ``context``)."""

    template: str
    context: dict


@dataclass(frozen=True)
class TimelineNote:
    """A line a higher block adds to the dossier's history on the officer's page (e.g. a notification
    sent to the applicant and its delivery status)."""

    at: datetime
    title: str
    lines: tuple[str, ...] = ()
    tag: str = ""  # a short status shown as a tag
    tag_css: str = ""  # "", "ontime", "warn" or "late"


@dataclass(frozen=True)
class ToDoPart:
    """An extension's part of the to-do: at most the entries asked for, and how many there are in all."""

    entries: list[ToDoEntry]
    total: int


class OfficerPagesExtension:
    """What a higher block adds to the officers' pages; a subclass overrides what applies to it."""

    def to_do(self, user, limit: int) -> ToDoPart:
        """The entries of ``user``'s to-do this block knows (most urgent first, at most ``limit``)."""
        return ToDoPart([], 0)

    def to_do_url(self) -> str:
        """The page listing all of those entries, or ""."""
        return ""

    def process_url(self, dossier, user=None) -> str:
        """The page showing how ``dossier`` goes through its process, or "" (also when ``user`` may not
        open that page: a link that answers "forbidden" is not offered)."""
        return ""

    def dossier_panels(self, request, dossier) -> list[DossierPanel]:
        """Sections to add to ``dossier``'s page, which ``request.user`` may already see."""
        return []

    def timeline(self, dossier) -> list[TimelineNote]:
        """Lines this block adds to ``dossier``'s history (the caller checked the officer may see it)."""
        return []

    def process_start_pending(self, dossier) -> bool:
        """Whether a process of this block is about to take ``dossier`` over (its start waits for a
        worker): officers must not route it by hand meanwhile, or the process and the officer would
        both move it."""
        return False


officer_pages = Registry("officer page extensions")


def _extensions() -> list[OfficerPagesExtension]:
    return [extension for _name, extension in officer_pages.items()]


def to_do_parts(user, limit: int) -> list[ToDoPart]:
    """Every registered extension's part of ``user``'s to-do."""
    return [extension.to_do(user, limit) for extension in _extensions()]


def to_do_url() -> str:
    """The first page listing the registered extensions' to-do entries, or "" when none offers one."""
    return next((url for url in (e.to_do_url() for e in _extensions()) if url), "")


def process_url(dossier, user=None) -> str:
    """The first page showing ``dossier``'s process that ``user`` may open, or "" when no extension
    offers one."""
    return next((url for url in (e.process_url(dossier, user) for e in _extensions()) if url), "")


def dossier_panels(request, dossier) -> list[DossierPanel]:
    """Every registered extension's sections for ``dossier``'s page, in the order of their names."""
    return [panel for extension in _extensions() for panel in extension.dossier_panels(request, dossier)]


def timeline_notes(dossier) -> list[TimelineNote]:
    """Every registered extension's lines of ``dossier``'s history."""
    return [note for extension in _extensions() for note in extension.timeline(dossier)]


def process_start_pending(dossier) -> bool:
    """Whether some extension's process is about to take ``dossier`` over (see ``OfficerPagesExtension``)."""
    return any(extension.process_start_pending(dossier) for extension in _extensions())
