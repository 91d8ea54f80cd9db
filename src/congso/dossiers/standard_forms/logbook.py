"""Form 07, the logbook of the dossiers an agency received between two dates: its rows (also exported
as XLSX) and its PDF (A4 landscape)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..errors import InvalidDossierInput
from ..logbook import day_bounds
from ..models import Channel, Dossier, FormCode, HandOver, Status, Timeliness
from .layout import FORM_TITLES, _header, _local, _render, _year_bounds, document_settings, short_moment


@dataclass(frozen=True)
class LogbookRow:
    """One dossier in the logbook (form 07). ``number`` is its entry in the year's register (the same
    number as its receipt); dates are local."""

    number: int
    code: str
    procedure_name: str
    sets: int
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    lead_agency: str
    received_at: datetime
    due_at: datetime | None
    handed_over_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    note: str

    @property
    def applicant_contact(self) -> str:
        return "; ".join(part for part in (self.applicant_address, self.applicant_phone) if part)


def _logbook_note(dossier: Dossier, channels: dict, statuses: dict) -> str:
    parts = [str(channels.get(dossier.channel, dossier.channel))]
    if dossier.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        parts.append(str(statuses[dossier.status]))
    if dossier.timeliness == Timeliness.LATE:
        parts.append(_("Quá hạn"))
    return "; ".join(parts)


def logbook_rows(agency, start: date, end: date, *, chunk_size: int = 1000) -> Iterator[LogbookRow]:
    """The dossiers ``agency`` received (``received_at``) from ``start`` to ``end`` inclusive (local
    dates), oldest first, as logbook rows. A generator reading in chunks, so a year of dossiers does
    not sit in memory at once: one query per chunk plus one count per calendar year crossed.
    "Cơ quan chủ trì giải quyết" is the agency of the latest hand-over to another agency than the
    receiving one (the receiving agency when there is none); "chuyển hồ sơ" is the first hand-over.
    Online dossiers not accepted yet are not in the logbook.
    Errors: ``InvalidDossierInput`` for missing or reversed dates.
    """
    low, high = day_bounds(start, end)
    first_hand_over = HandOver.objects.filter(dossier=OuterRef("pk")).order_by("handed_at", "id")
    # The lead agency is the last one the dossier was handed to other than the receiving agency (a
    # dossier brought back to the one-stop desk for return was still settled elsewhere).
    last_hand_over = (
        HandOver.objects.filter(dossier=OuterRef("pk"))
        .exclude(to_agency=OuterRef("receiving_agency"))
        .order_by("-handed_at", "-id")
    )
    queryset = (
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=low, received_at__lt=high)
        .select_related("procedure_version__procedure")
        .annotate(
            first_hand_over_at=Subquery(first_hand_over.values("handed_at")[:1]),
            lead_agency_name=Subquery(last_hand_over.values("to_agency__name")[:1]),
        )
        .order_by("received_at", "id")
    )
    channels = {
        Channel.ONLINE: _("Trực tuyến"),
        Channel.COUNTER: _("Trực tiếp"),
        Channel.POSTAL: _("Bưu chính"),
    }
    statuses = dict(Status.choices)
    year = None
    number = 0
    for dossier in queryset.iterator(chunk_size=chunk_size):
        received = _local(dossier.received_at)
        if received.year != year:
            year = received.year
            year_start, _year_end = _year_bounds(year)
            number = Dossier.objects.filter(
                receiving_agency=agency, received_at__gte=year_start, received_at__lt=dossier.received_at
            ).count()
            number += Dossier.objects.filter(
                receiving_agency=agency, received_at=dossier.received_at, id__lt=dossier.pk
            ).count()
        number += 1
        yield LogbookRow(
            number=number,
            code=dossier.code,
            procedure_name=dossier.procedure_version.procedure.name,
            sets=1,
            applicant_name=dossier.applicant_name,
            applicant_address=dossier.applicant_address,
            applicant_phone=dossier.applicant_phone,
            lead_agency=dossier.lead_agency_name or agency.name,
            received_at=received,
            due_at=_local(dossier.due_at),
            handed_over_at=_local(dossier.first_hand_over_at),
            finished_at=_local(dossier.finished_at),
            returned_at=_local(dossier.returned_at),
            note=_logbook_note(dossier, channels, statuses),
        )


def logbook_pdf_max_rows() -> int:
    """``CONGSO_LOGBOOK_PDF_MAX_ROWS`` (default 300): the longest logbook printed as PDF. xhtml2pdf
    lays out every table cell as a paragraph, some 50 ms a row of 14 cells on the reference machine
    (300 rows ≈ 15 s, 500 rows ≈ 40 s), so longer ranges go to the XLSX export
    (``exports.logbook_xlsx``, 500 rows ≈ 1 s), which streams."""
    return int(getattr(settings, "CONGSO_LOGBOOK_PDF_MAX_ROWS", 300))


def render_logbook(agency, start: date, end: date) -> bytes:
    """Form 07, the logbook of the dossiers ``agency`` received from ``start`` to ``end`` (inclusive),
    as PDF bytes (A4 landscape, header repeated on every page).

    Checks no permission: the caller has (staff of ``agency``). Writes nothing.
    Errors: ``InvalidDossierInput`` for missing or reversed dates, or a range with more rows than
    ``logbook_pdf_max_rows()`` (with a message pointing to the XLSX export);
    ``core.pdf.PdfRenderError``.
    """
    limit = logbook_pdf_max_rows()
    with translation.override("vi"):
        rows = []
        for row in logbook_rows(agency, start, end):
            rows.append(row)
            if len(rows) > limit:
                raise InvalidDossierInput(
                    _(
                        "Khoảng thời gian có hơn {limit} hồ sơ, quá dài để in; vui lòng chọn khoảng ngắn hơn "
                        "hoặc xuất tệp Excel."
                    ).format(limit=limit),
                    code="too_many_rows",
                )
        doc = document_settings(agency)
        today = timezone.localdate()
        context = {
            "form_code": str(FormCode.LOGBOOK),
            "form_label": _("Mẫu số {code}").format(code=FormCode.LOGBOOK),
            "title": FORM_TITLES[FormCode.LOGBOOK],
            "subtitle": _("Từ ngày {start} đến ngày {end}").format(
                start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y")
            ),
            "agency": agency,
            "doc": doc,
            "header": _header(doc, one_stop=True, day=today),
            "rows": [
                {
                    "row": row,
                    "code_head": row.code.rsplit("-", 2)[0] + "-" if row.code.count("-") >= 2 else row.code,
                    "code_tail": "-".join(row.code.rsplit("-", 2)[1:]) if row.code.count("-") >= 2 else "",
                    "received_at": short_moment(row.received_at),
                    "due_at": short_moment(row.due_at),
                    "handed_over_at": short_moment(row.handed_over_at),
                    "finished_at": short_moment(row.finished_at),
                    "returned_at": short_moment(row.returned_at),
                }
                for row in rows
            ],
            "footer_note": "",
            "signatures": [],
            "recipients": [],
            "landscape": True,
        }
    title = f"{FORM_TITLES[FormCode.LOGBOOK]} – {agency.code} – {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    return _render(context, FormCode.LOGBOOK, title=title, agency=agency)
