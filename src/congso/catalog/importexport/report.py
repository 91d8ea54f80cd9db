"""What an import reports: the file format's names, one problem found (``Issue``), the error for an
unreadable file (``CatalogImportError``) and the counts of an import (``ImportReport``)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

FORMAT_NAME = "congso.catalog"
FORMAT_VERSION = 1

SHEET_PROCEDURES = "Thủ tục"
SHEET_PAPERS = "Thành phần hồ sơ"
SHEET_FEES = "Phí, lệ phí"
SHEET_FIELDS = "Lĩnh vực"
SHEET_LIFE_EVENTS = "Sự kiện cuộc sống"
SHEET_GUIDE = "Hướng dẫn"


# --- problems and the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One problem found in the input: where (sheet or JSON path), the line (XLSX/JSON text) and why."""

    where: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("%(where)s, dòng %(line)s: %(message)s") % {
                "where": self.where,
                "line": self.line,
                "message": self.message,
            }
        return f"{self.where}: {self.message}"


class CatalogImportError(Exception):
    """The input could not be read at all (not JSON, not a workbook); ``issues`` says why."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


@dataclass
class ImportReport:
    issues: list[Issue] = field(default_factory=list)
    dry_run: bool = False
    fields: int = 0
    life_events: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    papers: int = 0
    fees: int = 0
    # Rows actually written (created or changed); a repeated import of the same file writes none.
    rows_written: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues

    def summary(self) -> str:
        if not self.ok:
            return _("Không nhập gì: có %(n)s lỗi cần sửa.") % {"n": len(self.issues)}
        lead = _("Kiểm tra xong, không có lỗi") if self.dry_run else _("Đã nhập")
        text = _(
            "%(lead)s: %(pc)s thủ tục mới, %(pu)s thủ tục đã có, %(vc)s phiên bản mới, "
            "%(vu)s phiên bản đã có, %(papers)s thành phần hồ sơ, %(fees)s khoản phí, "
            "%(fields)s lĩnh vực, %(events)s sự kiện cuộc sống."
        ) % {
            "lead": lead,
            "pc": self.procedures_created,
            "pu": self.procedures_updated,
            "vc": self.versions_created,
            "vu": self.versions_updated,
            "papers": self.papers,
            "fees": self.fees,
            "fields": self.fields,
            "events": self.life_events,
        }
        if not self.dry_run:
            text += " " + (
                _("Số bản ghi được tạo hoặc thay đổi: %(n)s.") % {"n": self.rows_written}
                if self.rows_written
                else _("Dữ liệu đã trùng khớp, không có gì thay đổi.")
            )
        return text
