"""Form 06, the control sheet: every hand-over of a dossier, from which unit to which, and how each step
went against its deadline (its rows are also exported as XLSX)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from ..models import Dossier, FormCode, HandOver, Timeliness
from .layout import (
    _RECEIPT_SYMBOL,
    _applicant,
    _common,
    _header,
    _local,
    _person,
    clock_and_date,
    register_number,
    short_moment,
)


@dataclass(frozen=True)
class ControlSheetRow:
    """One hand-over of the control sheet (form 06): from which unit to which, when, by whom to whom,
    and how the step that ended with it went (early / on time / late) measured against its deadline."""

    number: int
    step_name: str
    from_unit: str
    to_unit: str
    handed_at: datetime
    given_by: str
    received_by: str
    due_at: datetime | None
    completed_at: datetime | None
    result: str
    result_label: str
    note: str
    allotted_label: str = ""  # "0,5 giờ", "8 giờ"; empty when the step has no allotted time


def _unit(label: str, agency) -> str:
    agency_name = agency.name if agency is not None else ""
    if label and agency_name and agency_name.lower() not in label.lower():
        return f"{label} – {agency_name}"
    return label or agency_name


def control_sheet_rows(dossier: Dossier) -> list[ControlSheetRow]:
    """The hand-overs of ``dossier`` in order, as control sheet rows. The result of a step is known once
    the next hand-over (or the result, or an end of processing) closes it; an open step reads
    "Đang giải quyết". Reads only."""
    labels = dict(Timeliness.choices)
    rows = []
    queryset = dossier.hand_overs.select_related("from_agency", "to_agency", "given_by", "received_by")
    for number, row in enumerate(queryset.order_by("handed_at", "id"), start=1):
        if row.result:
            result_label = str(labels[row.result])
        else:
            result_label = _("Đang giải quyết") if row.completed_at is None else ""
        rows.append(
            ControlSheetRow(
                number=number,
                step_name=row.step_name,
                from_unit=_unit(row.from_unit_label, row.from_agency),
                to_unit=_unit(row.to_unit_label, row.to_agency),
                handed_at=_local(row.handed_at),
                given_by=_person(row.given_by),
                received_by=_person(row.received_by),
                due_at=_local(row.due_at),
                completed_at=_local(row.completed_at),
                result=row.result,
                result_label=result_label,
                note=row.note,
                allotted_label=allotted_label(row),
            )
        )
    return rows


def allotted_label(row: HandOver) -> str:
    """A hand-over's allotted working time as the control sheet prints it: "0,5 giờ", "8 giờ"."""
    if row.allotted_hours is None:
        return ""
    return _("{hours} giờ").format(hours=row.allotted_hours_text)


def _involved_agencies(dossier: Dossier) -> list[str]:
    """The receiving agency, then each agency the dossier was handed to, in the order it got there."""
    names = [dossier.receiving_agency.name]
    for row in dossier.hand_overs.select_related("to_agency").order_by("handed_at", "id"):
        if row.to_agency.name not in names:
            names.append(row.to_agency.name)
    return names


def _control_sheet(dossier: Dossier) -> dict:
    agency = dossier.receiving_agency
    context = _common(dossier, FormCode.CONTROL_SHEET, agency)
    context["header"] = _header(
        context["doc"],
        one_stop=True,
        day=(_local(dossier.received_at) or _local(dossier.submitted_at)).date(),
    )
    number = register_number(dossier)
    rows = control_sheet_rows(dossier)
    context.update(
        applicant=_applicant(dossier, contact=False),
        receipt_number=f"{number:02d}/{_RECEIPT_SYMBOL}" if number else "",
        agencies=_involved_agencies(dossier),
        rows=[
            {
                "row": row,
                "handed_at": clock_and_date(row.handed_at),
                "due_at": short_moment(row.due_at),
            }
            for row in rows
        ],
        due_at=clock_and_date(dossier.due_at),
    )
    return context
