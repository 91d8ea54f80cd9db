"""The one-stop dossier (hồ sơ) and what hangs off it: papers, status history, hand-overs, results.

Every model here holds personal data of the applicant or concerns it. Rows are written only through
``dossiers.services``; other blocks read them through that module too.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from congso.core import stored_files, timeliness

from .query import DossierQuerySet


class Status(models.IntegerChoices):
    """The 10 statuses used when synchronising with the National Public Service Portal (STANDARDS §1)."""

    SUBMITTED = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    IN_PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESULT_READY = 9, _("Đã xử lý xong")
    RESULT_RETURNED = 10, _("Đã trả kết quả")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")
    POSTAL = "postal", _("Qua dịch vụ bưu chính công ích")
    # Submitted on the National Public Service Portal and pulled by the nationalportal block.
    NATIONAL_PORTAL = "national_portal", _("Qua Cổng Dịch vụ công quốc gia")


# Early / on time / late: one vocabulary and one rule for dossiers and workflow steps (core.timeliness).
Timeliness = timeliness.Timeliness


class FormCode(models.TextChoices):
    """The standard forms, Circular 03/2025/TT-VPCP numbering (STANDARDS §1)."""

    RECEIPT = "01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT_REQUEST = "02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY_EXTENSION = "04", _("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")
    STOP_NOTICE = "05", _("Thông báo dừng giải quyết hồ sơ")
    CONTROL_SHEET = "06", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")
    LOGBOOK = "07", _("Sổ theo dõi hồ sơ")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")
    ELECTRONIC = "electronic", _("Trực tuyến (bản điện tử)")
    POSTAL = "postal", _("Qua dịch vụ bưu chính công ích")


class PaperStage(models.TextChoices):
    SUBMISSION = "submission", _("Khi nộp hồ sơ")
    SUPPLEMENT = "supplement", _("Bổ sung")
    RESULT = "result", _("Kết quả giải quyết")


class ScanStatus(models.TextChoices):
    CLEAN = "clean", _("Đã quét, không phát hiện mã độc")
    NOT_SCANNED = "not_scanned", _("Chưa quét mã độc")


class Dossier(models.Model):
    """A dossier received under the one-stop mechanism (hồ sơ thủ tục hành chính).

    ``code`` follows STANDARDS §1 (``<agency code>-<YYMMDD>-<NNNN>``). ``procedure_version`` is the
    version in force when the dossier was received and never changes afterwards.
    ``due_at`` is the appointment shown to the applicant (moves with supplement pauses and extensions);
    ``statutory_due_at`` is the deadline under the procedure's time limit (moves with supplement pauses,
    never with an extension) and is what timeliness is measured against.
    Holds personal data: applicant identity, contact details and the submitted form data.
    """

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("thủ tục (phiên bản)"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    current_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan đang xử lý"),
        on_delete=models.PROTECT,
        related_name="current_dossiers",
    )
    processing_agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("các cơ quan tham gia xử lý"),
        blank=True,
        related_name="processed_dossiers",
    )
    channel = models.CharField(_("kênh nộp"), max_length=16, choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices, db_index=True)

    # The applicant (người nộp hồ sơ / chủ hồ sơ) and, where different, who acted for them.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ tên chủ hồ sơ"), max_length=200)
    applicant_national_id = models.CharField(
        _("số định danh / mã số thuế"), max_length=14, blank=True, db_index=True
    )
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    acting_for = models.JSONField(
        _("nộp thay"),
        default=dict,
        blank=True,
        help_text=_("Người được đại diện khi nộp thay: quan hệ, họ tên, số định danh."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    # Dates. ``due_at`` is the appointment (ngày hẹn trả); it moves with pauses and extensions.
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    statutory_due_at = models.DateTimeField(_("hạn giải quyết theo quy định"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    timeliness = models.CharField(
        _("kết quả đúng hạn"), max_length=10, choices=Timeliness.choices, blank=True
    )
    # Secret printed on the receipt, the second factor of the public status page.
    lookup_pin = models.CharField(_("mã tra cứu"), max_length=12, blank=True)

    # The result (kết quả giải quyết) and how it was handed back.
    result_note = models.TextField(_("ghi chú kết quả"), blank=True)
    return_method = models.CharField(
        _("hình thức trả kết quả"), max_length=16, choices=ReturnMethod.choices, blank=True
    )

    # Working hours before the appointment from which the dossier is "at risk" (form 04 prompted): a share
    # of the working time it was allotted at receipt, so a same-day dossier is not at risk on arrival
    # (``deadlines.at_risk_window``). Empty on rows older than the rule: the configured largest window.
    at_risk_hours = models.FloatField(_("cảnh báo sắp đến hạn trước (giờ làm việc)"), null=True, blank=True)

    # Deadline watch book-keeping, so each warning is published once (see ``deadlines.watch``).
    at_risk_flagged_due_at = models.DateTimeField(
        _("đã cảnh báo sắp đến hạn (cho hạn)"),
        null=True,
        blank=True,
        help_text=_("Hạn trả kết quả đã được cảnh báo sắp đến hạn; cảnh báo lại nếu hạn thay đổi."),
    )
    overdue_flagged_at = models.DateTimeField(_("đã cảnh báo quá hạn lúc"), null=True, blank=True)

    # Set while a BPMN process of the workflow block drives the steps (``services.attach_process``): the
    # process's label. Officers then route the dossier by doing their work items, not by ``hand_over``.
    routed_by_process = models.CharField(
        _("quy trình đang điều phối"),
        max_length=200,
        blank=True,
        help_text=_("Hồ sơ đang được chuyển bước theo quy trình này; để trống khi cán bộ tự chuyển."),
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["current_agency", "status", "due_at", "id"], name="dossier_inbox_idx"),
            models.Index(fields=["receiving_agency", "-submitted_at", "-id"], name="dossier_received_idx"),
            # The "received by my agency" inbox by status, sorted by due date (bench/dossier_inbox.py).
            models.Index(
                fields=["receiving_agency", "status", "due_at", "id"], name="dossier_recv_inbox_idx"
            ),
            models.Index(fields=["applicant", "-submitted_at"], name="dossier_applicant_idx"),
            models.Index(fields=["submitted_by", "-submitted_at"], name="dossier_submitter_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        """Still awaiting a decision or a result (its deadline is being watched)."""
        from .states import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class DailySequence(models.Model):
    """The last dossier number used by an agency on a day (gap-free counter for ``codes``).

    Incremented under a row lock inside the submission's transaction, so a rolled-back submission
    does not consume a number.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("ngày"))
    last_value = models.PositiveIntegerField(_("số thứ tự cuối"), default=0)

    class Meta:
        verbose_name = _("số thứ tự hồ sơ trong ngày")
        verbose_name_plural = _("số thứ tự hồ sơ trong ngày")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossiers_sequence_agency_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%Y-%m-%d} {self.last_value}"


class StatusChange(models.Model):
    """One transition of the status machine (``states.TRANSITIONS``), in the order it happened.

    ``from_status`` is empty for the creation of the dossier. ``form_code`` names the standard form the
    transition produces (01–05), if any. Concerns personal data (the acting officer, the reason).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(_("thao tác"), max_length=40)
    from_status = models.PositiveSmallIntegerField(
        _("từ trạng thái"), choices=Status.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField(_("sang trạng thái"), choices=Status.choices)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("lý do, nội dung"), blank=True)
    form_code = models.CharField(_("mẫu phiếu"), max_length=2, choices=FormCode.choices, blank=True)
    extra = models.JSONField(_("thông tin thêm"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử trạng thái")
        verbose_name_plural = _("lịch sử trạng thái")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_status} → {self.to_status}"


class SupplementRequest(models.Model):
    """The one supplement request of a dossier (form 02): everything needed, listed at once.

    One per dossier (the law allows a single request), enforced by the unique dossier. ``from_status``
    is where the dossier returns once the applicant supplies the papers. ``clock_rule`` is copied from
    the procedure version when requested. Concerns personal data (the officer, the applicant).
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="supplement_request")
    items = models.JSONField(_("giấy tờ, nội dung cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"), blank=True)
    from_status = models.PositiveSmallIntegerField(_("trạng thái trước khi yêu cầu"), choices=Status.choices)
    clock_rule = models.CharField(_("cách tính thời hạn"), max_length=16)
    # Empty when the request was a step of the dossier's process (the status change names the process).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"))
    provided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người bổ sung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provided_at = models.DateTimeField(_("thời điểm bổ sung"), null=True, blank=True)
    note = models.TextField(_("ghi chú khi bổ sung"), blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung hồ sơ")
        verbose_name_plural = _("yêu cầu bổ sung hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {len(self.items)}"


class Extension(models.Model):
    """An apology and extension letter (form 04): the appointment moved from ``old_due_at`` to
    ``new_due_at``. ``before_deadline`` says whether it was issued before the appointment passed, as
    the law requires. Concerns personal data (the officer)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="extensions")
    old_due_at = models.DateTimeField(_("hẹn trả cũ"))
    new_due_at = models.DateTimeField(_("hẹn trả mới"))
    reason = models.TextField(_("lý do chậm"))
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT, related_name="+"
    )
    extended_at = models.DateTimeField(_("thời điểm ban hành"))
    before_deadline = models.BooleanField(_("ban hành trước hạn"), default=True)
    form_code = models.CharField(
        _("mẫu phiếu"),
        max_length=2,
        choices=FormCode.choices,
        default=FormCode.APOLOGY_EXTENSION,
        editable=False,
    )

    class Meta:
        verbose_name = _("gia hạn (phiếu xin lỗi)")
        verbose_name_plural = _("gia hạn (phiếu xin lỗi)")
        ordering = ["dossier", "extended_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.old_due_at:%d/%m/%Y} → {self.new_due_at:%d/%m/%Y}"


def hours_text(hours) -> str:
    """Working hours without trailing zeros, for data and audit: ``8`` (not ``8.00``) or ``0.5``."""
    text = f"{Decimal(hours):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class HandOver(models.Model):
    """One row of the control sheet (form 06): the dossier handed from one unit to the next.

    ``due_at`` is the step's deadline from its allotted working hours (or the dossier's appointment when
    no allotment is given); ``result`` is set when the row is closed (the next hand-over, the end of the
    step, the result or the end of the dossier) and classifies it early / on time / late.

    The giver is an officer (``given_by``), or the dossier's BPMN process (``given_by`` empty,
    ``given_by_label`` "Quy trình: <name> (phiên bản <n>)", and ``step_completed_by`` the officer whose
    completed step led to the hand-over — empty on a timer path). A process row carries ``step_ref``, the
    engine's reference of the step it is for, so the engine closes exactly that row when the step ends.

    Several rows may be open at once when a process runs parallel branches (liên thông: police and
    social insurance at the same time): those are ``is_branch`` rows and do not move the dossier's
    ``current_agency``. At most one open row is not a branch — the lead line, whose agency is the
    dossier's ``current_agency``. Concerns personal data (giver and receiver).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="hand_overs")
    step_name = models.CharField(_("bước xử lý"), max_length=200)
    from_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_unit_label = models.CharField(_("bộ phận giao"), max_length=200, blank=True)
    to_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit_label = models.CharField(_("bộ phận nhận"), max_length=200, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_by_label = models.CharField(_("giao theo"), max_length=200, blank=True)
    step_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hoàn thành bước trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_ref = models.CharField(_("mã bước của quy trình"), max_length=100, blank=True)
    is_branch = models.BooleanField(_("nhánh song song"), default=False)
    handed_at = models.DateTimeField(_("thời điểm giao"))
    # Decimal: a quick step of a process is allotted half an hour (``0.5``), like its work item.
    allotted_hours = models.DecimalField(
        _("thời gian được giao (giờ làm việc)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    completed_at = models.DateTimeField(_("thời điểm hoàn thành"), null=True, blank=True)
    result = models.CharField(_("kết quả"), max_length=10, choices=Timeliness.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bàn giao (phiếu kiểm soát)")
        verbose_name_plural = _("bàn giao (phiếu kiểm soát)")
        ordering = ["dossier", "handed_at", "id"]
        constraints = [
            # The lead line is in one place at a time; parallel branches are the other open rows.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(completed_at__isnull=True, is_branch=False),
                name="dossiers_one_open_lead_handover",
            ),
            # A process step has at most one open row.
            models.UniqueConstraint(
                fields=["dossier", "step_ref"],
                condition=models.Q(completed_at__isnull=True) & ~models.Q(step_ref=""),
                name="dossiers_one_open_handover_per_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.step_name}"

    @property
    def allotted_hours_text(self) -> str:
        """The allotted hours as people read them: ``8`` or ``0,5`` (the active language's decimal mark),
        never ``8.00``; empty without an allotted time."""
        if self.allotted_hours is None:
            return ""
        return formats.number_format(Decimal(hours_text(self.allotted_hours)))

    @property
    def from_unit_shown(self) -> str:
        """The giving unit as the pages show it: a stored role name in the reader's language."""
        return _role_label_of(self.from_unit_label)

    @property
    def to_unit_shown(self) -> str:
        """The receiving unit as the pages show it: a stored role name in the reader's language."""
        return _role_label_of(self.to_unit_label)

    @property
    def giver_label(self) -> str:
        """Who gave the dossier, as the control sheet prints it: the officer, or the process."""
        if self.given_by_id is not None:
            return self.given_by.get_full_name() or str(self.given_by)
        return self.given_by_label


def _role_label_of(text: str) -> str:
    from congso.agencies import services as agencies

    return agencies.role_label_of(text) if text else text


def paper_upload_to(instance, filename):
    """Files never take a user-supplied name: ``dossiers/<yyyy>/<mm>/<uuid><ext>`` (ext from content)."""
    from .files import storage_name

    return storage_name(instance.content_type)


class DossierPaper(models.Model):
    """A file of the dossier: a submitted or supplemented paper (thành phần hồ sơ) or a result file.

    ``original_name`` is only shown to people; the stored path is random. Holds personal data.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers")
    required_paper_code = models.CharField(_("mã thành phần hồ sơ"), max_length=60, blank=True)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    file = models.FileField(_("tệp"), upload_to=paper_upload_to, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    scan_status = models.CharField(_("quét mã độc"), max_length=16, choices=ScanStatus.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"))
    stage = models.CharField(_("giai đoạn"), max_length=16, choices=PaperStage.choices)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


def _recent_paper_folders(now) -> list[str]:
    """Papers are stored under ``dossiers/<yyyy>/<mm>/``: a file orphaned by a crash is in this month's
    folder or, just after the turn of a month, the previous one; older folders need no walking."""
    from datetime import timedelta

    from django.utils import timezone

    this_month = timezone.localtime(now).replace(day=1)
    last_month = this_month - timedelta(days=1)
    return [f"dossiers/{month:%Y}/{month:%m}" for month in (last_month, this_month)]


# Papers and result files written by a process killed before its transaction committed are swept.
stored_files.register_owner("dossiers/", DossierPaper, "file", recent_folders=_recent_paper_folders)
