"""Importing a catalogue into the database: ``import_catalog`` (a file) and ``import_raw`` (rows already
read) validate everything first and write only when there is no problem, in one transaction."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from congso.core import audit

from ..models import Fee, Field, LifeEvent, Procedure, ProcedureVersion, RequiredPaper
from ..signals import deferred_search_refresh
from .columns import FEE_COLUMNS, PAPER_COLUMNS, VERSION_COLUMNS, RawCatalog, RawVersion
from .readers import read_json, read_xlsx
from .report import CatalogImportError, ImportReport, Issue
from .validator import Plan, Validator


def import_raw(
    raw: RawCatalog, *, dry_run: bool = False, agency_aliases: dict | None = None, source: str = ""
) -> ImportReport:
    """Validate ``raw`` completely; if there is no problem and not ``dry_run``, write it in one
    transaction. Existing procedures (by code) and versions (by code and number) are updated; the papers
    and fees of every version in the input replace the stored ones; nothing absent from the input is
    deleted. Returns the report (``report.issues`` lists every problem; then nothing was written)."""
    validator = Validator(raw, agency_aliases)
    report = ImportReport(issues=validator.run(), dry_run=dry_run)
    _count(report, raw)
    if not report.ok or dry_run:
        return report
    try:
        with transaction.atomic(), deferred_search_refresh():
            report.rows_written = _write(raw, validator.plan)
            audit.record(
                "catalog.import",
                changes={
                    "source": source,
                    "procedures_created": report.procedures_created,
                    "procedures_updated": report.procedures_updated,
                    "versions_created": report.versions_created,
                    "versions_updated": report.versions_updated,
                    "rows_written": report.rows_written,
                },
            )
    except (
        DatabaseError,
        ValidationError,
    ) as exc:  # a constraint validation did not foresee; nothing written
        report.issues.append(
            Issue(
                _("Cơ sở dữ liệu"),
                None,
                _("Không ghi được dữ liệu, không có gì thay đổi: %(reason)s") % {"reason": exc},
            )
        )
    return report


def _count(report: ImportReport, raw: RawCatalog) -> None:
    existing_codes = set(
        Procedure.objects.filter(
            code__in=[p.row.data.get("code") for p in raw.procedures if p.row.data.get("code")]
        ).values_list("code", flat=True)
    )
    existing_versions = set(
        ProcedureVersion.objects.filter(procedure__code__in=existing_codes).values_list(
            "procedure__code", "number"
        )
    )
    report.fields = len(raw.fields)
    report.life_events = len(raw.life_events)
    for procedure in raw.procedures:
        code = procedure.row.data.get("code")
        if code in existing_codes:
            report.procedures_updated += 1
        else:
            report.procedures_created += 1
        for version in procedure.versions:
            if (code, version.row.data.get("number")) in existing_versions:
                report.versions_updated += 1
            else:
                report.versions_created += 1
            report.papers += len(version.papers)
            report.fees += len(version.fees)


def _assign(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; True if it is new or anything changed (unchanged rows are not saved, so a
    repeated import leaves the catalog, its timestamps and the search index as they were)."""
    changed = obj.pk is None
    for name, value in values.items():
        current = getattr(obj, name)
        if hasattr(current, "name") and not isinstance(current, str):  # a FieldFile
            current = current.name or ""
        if current != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _write(raw: RawCatalog, plan: Plan) -> int:
    """Write everything; return the number of rows created or changed."""
    written = 0
    for row in raw.fields:
        field_obj = Field.objects.filter(code=row.data["code"]).first() or Field(code=row.data["code"])
        if _assign(field_obj, {"name": row.data["name"]}):
            field_obj.save()
            written += 1
    for row in raw.life_events:
        event = LifeEvent.objects.filter(slug=row.data["slug"]).first() or LifeEvent(slug=row.data["slug"])
        if _assign(event, {k: row.data[k] for k in ("name", "description", "for_business")}):
            event.save()
            written += 1
    fields = {f.code: f for f in Field.objects.all()}
    events = {e.slug: e for e in LifeEvent.objects.all()}
    for procedure_raw in raw.procedures:
        data = procedure_raw.row.data
        procedure = Procedure.objects.filter(code=data["code"]).first() or Procedure(code=data["code"])
        values = {k: data[k] for k in ("national_code", "name", "level", "is_active")}
        values["field_id"] = fields[data["field"]].pk
        if _assign(procedure, values):
            procedure.save()
            written += 1
        procedure.life_events.set([events[s] for s in data["life_events"]])
        for version_raw in procedure_raw.versions:
            written += _write_version(procedure, version_raw, plan)
    return written


def _write_version(procedure: Procedure, version_raw: RawVersion, plan: Plan) -> int:
    written = 0
    data = version_raw.row.data
    version = procedure.versions.filter(number=data["number"]).first() or ProcedureVersion(
        procedure=procedure, number=data["number"]
    )
    values = {c.key: data[c.key] for c in VERSION_COLUMNS if c.key not in ("number", "implementing_agencies")}
    if _assign(version, values):
        version.save()
        written += 1
    version.implementing_agencies.set(
        [a for ref in data["implementing_agencies"] for a in plan.agencies[ref]]
    )
    existing_papers = {p.code: p for p in version.papers.all()}
    for position, row in enumerate(version_raw.papers):
        paper = existing_papers.pop(row.data["code"], None) or RequiredPaper(version=version)
        if _assign(paper, {**{c.key: row.data[c.key] for c in PAPER_COLUMNS}, "position": position}):
            paper.save()
            written += 1
    for paper in existing_papers.values():
        paper.delete()
        written += 1
    existing_fees = list(version.fees.order_by("position", "id"))
    for position, row in enumerate(version_raw.fees):
        fee = existing_fees[position] if position < len(existing_fees) else Fee(version=version)
        if _assign(fee, {**{c.key: row.data[c.key] for c in FEE_COLUMNS}, "position": position}):
            fee.save()
            written += 1
    for fee in existing_fees[len(version_raw.fees) :]:
        fee.delete()
        written += 1
    return written


def import_catalog(
    source,
    *,
    format: str | None = None,
    dry_run: bool = False,  # noqa: A002
    agency_aliases: dict | None = None,
) -> ImportReport:
    """Import a catalog file. ``source`` is a path, bytes or a binary file object; ``format`` is
    ``"json"`` or ``"xlsx"`` (guessed from the file name when omitted). ``agency_aliases`` maps
    ``@alias`` references in the input to agency codes. Validates everything first and writes nothing
    if anything is wrong (see ``import_raw``). Never raises for bad content: problems are in the report."""
    name = str(getattr(source, "name", source if isinstance(source, (str, Path)) else ""))
    fmt = format or ("xlsx" if name.lower().endswith(".xlsx") else "json")
    if isinstance(source, (str, Path)):
        source = Path(source).read_bytes()
    elif hasattr(source, "read"):
        source = source.read()
    try:
        raw = read_xlsx(source) if fmt == "xlsx" else read_json(source)
    except CatalogImportError as exc:
        return ImportReport(issues=exc.issues, dry_run=dry_run)
    return import_raw(raw, dry_run=dry_run, agency_aliases=agency_aliases, source=Path(name).name)
