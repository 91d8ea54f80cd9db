"""The seam between this block and a national portal's protocol: ``portal_links``, a registry of
``PortalLink`` plugins by name; ``CONGSO_NATIONALPORTAL_LINK`` names the one in use (empty: no link).

A plugin speaks one portal's protocol (envelopes, field names, codes) and hands this block the neutral
shapes below; everything else (what to pull, when to retry, what becomes a draft or a dossier) is
decided in ``services``, whatever the portal. A province whose portal differs adds a plugin.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from congso.core.registry import Registry

portal_links = Registry("national portal links")


class LinkError(Exception):
    """The portal could not be reached or refused the call; ``str()`` is a message for the operator."""


class LinkUnavailable(LinkError):
    """The portal did not answer or answered that it is unavailable (network error, 5xx): retry later."""


@dataclass(frozen=True)
class NationalPaper:
    code: str  # the paper's code as the portal knows it (MAGIAYTO)
    name: str


@dataclass(frozen=True)
class NationalFee:
    name: str
    amount: int


@dataclass(frozen=True)
class NationalProcedure:
    """One procedure of the national catalogue, as much of it as the province compares."""

    code: str
    name: str
    decision: str  # the decision publishing this version (its identity for "what changed")
    legal_basis: list[str]
    time_limit_days: float | None
    papers: list[NationalPaper]
    fees: list[NationalFee]
    applicant_types: str = ""
    conditions: str = ""
    result: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IncomingPaper:
    code: str
    name: str
    content: bytes


@dataclass(frozen=True)
class IncomingDossierData:
    """A dossier submitted on the national portal, with its form data and papers."""

    national_code: str
    procedure_code: str
    agency_code: str
    submitted_at: datetime | None
    applicant: dict  # name, national_id, phone, email, address (dossiers.services' applicant details)
    summary: str
    form_data: dict
    papers: list[IncomingPaper]


@dataclass(frozen=True)
class DossierRecord:
    """What the portal is told about a dossier of the province (DongBoHoSoMC)."""

    code: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    applicant_name: str
    channel: str
    status: int
    received_at: datetime | None
    due_at: datetime | None
    summary: str = ""


@dataclass(frozen=True)
class ProgressStep:
    """One status change reported (CapNhatTienDoHoSoMC)."""

    code: str
    status: int
    at: datetime
    content: str
    unit: str
    handler: str = ""
    title: str = ""
    started_at: datetime | None = None
    due_at: datetime | None = None


class PortalLink:
    """What a portal plugin offers. Every method raises ``LinkUnavailable`` (retry later) or ``LinkError``
    (refused: the message says why)."""

    name = ""

    def procedure_codes(self) -> list[str]:
        raise NotImplementedError

    def procedure(self, code: str) -> NationalProcedure | None:
        raise NotImplementedError

    def waiting_dossiers(self) -> list[str]:
        """The codes of the dossiers submitted for this province and not yet acknowledged."""
        raise NotImplementedError

    def dossier(self, national_code: str) -> IncomingDossierData:
        raise NotImplementedError

    def acknowledge(self, national_code: str, local_code: str) -> None:
        raise NotImplementedError

    def knows(self, code: str) -> bool:
        """Whether the portal already holds dossier ``code``."""
        raise NotImplementedError

    def register(self, record: DossierRecord, *, updating: bool) -> None:
        raise NotImplementedError

    def report(self, steps: list[ProgressStep]) -> None:
        raise NotImplementedError

    max_steps_per_report = 10


def active_link() -> PortalLink | None:
    """The configured plugin, or None when the link is off (``CONGSO_NATIONALPORTAL_LINK`` empty)."""
    name = settings.CONGSO_NATIONALPORTAL_LINK
    if not name:
        return None
    factory = portal_links[name]
    return factory()
