"""Work files (hồ sơ công việc), the documents filed in them, and the text of attachments for search.

Decree 30/2020, Chapter IV and Appendix V (STANDARDS §5): every year an agency keeps a list of files
(danh mục hồ sơ); each file has a code, a title, the unit and the person who builds it, a retention
period (thời hạn bảo quản: a number of years, or permanent), its start and end dates, language, number of
sheets and pages and access conditions (chế độ sử dụng). Documents are filed into it while the work
goes on; the file is closed when the work ends and handed to the agency archive (nộp lưu) within a year,
with the archive metadata. When a file's retention period has run out it is listed for the destruction
review (a council decides): nothing here ever deletes a file.

``AttachmentText`` holds the text extracted from an attachment's PDF at upload (``documents.search``),
folded (lower case, no diacritics) so that "quyet dinh" finds "quyết định" on every database.
Holds personal data: the person responsible for a file (an official acting in office).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WorkFileStatus(models.TextChoices):
    OPEN = "open", _("Đang lập")
    CLOSED = "closed", _("Đã kết thúc")
    ARCHIVED = "archived", _("Đã nộp lưu")


class AccessCondition(models.TextChoices):
    OPEN = "open", _("Công khai")
    RESTRICTED = "restricted", _("Hạn chế sử dụng")


class WorkFile(models.Model):
    """One line of an agency's yearly list of files (danh mục hồ sơ), and the file it becomes."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    code = models.CharField(
        _("số và ký hiệu hồ sơ"), max_length=30, help_text=_("Ví dụ 05.VP: số thứ tự và ký hiệu đơn vị.")
    )
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    unit = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("đơn vị lập hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    permanent = models.BooleanField(_("bảo quản vĩnh viễn"), default=False)
    retention_years = models.PositiveSmallIntegerField(_("thời hạn bảo quản (năm)"), null=True, blank=True)
    start_date = models.DateField(_("thời gian bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("thời gian kết thúc"), null=True, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=100, default="Tiếng Việt")
    sheet_count = models.PositiveIntegerField(_("số lượng tờ"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("số lượng trang"), null=True, blank=True)
    access = models.CharField(
        _("chế độ sử dụng"), max_length=12, choices=AccessCondition.choices, default=AccessCondition.OPEN
    )
    access_note = models.CharField(_("lý do hạn chế"), max_length=300, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=300, blank=True)
    physical_condition = models.CharField(_("tình trạng vật lý"), max_length=200, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=WorkFileStatus.choices, default=WorkFileStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    closed_at = models.DateTimeField(_("ngày kết thúc hồ sơ"), null=True, blank=True)
    archived_at = models.DateTimeField(_("ngày nộp lưu"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận nộp lưu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Decree 30, Appendix V: "mã hồ sơ" = the agency's electronic code . the year . the file's code.
    archive_code = models.CharField(_("mã hồ sơ"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("hồ sơ công việc")
        verbose_name_plural = _("hồ sơ công việc")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "code"], name="documents_workfile_code_once"),
            models.CheckConstraint(
                condition=Q(permanent=True, retention_years__isnull=True)
                | Q(permanent=False, retention_years__gte=1),
                name="documents_workfile_retention",
            ),
        ]
        indexes = [models.Index(fields=["agency", "year", "status"], name="documents_workfile_list_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def retention_label(self) -> str:
        if self.permanent:
            return str(_("Vĩnh viễn"))
        return str(_("%(years)s năm") % {"years": self.retention_years})

    @property
    def review_due(self) -> date | None:
        """The day the retention period has run out and the file goes to the destruction review: the
        period counts in whole years from the year the file ended (the year it was closed if it has no
        end date), so a 5-year file ending in 2020 is reviewed from 1 January 2026. None if permanent
        or still open."""
        if self.permanent or self.status == WorkFileStatus.OPEN:
            return None
        end_year = (
            self.end_date.year if self.end_date else (self.closed_at.year if self.closed_at else self.year)
        )
        return date(end_year + self.retention_years + 1, 1, 1)


class FiledDocument(models.Model):
    """A document filed in a work file, in filing order. A document is filed in one file only."""

    work_file = models.ForeignKey(WorkFile, on_delete=models.CASCADE, related_name="entries")
    incoming = models.ForeignKey(
        "documents.IncomingDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outgoing = models.ForeignKey(
        "documents.OutgoingDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đưa vào hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản trong hồ sơ")
        verbose_name_plural = _("văn bản trong hồ sơ")
        ordering = ["filed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, outgoing__isnull=True)
                | Q(incoming__isnull=True, outgoing__isnull=False),
                name="documents_filed_one_document",
            ),
            models.UniqueConstraint(
                fields=["incoming"], condition=Q(incoming__isnull=False), name="documents_incoming_filed_once"
            ),
            models.UniqueConstraint(
                fields=["outgoing"], condition=Q(outgoing__isnull=False), name="documents_outgoing_filed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_file.code}: {self.document}"

    @property
    def document(self):
        return self.incoming or self.outgoing


class AttachmentText(models.Model):
    """The text of one attachment, extracted after upload (``documents.search.extract``), folded."""

    attachment = models.OneToOneField("documents.Attachment", on_delete=models.CASCADE, related_name="text")
    folded = models.TextField(_("nội dung đã chuẩn hóa"), blank=True)
    pages = models.PositiveIntegerField(_("số trang"), default=0)
    # Why no text could be read (an encrypted or damaged PDF, a scan without a text layer), for the IT staff.
    error = models.CharField(_("lỗi trích xuất"), max_length=300, blank=True)
    extracted_at = models.DateTimeField(_("thời điểm trích xuất"), auto_now=True)

    class Meta:
        verbose_name = _("nội dung tệp văn bản")
        verbose_name_plural = _("nội dung tệp văn bản")

    def __str__(self) -> str:
        return str(self.attachment)


class SearchEntry(models.Model):
    """What a document is found by: its number and symbol, summary, issuer and the text of its
    attachments, folded; one row per document, kept by ``documents.search``. On PostgreSQL a GIN index
    over ``to_tsvector('simple', folded)`` serves the search (migration 0004); SQLite reads the column."""

    incoming = models.OneToOneField(
        "documents.IncomingDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    outgoing = models.OneToOneField(
        "documents.OutgoingDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    folded = models.TextField(blank=True)

    class Meta:
        verbose_name = _("chỉ mục tìm kiếm văn bản")
        verbose_name_plural = _("chỉ mục tìm kiếm văn bản")
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, outgoing__isnull=True)
                | Q(incoming__isnull=True, outgoing__isnull=False),
                name="documents_search_one_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incoming_id or self.outgoing_id}"


class DocumentReply(models.Model):
    """An incoming document registered as the answer to one of the agency's outgoing documents ("trả
    lời văn bản số …"): linked from the edXML ``ResponseFor`` of an electronic answer, or by the clerk
    for a paper one. An answer to a document a dossier's process asked for lets the process go on
    (``documents.reply_received``)."""

    incoming = models.OneToOneField(
        "documents.IncomingDocument",
        verbose_name=_("văn bản trả lời"),
        on_delete=models.CASCADE,
        related_name="answer_to",
    )
    outgoing = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name=_("văn bản được trả lời"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản trả lời")
        verbose_name_plural = _("văn bản trả lời")

    def __str__(self) -> str:
        return f"{self.incoming} → {self.outgoing}"
