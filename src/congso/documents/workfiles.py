"""Work files (hồ sơ công việc) and the agency archive (Decree 30/2020, Chapter IV; STANDARDS §5): the
only writer of ``WorkFile`` and ``FiledDocument``.

The life of a file: a clerk or leader puts it on the year's list (``create``) naming the person who
builds it and its retention period; that person (or the clerk) files documents into it while the work
goes on (``file_document``); it is closed when the work ends (``close``), its start and end dates taken
from the documents it holds; the clerk hands it to the agency archive (``archive``) with the Decree's
metadata (sheets, pages, physical condition, keywords) and its archive code. ``due_for_review`` lists
the files whose retention period has run out, for the destruction review a council carries out under the
Law on Archives: this module never deletes a file or a document.

Every write is one transaction with an audit entry; a refusal raises ``DocumentError`` and changes
nothing. Permissions are ``documents.permissions``.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agencies
from congso.core import audit, spreadsheets

from . import permissions
from .models import (
    AccessCondition,
    FiledDocument,
    IncomingDocument,
    OutgoingDocument,
    OutgoingStatus,
    WorkFile,
    WorkFileStatus,
)
from .services import DocumentError

EDITABLE = (
    "code",
    "title",
    "unit",
    "responsible",
    "permanent",
    "retention_years",
    "language",
    "access",
    "access_note",
    "keywords",
    "notes",
)


def _refuse(message: str):
    raise DocumentError(message)


def _check_retention(permanent: bool, retention_years) -> None:
    if not permanent and not retention_years:
        _refuse(_("Cần ghi thời hạn bảo quản (số năm) hoặc chọn bảo quản vĩnh viễn."))


def _check_access(access: str, access_note: str) -> None:
    if access not in AccessCondition.values:
        _refuse(_("Chế độ sử dụng không hợp lệ."))
    if access == AccessCondition.RESTRICTED and not (access_note or "").strip():
        _refuse(_("Hồ sơ hạn chế sử dụng cần ghi lý do hạn chế."))


def _check_responsible(agency, responsible) -> None:
    if responsible is None or not permissions.works_with_documents(responsible, agency):
        _refuse(_("Người lập hồ sơ phải là cán bộ làm công tác văn bản của cơ quan."))


def _check_unit(agency, unit) -> None:
    """The unit building a file is the agency itself or one of its units."""
    if unit is None or unit.pk == agency.pk:
        return
    if unit.pk not in {a.pk for a in agencies.agency_descendants(agency)}:
        _refuse(_("Đơn vị lập hồ sơ phải là cơ quan hoặc một đơn vị thuộc cơ quan."))


def _save_code(work_file: WorkFile) -> None:
    try:
        with transaction.atomic():
            work_file.save()
    except IntegrityError:
        _refuse(_("Năm %(year)s đã có hồ sơ số %(code)s.") % {"year": work_file.year, "code": work_file.code})


def create(*, agency, by, year: int, code: str, title: str, responsible, **fields) -> WorkFile:
    """Put a file on ``agency``'s list of files of ``year``."""
    if not permissions.can_manage_workfiles(by, agency):
        _refuse(_("Chỉ văn thư hoặc lãnh đạo cơ quan được lập danh mục hồ sơ."))
    code, title = (code or "").strip(), (title or "").strip()
    if not code or not title:
        _refuse(_("Cần ghi số, ký hiệu và tiêu đề hồ sơ."))
    permanent = bool(fields.get("permanent"))
    retention_years = None if permanent else fields.get("retention_years")
    _check_retention(permanent, retention_years)
    _check_access(fields.get("access") or AccessCondition.OPEN, fields.get("access_note", ""))
    _check_responsible(agency, responsible)
    _check_unit(agency, fields.get("unit"))
    values = {k: v for k, v in fields.items() if k in EDITABLE and v is not None}
    values.update(permanent=permanent, retention_years=retention_years)
    with transaction.atomic():
        work_file = WorkFile(
            agency=agency, year=year, code=code, title=title, responsible=responsible, created_by=by, **values
        )
        _save_code(work_file)
        audit.record("documents.workfile.create", work_file, actor=by)
    return work_file


def update(work_file: WorkFile, *, by, **fields) -> WorkFile:
    """Change what the list says of a file still being built: never once it is closed or handed to the
    archive (its metadata is then the archive's record)."""
    if work_file.status != WorkFileStatus.OPEN:
        _refuse(
            _("Hồ sơ %(state)s, không sửa được thông tin.")
            % {"state": work_file.get_status_display().lower()}
        )
    if not permissions.can_edit_workfile(by, work_file):
        _refuse(_("Chỉ sửa được hồ sơ đang lập, bởi văn thư hoặc lãnh đạo cơ quan."))
    changes = {}
    for name, value in fields.items():
        if name in EDITABLE and getattr(work_file, name) != value:
            changes[name] = str(value)
            setattr(work_file, name, value)
    if work_file.permanent:
        work_file.retention_years = None
    _check_retention(work_file.permanent, work_file.retention_years)
    _check_access(work_file.access, work_file.access_note)
    _check_responsible(work_file.agency, work_file.responsible)
    _check_unit(work_file.agency, work_file.unit)
    with transaction.atomic():
        _save_code(work_file)
        audit.record("documents.workfile.update", work_file, changes=changes, actor=by)
    return work_file


def _document_of(document) -> str:
    """The field of ``FiledDocument`` that holds ``document``; an outgoing document must be issued."""
    if isinstance(document, IncomingDocument):
        return "incoming"
    if isinstance(document, OutgoingDocument):
        if document.status not in (OutgoingStatus.ISSUED, OutgoingStatus.DISPATCHED):
            _refuse(_("Chỉ đưa vào hồ sơ văn bản đi đã ban hành."))
        return "outgoing"
    raise TypeError(document)


def file_document(work_file: WorkFile, document, *, by) -> FiledDocument:
    """File an incoming or issued outgoing document of the file's agency into the open file."""
    if not permissions.can_file_into(by, work_file):
        _refuse(_("Bạn không được đưa văn bản vào hồ sơ này, hoặc hồ sơ đã kết thúc."))
    field = _document_of(document)
    if document.agency_id != work_file.agency_id:
        _refuse(_("Văn bản không thuộc cơ quan lập hồ sơ."))
    if not permissions.can_view_document(by, document):
        _refuse(_("Bạn không được xem văn bản này."))
    if FiledDocument.objects.filter(**{field: document}).exists():
        _refuse(_("Văn bản %(document)s đã có trong một hồ sơ.") % {"document": document})
    with transaction.atomic():
        entry = FiledDocument.objects.create(work_file=work_file, filed_by=by, **{field: document})
        audit.record(
            "documents.workfile.file",
            work_file,
            changes={field: str(document.pk)},
            actor=by,
            label=str(document),
        )
    return entry


def remove_document(entry: FiledDocument, *, by) -> None:
    """Take a document filed by mistake out of a file still being built."""
    if not permissions.can_file_into(by, entry.work_file):
        _refuse(_("Chỉ rút văn bản khỏi hồ sơ đang lập."))
    with transaction.atomic():
        audit.record("documents.workfile.unfile", entry.work_file, actor=by, label=str(entry.document))
        entry.delete()


def _document_date(entry: FiledDocument) -> date | None:
    if entry.incoming_id:
        return entry.incoming.issued_on
    return entry.outgoing.issued_on


def close(work_file: WorkFile, *, by) -> WorkFile:
    """End the file: its start and end dates become those of the oldest and newest document in it."""
    if not permissions.can_close_workfile(by, work_file):
        _refuse(_("Chỉ người lập hồ sơ hoặc lãnh đạo cơ quan được kết thúc hồ sơ đang lập."))
    entries = list(work_file.entries.select_related("incoming", "outgoing"))
    if not entries:
        _refuse(_("Hồ sơ chưa có văn bản nào, không kết thúc được."))
    dates = [d for d in (_document_date(e) for e in entries) if d]
    with transaction.atomic():
        work_file.start_date = min(dates) if dates else None
        work_file.end_date = max(dates) if dates else None
        work_file.status = WorkFileStatus.CLOSED
        work_file.closed_at = timezone.now()
        work_file.save()
        audit.record("documents.workfile.close", work_file, actor=by)
    return work_file


def archive_code(work_file: WorkFile) -> str:
    """Decree 30, Appendix V: the agency's electronic code, the year the file was made, its code."""
    return f"{work_file.agency.code}.{work_file.year}.{work_file.code}"


def archive(
    work_file: WorkFile, *, by, sheet_count: int, page_count: int, physical_condition: str = "", keywords=None
) -> WorkFile:
    """Hand a closed file to the agency archive (nộp lưu) with the number of sheets and pages and its
    physical condition; the file gets its archive code."""
    if not permissions.can_archive(by, work_file):
        _refuse(_("Chỉ văn thư cơ quan nhận nộp lưu hồ sơ đã kết thúc."))
    if not sheet_count or not page_count or page_count < sheet_count:
        _refuse(_("Cần ghi số tờ và số trang của hồ sơ (số trang không ít hơn số tờ)."))
    with transaction.atomic():
        work_file.sheet_count, work_file.page_count = sheet_count, page_count
        work_file.physical_condition = (physical_condition or "").strip()
        if keywords is not None:
            work_file.keywords = keywords.strip()
        work_file.status = WorkFileStatus.ARCHIVED
        work_file.archived_at, work_file.archived_by = timezone.now(), by
        work_file.archive_code = archive_code(work_file)
        work_file.save()
        audit.record("documents.workfile.archive", work_file, actor=by, label=work_file.archive_code)
    return work_file


# --- Reads ------------------------------------------------------------------------------------


def files_for(user, agency, *, year: int | None = None, status: str = ""):
    """The files of ``agency`` ``user`` may see: all for clerks and leaders, their own for others."""
    qs = WorkFile.objects.filter(agency=agency).select_related("unit", "responsible")
    if not permissions.reads_registers(user, agency):
        qs = qs.filter(responsible_id=user.pk)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "code")


def due_for_review(agency, today: date | None = None) -> list[WorkFile]:
    """Closed or archived files of ``agency`` whose retention period has run out by ``today``."""
    today = today or timezone.localdate()
    candidates = WorkFile.objects.filter(agency=agency, permanent=False).exclude(status=WorkFileStatus.OPEN)
    candidates = candidates.filter(year__lte=today.year)  # a file never runs out before its own year
    found = [
        f for f in candidates.select_related("responsible", "unit") if f.review_due and f.review_due <= today
    ]
    return sorted(found, key=lambda f: (f.review_due, f.year, f.code))


def filing_candidates(user, work_file: WorkFile):
    """Documents of the file's agency and year ``user`` may see and that are in no file yet."""
    from . import services

    filed_in = FiledDocument.objects.filter(work_file__agency=work_file.agency)
    incoming = (
        services.incoming_for(user, work_file.agency)
        .filter(year=work_file.year)
        .exclude(pk__in=filed_in.filter(incoming__isnull=False).values("incoming_id"))
    )
    outgoing = (
        services.outgoing_for(user, work_file.agency)
        .filter(year=work_file.year, status__in=(OutgoingStatus.ISSUED, OutgoingStatus.DISPATCHED))
        .exclude(pk__in=filed_in.filter(outgoing__isnull=False).values("outgoing_id"))
    )
    return incoming, outgoing


# --- Export -----------------------------------------------------------------------------------

COLUMNS = (
    (_("Số, ký hiệu hồ sơ"), 14),
    (_("Tiêu đề hồ sơ"), 48),
    (_("Đơn vị, người lập hồ sơ"), 28),
    (_("Thời hạn bảo quản"), 14),
    (_("Thời gian bắt đầu"), 13),
    (_("Thời gian kết thúc"), 13),
    (_("Số văn bản"), 10),
    (_("Số lượng tờ"), 10),
    (_("Số lượng trang"), 10),
    (_("Ngôn ngữ"), 12),
    (_("Chế độ sử dụng"), 16),
    (_("Trạng thái"), 14),
    (_("Mã hồ sơ"), 24),
    (_("Ghi chú"), 30),
)


def export_xlsx(agency, work_files, title: str) -> bytes:
    """The list of files as a spreadsheet (the columns of Decree 30's danh mục hồ sơ, Appendix V)."""
    workbook = spreadsheets.new_workbook(title)
    sheet = spreadsheets.Sheet(workbook, _("Danh mục hồ sơ"))
    sheet.set_widths([width for _label, width in COLUMNS])
    sheet.freeze_below(3)
    sheet.print_on_a4(title_row=3, landscape=True)
    sheet.append([sheet.cell(f"{title} — {agency.name}", bold=True, size=13)])
    sheet.append([])
    sheet.append(
        [
            sheet.cell(str(label), bold=True, border=spreadsheets.THIN_BORDER, align=spreadsheets.CENTRED)
            for label, _width in COLUMNS
        ]
    )
    counts = dict(
        FiledDocument.objects.filter(work_file__in=[f.pk for f in work_files])
        .values_list("work_file_id")
        .annotate(n=Count("pk"))
    )
    for f in work_files:
        responsible = ", ".join(x for x in (f.unit.name if f.unit else "", _person(f.responsible)) if x)
        access = f.get_access_display() + (f" ({f.access_note})" if f.access_note else "")
        sheet.append(
            [
                f.code,
                f.title,
                responsible,
                f.retention_label,
                sheet.cell(f.start_date, number_format="dd/mm/yyyy"),
                sheet.cell(f.end_date, number_format="dd/mm/yyyy"),
                counts.get(f.pk, 0),
                f.sheet_count,
                f.page_count,
                f.language,
                access,
                f.get_status_display(),
                f.archive_code,
                f.notes,
            ]
        )
    return spreadsheets.to_bytes(workbook)


def _person(user) -> str:
    return (getattr(user, "full_name", "") or user.get_username()) if user else ""
