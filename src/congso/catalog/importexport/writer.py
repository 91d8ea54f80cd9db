"""The catalogue written out in the documented format: ``export_data`` (a dict), ``export_json`` and
``export_xlsx`` (through ``core.spreadsheets``, so every text stays text)."""

import json
from datetime import date, time

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from congso.core import spreadsheets

from ..models import (
    Fee,
    FeeKind,
    Field,
    LifeEvent,
    OnlineMode,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    RequiredPaper,
    SupplementClockRule,
    TimeLimitUnit,
    VersionStatus,
)
from .columns import (
    FEE_COLUMNS,
    FIELD_COLUMNS,
    KEY_COLUMNS,
    LIFE_EVENT_COLUMNS,
    PAPER_COLUMNS,
    PROCEDURE_COLUMNS,
    VERSION_COLUMNS,
)
from .report import (
    FORMAT_NAME,
    FORMAT_VERSION,
    SHEET_FEES,
    SHEET_FIELDS,
    SHEET_GUIDE,
    SHEET_LIFE_EVENTS,
    SHEET_PAPERS,
    SHEET_PROCEDURES,
)


def _canonical_json(value):
    """The same dict whatever the database did to key order (PostgreSQL's jsonb sorts keys)."""
    return json.loads(json.dumps(value, sort_keys=True))


def export_data(procedures=None) -> dict:
    """The catalog (or the given procedures queryset) as a JSON-ready dict in the documented format:
    every field and life event, then procedures by code with their versions by number."""
    queryset = procedures if procedures is not None else Procedure.objects.all()
    queryset = (
        queryset.select_related("field")
        .prefetch_related(
            Prefetch("life_events", queryset=LifeEvent.objects.order_by("slug")),
            Prefetch(
                "versions",
                queryset=ProcedureVersion.objects.order_by("number").prefetch_related(
                    "implementing_agencies",  # in code order, the agencies' own ordering
                    Prefetch("papers", queryset=RequiredPaper.objects.order_by("position", "id")),
                    Prefetch("fees", queryset=Fee.objects.order_by("position", "id")),
                ),
            ),
        )
        .order_by("code")
    )
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")],
        "life_events": [
            {"slug": e.slug, "name": e.name, "description": e.description, "for_business": e.for_business}
            for e in LifeEvent.objects.order_by("slug")
        ],
        "procedures": [_export_procedure(p) for p in queryset],
    }


def _export_procedure(procedure: Procedure) -> dict:
    return {
        "code": procedure.code,
        "national_code": procedure.national_code,
        "name": procedure.name,
        "field": procedure.field.code,
        "level": procedure.level,
        "is_active": procedure.is_active,
        "life_events": [e.slug for e in procedure.life_events.all()],
        "versions": [_export_version(v) for v in procedure.versions.all()],
    }


def _export_version(version: ProcedureVersion) -> dict:
    data = {}
    for column in VERSION_COLUMNS:
        if column.key == "implementing_agencies":
            value = [a.code for a in version.implementing_agencies.all()]
        else:
            value = getattr(version, column.key)
        if isinstance(value, time):
            value = value.strftime("%H:%M")
        elif isinstance(value, date):
            value = value.isoformat()
        elif column.key in ("form_schema", "form_ui"):
            value = _canonical_json(value)
        data[column.key] = value
    data["papers"] = [
        {**{c.key: getattr(p, c.key) for c in PAPER_COLUMNS}, "template": p.template.name or ""}
        for p in version.papers.all()
    ]
    data["fees"] = [
        {**{c.key: getattr(f, c.key) for c in FEE_COLUMNS}, "rule": _canonical_json(f.rule)}
        for f in version.fees.all()
    ]
    return data


def export_json(procedures=None) -> str:
    """``export_data`` as indented UTF-8 JSON text ending with a newline."""
    return json.dumps(export_data(procedures), ensure_ascii=False, indent=2) + "\n"


def _cell(value):
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if value is None or value == "":
        return None
    return value


def export_xlsx(procedures=None) -> bytes:
    """The catalog as a workbook: sheets for procedures (one line per version), papers, fees, fields,
    life events and a guide to the allowed values. Written with ``core.spreadsheets``: every text stays
    text (a name starting with "=" is no formula), so the workbook re-imports to the same catalog."""
    data = export_data(procedures)
    workbook = spreadsheets.new_workbook(_("Danh mục thủ tục hành chính"))

    def sheet(title, columns, rows):
        out = spreadsheets.Sheet(workbook, title)
        out.set_widths([min(60, max(12, len(column.header) + 2)) for column in columns])
        out.freeze_below(1)
        out.append([out.text_cell(c.header, bold=True) for c in columns])
        for row in rows:
            out.append([_cell(row.get(c.key)) for c in columns])

    procedure_rows, paper_rows, fee_rows = [], [], []
    for procedure in data["procedures"]:
        head = {c.key: procedure[c.key] for c in PROCEDURE_COLUMNS}
        if not procedure["versions"]:
            procedure_rows.append(head)
        for version in procedure["versions"]:
            procedure_rows.append(
                {**head, **{k: v for k, v in version.items() if k not in ("papers", "fees")}}
            )
            key = {"procedure": procedure["code"], "version": version["number"]}
            paper_rows += [{**key, **paper} for paper in version["papers"]]
            fee_rows += [{**key, **fee} for fee in version["fees"]]
    sheet(SHEET_PROCEDURES, PROCEDURE_COLUMNS + VERSION_COLUMNS, procedure_rows)
    sheet(SHEET_PAPERS, KEY_COLUMNS + PAPER_COLUMNS, paper_rows)
    sheet(SHEET_FEES, KEY_COLUMNS + FEE_COLUMNS, fee_rows)
    sheet(SHEET_FIELDS, FIELD_COLUMNS, data["fields"])
    sheet(SHEET_LIFE_EVENTS, LIFE_EVENT_COLUMNS, data["life_events"])
    _guide_sheet(workbook)
    return spreadsheets.to_bytes(workbook)


def _guide_sheet(workbook) -> None:
    ws = spreadsheets.Sheet(workbook, SHEET_GUIDE)
    ws.append([_("Cột"), _("Giá trị hợp lệ")])
    for header, choices in (
        (_("Cấp thực hiện"), ProcedureLevel),
        (_("Trạng thái"), VersionStatus),
        (_("Đơn vị thời hạn"), TimeLimitUnit),
        (_("Thời hạn khi yêu cầu bổ sung"), SupplementClockRule),
        (_("Mức độ trực tuyến"), OnlineMode),
        (_("Cách tính"), FeeKind),
    ):
        ws.append([header, "; ".join(f"{value} = {label}" for value, label in choices.choices)])
    ws.append([_("Ngày"), _("2025-07-01 hoặc 01/07/2025")])
    ws.append([_("Có/không"), _("có, không")])
    ws.append([_("Danh sách"), _("các mục cách nhau bởi dấu chấm phẩy (;)")])
    ws.append([_("Tài liệu"), "docs/catalog-format.md"])
