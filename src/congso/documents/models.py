"""Registers, incoming and outgoing documents, assignments, approvals, recipients, the handling log.

Decree 30/2020 (STANDARDS §5): a document's number runs from 01 on 1 January to 31 December in its
agency's register and is never reused; ``RegisterSequence`` holds one row per register and year whose
``last_value`` is taken by ``numbering.next_number`` at the moment of issue (never at drafting).
Holds personal data: assignees, approvers and signers (officials acting in office) and, for incoming
documents from citizens, the sender's name.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")


class DocumentType(models.TextChoices):
    """The 29 types of administrative documents of Decree 30/2020 (Appendix III) and their
    abbreviations (``ABBREVIATIONS``). A công văn and a thư công have none: a công văn's symbol is
    the agency's short name, then the drafting unit's."""

    RESOLUTION = "NQ", _("Nghị quyết (cá biệt)")
    DECISION = "QĐ", _("Quyết định (cá biệt)")
    DIRECTIVE = "CT", _("Chỉ thị")
    REGULATION = "QC", _("Quy chế")
    RULE = "QyĐ", _("Quy định")
    COMMUNIQUE = "TC", _("Thông cáo")
    NOTICE = "TB", pgettext_lazy("loại văn bản", "Thông báo")  # not the "notifications" of the menu
    GUIDANCE = "HD", _("Hướng dẫn")
    PROGRAMME = "CTr", _("Chương trình")
    PLAN = "KH", _("Kế hoạch")
    SCHEME = "PA", _("Phương án")
    PROPOSAL = "ĐA", _("Đề án")
    PROJECT = "DA", _("Dự án")
    REPORT = "BC", _("Báo cáo")
    MINUTES = "BB", _("Biên bản")
    SUBMISSION = "TTr", _("Tờ trình")
    CONTRACT = "HĐ", _("Hợp đồng")
    OFFICIAL_LETTER = "CV", _("Công văn")
    TELEGRAM = "CĐ", _("Công điện")
    MEMORANDUM = "GN", _("Bản ghi nhớ")
    AGREEMENT = "TTh", _("Bản thỏa thuận")
    AUTHORISATION = "GUQ", _("Giấy ủy quyền")
    INVITATION = "GM", _("Giấy mời")
    INTRODUCTION = "GGT", _("Giấy giới thiệu")
    LEAVE = "NP", _("Giấy nghỉ phép")
    DISPATCH_NOTE = "PG", _("Phiếu gửi")
    TRANSFER_NOTE = "PC", _("Phiếu chuyển")
    ADVICE_NOTE = "PB", _("Phiếu báo")
    PUBLIC_LETTER = "TCg", _("Thư công")


# Types whose symbol carries no abbreviation (Decree 30, Appendix I, part I.3).
WITHOUT_ABBREVIATION = frozenset({DocumentType.OFFICIAL_LETTER, DocumentType.PUBLIC_LETTER})


class Urgency(models.TextChoices):
    NORMAL = "", _("Thường")
    URGENT = "khan", _("Khẩn")
    VERY_URGENT = "thuong_khan", _("Thượng khẩn")
    FLASH = "hoa_toc", _("Hỏa tốc")


class Secrecy(models.TextChoices):
    NONE = "", _("Thường")
    CONFIDENTIAL = "mat", _("Mật")
    SECRET = "toi_mat", _("Tối mật")
    TOP_SECRET = "tuyet_mat", _("Tuyệt mật")


class Register(models.Model):
    """An agency's register (sổ đăng ký) of incoming or outgoing documents. Numbers restart every year
    (``RegisterSequence``). An agency may keep several registers of one direction (e.g. one for its
    decisions, one for everything else); ``document_types`` lists the types a register takes, empty for
    all, and the most specific register wins at issue."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="registers"
    )
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    name = models.CharField(_("tên sổ"), max_length=200)
    document_types = models.JSONField(_("loại văn bản của sổ"), default=list, blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản")
        verbose_name_plural = _("sổ đăng ký văn bản")
        ordering = ["agency__code", "direction", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "direction", "name"], name="documents_register_name_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency}"


class RegisterSequence(models.Model):
    """The last number taken in a register in a year (one row per register and year)."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="sequences")
    year = models.PositiveSmallIntegerField(_("năm"))
    last_value = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("số thứ tự của sổ theo năm")
        verbose_name_plural = _("số thứ tự của sổ theo năm")
        constraints = [
            models.UniqueConstraint(fields=["register", "year"], name="documents_sequence_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.year}: {self.last_value}"


class IncomingStatus(models.TextChoices):
    REGISTERED = "registered", _("Đã vào sổ")
    ASSIGNED = "assigned", _("Đã phân công")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã hoàn thành")
    # The sender recalled it and the agency agreed: kept in the register, out of every handling list.
    RECALLED = "recalled", _("Đã thu hồi")


class Source(models.TextChoices):
    PAPER = "paper", _("Bản giấy (quét)")
    ELECTRONIC = "electronic", _("Điện tử (edXML)")


class IncomingDocument(models.Model):
    """A document received by an agency, entered in its incoming register with its arrival number."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, related_name="+"
    )
    register = models.ForeignKey(Register, verbose_name=_("sổ"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    arrival_number = models.PositiveIntegerField(_("số đến"))
    received_at = models.DateTimeField(_("ngày đến"))
    source = models.CharField(_("hình thức nhận"), max_length=12, choices=Source.choices)
    sender_name = models.CharField(_("cơ quan ban hành"), max_length=300)
    sender_code = models.CharField(_("mã định danh cơ quan gửi"), max_length=20, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100)
    document_type = models.CharField(_("loại văn bản"), max_length=4, choices=DocumentType.choices)
    issued_on = models.DateField(_("ngày ban hành"))
    summary = models.TextField(_("trích yếu"))
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, blank=True)
    secrecy = models.CharField(_("độ mật"), max_length=12, choices=Secrecy.choices, blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=IncomingStatus.choices, default=IncomingStatus.REGISTERED
    )
    # The edXML DocumentId of an electronic document ("{organ},{yyyy/MM/dd},{number}/{notation}"): the
    # same package received twice is registered once.
    exchange_id = models.CharField(_("mã văn bản điện tử"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người vào sổ"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    # The day the reminder before the deadline was sent (documents.deadline_reminders), so it is sent once
    # per deadline: a new deadline (a new assignment) clears it.
    reminded_on = models.DateField(_("ngày đã nhắc hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-year", "-arrival_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "arrival_number"], name="documents_incoming_number_once"
            ),
            models.UniqueConstraint(
                fields=["agency", "exchange_id"],
                condition=~Q(exchange_id=""),
                name="documents_incoming_exchange_once",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="documents_incoming_status_idx")]

    def __str__(self) -> str:
        return f"{self.arrival_number} — {self.number_symbol}"


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Đang trình duyệt")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")
    SIGNED = "signed", _("Đã ký")
    ISSUED = "issued", _("Đã ban hành")
    DISPATCHED = "dispatched", _("Đã gửi")


class OutgoingDocument(models.Model):
    """A document an agency drafts, approves, signs and issues. ``number`` and ``symbol`` stay empty
    until the clerk issues it; then they come from the agency's outgoing register for that year."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    document_type = models.CharField(_("loại văn bản"), max_length=4, choices=DocumentType.choices)
    drafting_unit = models.CharField(
        _("đơn vị soạn thảo (viết tắt)"),
        max_length=20,
        blank=True,
        help_text=_("Dùng trong ký hiệu công văn, ví dụ “VP” trong “25/UBND-VP”."),
    )
    summary = models.TextField(_("trích yếu"))
    content = models.TextField(_("nội dung"))
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, blank=True)
    secrecy = models.CharField(_("độ mật"), max_length=12, choices=Secrecy.choices, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=OutgoingStatus.choices, default=OutgoingStatus.DRAFT
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người soạn thảo"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=5, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=200, blank=True)
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True)
    register = models.ForeignKey(
        Register, verbose_name=_("sổ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issued_at = models.DateTimeField(_("thời điểm ban hành"), null=True, blank=True)
    reply_to = models.ForeignKey(
        IncomingDocument,
        verbose_name=_("trả lời văn bản đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ một cửa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The outbox event that asked for this draft: a redelivered event finds its draft instead of
    # making a second one.
    requested_by_event = models.CharField(_("yêu cầu từ sự kiện"), max_length=64, blank=True)
    # The configured approval chain as it stood when the draft was first submitted (``documents.chains``):
    # ``{"chain": id, "steps": [{"role", "unit", "person", "label"}], "signer": id or None}``; ``None``
    # when no chain was configured (the drafter chose the approvers freely).
    chain_plan = models.JSONField(_("luồng duyệt áp dụng"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "number"],
                condition=Q(number__isnull=False),
                name="documents_outgoing_number_once",
            ),
            models.UniqueConstraint(
                fields=["requested_by_event"],
                condition=~Q(requested_by_event=""),
                name="documents_outgoing_event_once",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="documents_outgoing_status_idx")]

    def __str__(self) -> str:
        return self.number_symbol or str(_("Dự thảo: %(summary)s") % {"summary": self.summary[:60]})

    @property
    def number_symbol(self) -> str:
        """``12/QĐ-UBND`` once issued, else ``""``. Numbers below 10 take a leading 0."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.symbol}"


class Attachment(models.Model):
    """A file of a document: the scan of a paper document, an attachment, the rendered and the signed
    PDF of an outgoing document (``kind``)."""

    class Kind(models.TextChoices):
        SCAN = "scan", _("Bản quét")
        ATTACHMENT = "attachment", _("Tệp đính kèm")
        RENDERED = "rendered", _("Bản PDF dự thảo")
        SIGNED = "signed", _("Bản đã ký số")

    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("loại tệp"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(_("tệp"), upload_to="documents/", max_length=200)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, outgoing__isnull=True)
                | Q(incoming__isnull=True, outgoing__isnull=False),
                name="documents_attachment_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A leader's assignment of an incoming document to a unit and/or a person, with a deadline and an
    opinion (ý kiến chỉ đạo). ``is_main`` marks who handles (chủ trì); the others cooperate."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phân công"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("đơn vị xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_main = models.BooleanField(_("chủ trì"), default=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    opinion = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    created_at = models.DateTimeField(_("ngày phân công"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(assignee__isnull=False),
                name="documents_assignment_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.assignee or self.unit}"


class ApprovalStep(models.Model):
    """One approver of an outgoing document's chain, in order. The chain is set when the draft is
    submitted; each decision is kept (a returned draft submitted again gets a new round)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đồng ý")
        RETURNED = "returned", _("Trả lại")
        SKIPPED = "skipped", _("Không còn hiệu lực")

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="approvals")
    round = models.PositiveSmallIntegerField(_("lượt trình"), default=1)
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người duyệt"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        _("ý kiến"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField(_("ghi chú"), blank=True)
    decided_at = models.DateTimeField(_("thời điểm"), null=True, blank=True)
    # The role and unit a configured chain asks of this step ("" / None: a freely chosen approver, who
    # must be a leader or specialist of the document's agency).
    role = models.CharField(_("vai trò"), max_length=12, blank=True)
    unit = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bước duyệt")
        verbose_name_plural = _("bước duyệt")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "position"], name="documents_approval_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} #{self.round}.{self.position}: {self.get_decision_display()}"


class RecipientStatus(models.TextChoices):
    """The edXML status codes (QCVN 102:2016) as a recipient reports them, plus ``pending``."""

    PENDING = "", _("Chưa gửi")
    SENT = "00", _("Đã gửi")
    ARRIVED = "01", _("Đã đến")
    REFUSED = "02", _("Từ chối, trả lại")
    ACCEPTED = "03", _("Đã tiếp nhận")
    ASSIGNED = "04", _("Đã phân công")
    PROCESSING = "05", _("Đang xử lý")
    DONE = "06", _("Đã hoàn thành")
    RECALLED = "13", _("Thu hồi")
    RECALL_AGREED = "15", _("Đồng ý thu hồi")
    RECALL_REFUSED = "16", _("Từ chối thu hồi")


class Recipient(models.Model):
    """Where an outgoing document goes (nơi nhận), and what that recipient last reported."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ_code = models.CharField(_("mã định danh nơi nhận"), max_length=20, blank=True)
    name = models.CharField(_("nơi nhận"), max_length=300)
    electronic = models.BooleanField(_("gửi điện tử"), default=True)
    status = models.CharField(_("trạng thái"), max_length=2, choices=RecipientStatus.choices, blank=True)
    status_at = models.DateTimeField(_("thời điểm trạng thái"), null=True, blank=True)
    status_note = models.CharField(_("ghi chú trạng thái"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


# What each code of ``LogEntry.action`` is called on the document's page (the codes stay in the rows).
LOG_ACTIONS = {
    "registered": pgettext_lazy("nhật ký văn bản", "Vào sổ"),
    "assigned": pgettext_lazy("nhật ký văn bản", "Giao xử lý"),
    "progress": pgettext_lazy("nhật ký văn bản", "Cập nhật tiến độ"),
    "completed": pgettext_lazy("nhật ký văn bản", "Hoàn thành xử lý"),
    "reminded": pgettext_lazy("nhật ký văn bản", "Nhắc hạn"),
    "requested": pgettext_lazy("nhật ký văn bản", "Được đề nghị soạn thảo"),
    "taken": pgettext_lazy("nhật ký văn bản", "Nhận soạn thảo"),
    "drafted": pgettext_lazy("nhật ký văn bản", "Soạn dự thảo"),
    "edited": pgettext_lazy("nhật ký văn bản", "Sửa dự thảo"),
    "recipients": pgettext_lazy("nhật ký văn bản", "Cập nhật nơi nhận"),
    "submitted": pgettext_lazy("nhật ký văn bản", "Trình duyệt"),
    "approved": pgettext_lazy("nhật ký văn bản", "Duyệt"),
    "returned": pgettext_lazy("nhật ký văn bản", "Trả lại"),
    "signed": pgettext_lazy("nhật ký văn bản", "Ký số"),
    "issued": pgettext_lazy("nhật ký văn bản", "Ban hành"),
    "dispatched": pgettext_lazy("nhật ký văn bản", "Phát hành"),
    "recipient_status": pgettext_lazy("nhật ký văn bản", "Nơi nhận báo trạng thái"),
    "exchange": pgettext_lazy("nhật ký văn bản", "Liên thông văn bản"),
    "envelope_signature_verified": pgettext_lazy("nhật ký văn bản", "Chữ ký gói tin đã được xác minh"),
    "reply_to": pgettext_lazy("nhật ký văn bản", "Trả lời văn bản"),
    "reply_received": pgettext_lazy("nhật ký văn bản", "Nhận văn bản trả lời"),
    "result_delivered": pgettext_lazy("nhật ký văn bản", "Chuyển kết quả cho hồ sơ"),
    "recall_requested": pgettext_lazy("nhật ký văn bản", "Đề nghị thu hồi"),
    "recall_agreed": pgettext_lazy("nhật ký văn bản", "Đồng ý thu hồi"),
    "recall_refused": pgettext_lazy("nhật ký văn bản", "Từ chối thu hồi"),
}


class LogEntry(models.Model):
    """The handling log (nhật ký xử lý) of a document: who did what, when, with which note."""

    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="log"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("thao tác"), max_length=40)
    note = models.TextField(_("ghi chú"), blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký xử lý")
        verbose_name_plural = _("nhật ký xử lý")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language; an unknown code is shown as it is."""
        return str(LOG_ACTIONS.get(self.action, self.action))


# --- Exchange beyond this installation and recall (issue 12, part A) ------------------------------


class RecallState(models.TextChoices):
    """Where a recall (thu hồi, edXML 13/15/16) of a received document stands."""

    NONE = "", _("Không")
    REQUESTED = "requested", _("Nơi gửi đề nghị thu hồi")
    AGREED = "agreed", _("Đã đồng ý thu hồi")
    REFUSED = "refused", _("Đã từ chối thu hồi")


class Recall(models.Model):
    """A recall of a dispatched document, on either side: the sender's request (``outgoing``) or what a
    recipient agency received and answered (``incoming``). One row per document and side."""

    outgoing = models.OneToOneField(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="recall"
    )
    incoming = models.OneToOneField(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="recall"
    )
    state = models.CharField(_("trạng thái thu hồi"), max_length=10, choices=RecallState.choices)
    reason = models.CharField(_("lý do thu hồi"), max_length=500)
    requested_at = models.DateTimeField(_("thời điểm đề nghị"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_note = models.CharField(_("ý kiến trả lời"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("thu hồi văn bản")
        verbose_name_plural = _("thu hồi văn bản")
        constraints = [
            models.CheckConstraint(
                condition=Q(outgoing__isnull=False, incoming__isnull=True)
                | Q(outgoing__isnull=True, incoming__isnull=False),
                name="documents_recall_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.outgoing or self.incoming}: {self.get_state_display()}"


class ExchangeReceipt(models.Model):
    """A message taken from the national document axis (or a peer) and applied: the axis delivers a
    message until it is acknowledged, so one whose acknowledgement was lost comes again; its id here
    makes the second time a no-op (exactly-once registration)."""

    channel = models.CharField(_("kênh"), max_length=20)
    message_id = models.CharField(_("mã thông điệp"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10)
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông điệp đã nhận")
        verbose_name_plural = _("thông điệp đã nhận")
        constraints = [
            models.UniqueConstraint(fields=["channel", "message_id"], name="documents_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.message_id}"


class Transmission(models.Model):
    """A package or status message on its way to an agency beyond this installation (a peer through the
    LGSP, or the national axis). The outbox subscriber writes it in the event's transaction; the task
    ``documents.send_transmission`` (and the sweep, should a task be lost) sends it *outside* any
    transaction — a call to another system must not hold the database — and retries it with backoff
    until it is accepted or refused."""

    class Kind(models.TextChoices):
        PACKAGE = "package", _("Gói tin văn bản")
        STATUS = "status", _("Thông điệp trạng thái")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        REFUSED = "refused", _("Bị từ chối")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    # A package and a sender's recall request (13) belong to an outgoing document; a receiver's status
    # (01 … 06, 15, 16) to an incoming one.
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="transmissions"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="transmissions"
    )
    organ_code = models.CharField(_("mã định danh nơi nhận"), max_length=20)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    description = models.CharField(_("mô tả"), max_length=500, blank=True)
    route = models.CharField(_("đường gửi"), max_length=10)
    service = models.CharField(_("dịch vụ LGSP"), max_length=200)
    state = models.CharField(_("trạng thái gửi"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("lần thử tiếp theo"))
    last_error = models.CharField(_("lỗi gần nhất"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    sent_at = models.DateTimeField(_("thời điểm gửi xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông điệp gửi đi")
        verbose_name_plural = _("thông điệp gửi đi")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="documents_transmission_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.organ_code} ({self.get_state_display()})"


# Work files, archives and attachment text live in their own module (issue 12, part B).
from .models_archive import (  # noqa: E402, F401
    AccessCondition,
    AttachmentText,
    DocumentReply,
    FiledDocument,
    SearchEntry,
    WorkFile,
    WorkFileStatus,
)


class ChainRole(models.TextChoices):
    """Who may stand at a step of a configured approval chain (roles of ``agencies``)."""

    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")


class ApprovalChain(models.Model):
    """An agency's configured approval chain (luồng duyệt) for one document type, or its default
    (``document_type`` empty): the ordered review steps, then the signer (always a leader of the
    agency). A draft follows the chain in force when it is first submitted to the end, returns
    included: its plan is copied onto the draft (``OutgoingDocument.chain_plan``), so editing a chain
    never moves a draft already on its way."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    document_type = models.CharField(
        _("loại văn bản"), max_length=4, choices=DocumentType.choices, blank=True
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký cố định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Bỏ trống: người soạn thảo chọn một lãnh đạo của cơ quan."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("luồng duyệt")
        verbose_name_plural = _("luồng duyệt")
        ordering = ["agency_id", "document_type"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "document_type"], name="documents_chain_once_per_type")
        ]

    def __str__(self) -> str:
        return self.get_document_type_display() or str(_("Mặc định (mọi loại văn bản)"))


class ApprovalChainStep(models.Model):
    """One review step of a configured chain: a role, in the agency itself or in one of its units,
    and optionally the one person who holds the step (otherwise the drafter picks among the holders)."""

    chain = models.ForeignKey(ApprovalChain, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    role = models.CharField(_("vai trò"), max_length=12, choices=ChainRole.choices)
    unit = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt cố định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bước của luồng duyệt")
        verbose_name_plural = _("bước của luồng duyệt")
        ordering = ["chain_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="documents_chain_step_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_role_display()}"
