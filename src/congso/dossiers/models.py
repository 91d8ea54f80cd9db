"""The one-stop dossier (hồ sơ) and what hangs off it: papers, status history, hand-overs, results.

Every model here holds personal data of the applicant or concerns it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Dossier(models.Model):
    """A dossier received under the one-stop mechanism (hồ sơ thủ tục hành chính).

    ``code`` follows STANDARDS §1 (``<agency code>-<YYMMDD>-<NNNN>``). ``procedure_version`` is the
    version in force when the dossier was received and never changes afterwards.
    Holds personal data: applicant identity, contact details and the submitted form data.
    """

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("thủ tục (phiên bản)"), on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan tiếp nhận"), on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    current_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan đang xử lý"), on_delete=models.PROTECT,
        related_name="current_dossiers",
    )
    processing_agencies = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("các cơ quan tham gia xử lý"), blank=True,
        related_name="processed_dossiers",
    )
    channel = models.CharField(_("kênh nộp"), max_length=16, choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices, db_index=True)

    # The applicant (người nộp hồ sơ / chủ hồ sơ) and, where different, who acted for them.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản người nộp"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ tên chủ hồ sơ"), max_length=200)
    applicant_national_id = models.CharField(_("số định danh / mã số thuế"), max_length=14, blank=True,
                                             db_index=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    acting_for = models.JSONField(
        _("nộp thay"), default=dict, blank=True,
        help_text=_("Người được đại diện khi nộp thay: quan hệ, họ tên, số định danh."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện nộp"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    # Dates. ``due_at`` is the appointment (ngày hẹn trả); it moves with pauses and extensions.
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    timeliness = models.CharField(_("kết quả đúng hạn"), max_length=10, choices=Timeliness.choices, blank=True)
    # Secret printed on the receipt, the second factor of the public status page.
    lookup_pin = models.CharField(_("mã tra cứu"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["current_agency", "status", "due_at", "id"], name="dossier_inbox_idx"),
            models.Index(fields=["receiving_agency", "-submitted_at", "-id"], name="dossier_received_idx"),
            models.Index(fields=["applicant", "-submitted_at"], name="dossier_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.code
