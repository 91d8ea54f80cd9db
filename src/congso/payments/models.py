"""Payment intents, what the providers told us, receipts, refunds, reconciliation and electronic results.

Every row that holds money keeps the amount in whole đồng (``PositiveBigIntegerField``); the currency is
always VND today and stored so that a mismatch can be refused, not assumed away.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IntentStatus(models.TextChoices):
    CREATED = "created", _("Mới tạo")
    PENDING = "pending", _("Đang chờ xác nhận")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    ABANDONED = "abandoned", _("Người nộp đã hủy")
    EXPIRED = "expired", _("Hết hạn")
    REFUNDED = "refunded", _("Đã hoàn tiền")


# An intent in one of these holds the (dossier, amount) pair: a second one is not created beside it.
LIVE_STATUSES = (IntentStatus.CREATED, IntentStatus.PENDING, IntentStatus.PAID)
FINAL_STATUSES = (
    IntentStatus.PAID,
    IntentStatus.FAILED,
    IntentStatus.ABANDONED,
    IntentStatus.EXPIRED,
    IntentStatus.REFUNDED,
)


class PaymentIntent(models.Model):
    """One attempt to pay one dossier's amount through one provider. At most one live intent (created,
    pending or paid) per dossier and amount; after a failure, abandonment or expiry a new one may start."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payment_intents", verbose_name=_("hồ sơ")
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nộp tiền"),
    )
    provider = models.CharField(_("kênh thanh toán"), max_length=20)
    reference = models.CharField(_("mã tham chiếu"), max_length=100, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    currency = models.CharField(_("tiền tệ"), max_length=3, default="VND")
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=IntentStatus.choices, default=IntentStatus.CREATED
    )
    description = models.CharField(_("nội dung thanh toán"), max_length=255)
    provider_transaction = models.CharField(_("mã giao dịch của kênh thanh toán"), max_length=60, blank=True)
    provider_code = models.CharField(_("mã kết quả của kênh thanh toán"), max_length=8, blank=True)
    gateway_url = models.URLField(max_length=300)  # the provider's base address used for this intent
    created_stamp = models.CharField(max_length=14)  # the exact yyyyMMddHHmmss string sent (GMT+7)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    settled_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    settled_by = models.CharField(
        _("xác nhận bởi"), max_length=20, blank=True
    )  # ipn / query / reconciliation

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "amount"],
                condition=Q(status__in=["created", "pending", "paid"]),
                name="payments_one_live_intent_per_dossier_amount",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_paid(self) -> bool:
        return self.status == IntentStatus.PAID


class Channel(models.TextChoices):
    IPN = "ipn", _("Thông báo IPN (máy chủ – máy chủ)")
    CALLBACK = "callback", _("Xác nhận của nền tảng (máy chủ – máy chủ)")
    RETURN = "return", _("Trình duyệt quay lại")
    QUERY = "query", _("Tra cứu trạng thái")
    STATEMENT = "statement", _("Sao kê đối soát")


class ProviderNotification(models.Model):
    """One message received from a provider, raw, whether its signature held and what was done with it."""

    provider = models.CharField(max_length=20)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    intent = models.ForeignKey(
        PaymentIntent, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    reference = models.CharField(max_length=100, blank=True)
    payload = models.JSONField(default=dict)
    verified = models.BooleanField(default=False)
    outcome = models.CharField(max_length=40)
    answer_code = models.CharField(max_length=8, blank=True)
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo của kênh thanh toán")
        verbose_name_plural = _("thông báo của kênh thanh toán")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.channel} {self.reference} {self.outcome}"


class Receipt(models.Model):
    """The electronic fee receipt of one paid intent, numbered per year (``BL2026-000001``)."""

    intent = models.OneToOneField(PaymentIntent, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("số biên lai"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("ngày lập"))

    class Meta:
        verbose_name = _("biên lai điện tử")
        verbose_name_plural = _("biên lai điện tử")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="payments_receipt_sequence")]

    def __str__(self) -> str:
        return self.number


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Chờ phê duyệt")
    REJECTED = "rejected", _("Không phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt, đang hoàn tiền")
    REFUNDED = "refunded", _("Đã hoàn tiền")
    FAILED = "failed", _("Hoàn tiền không thành công")


class Refund(models.Model):
    """A refund of a paid intent: asked by one officer, approved (or not) by another, then sent."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("số tiền hoàn (đồng)"))
    reason = models.TextField(_("lý do"))
    status = models.CharField(max_length=12, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    provider_answer = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("hoàn tiền")
        verbose_name_plural = _("hoàn tiền")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.intent.reference} −{self.amount}"


class ReconciliationRun(models.Model):
    """One comparison of a provider's statement of a day with congso's records."""

    provider = models.CharField(max_length=20)
    day = models.DateField(_("ngày đối soát"))
    ran_at = models.DateTimeField(auto_now_add=True)
    statement_rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lần đối soát")
        verbose_name_plural = _("lần đối soát")
        ordering = ["-day", "-ran_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"


class MismatchKind(models.TextChoices):
    MISSING_HERE = "missing_here", _("Kênh thanh toán có, congso không có")
    NOT_PAID_HERE = "not_paid_here", _("Kênh thanh toán ghi đã thu, congso chưa ghi nhận")
    NOT_PAID_THERE = "not_paid_there", _("congso ghi đã thu, kênh thanh toán không có")
    AMOUNT = "amount", _("Số tiền khác nhau")


class Mismatch(models.Model):
    """A difference found by a reconciliation run; the finance officer resolves it with a reason."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="mismatches")
    kind = models.CharField(_("loại chênh lệch"), max_length=16, choices=MismatchKind.choices)
    reference = models.CharField(_("mã tham chiếu"), max_length=100)
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, null=True, blank=True)
    provider_amount = models.BigIntegerField(null=True, blank=True)
    our_amount = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("cách xử lý"), blank=True)

    class Meta:
        verbose_name = _("chênh lệch đối soát")
        verbose_name_plural = _("chênh lệch đối soát")
        ordering = ["resolved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class ElectronicResult(models.Model):
    """A result file delivered electronically to the applicant, with its SHA-256 for the public check."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    paper_id = models.PositiveBigIntegerField()  # the dossier's result paper (dossiers.Paper)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    token = models.CharField(max_length=40, unique=True)  # in the verification link
    delivered_at = models.DateTimeField(auto_now_add=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")
        constraints = [models.UniqueConstraint(fields=["dossier", "paper_id"], name="payments_result_once")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def public_name(self) -> str:
        """The name public pages show: the uploaded file's own name may carry a person's name (personal
        data), so only the dossier code, the paper's number and the file's type are told."""
        suffix = PurePosixPath(self.file_name).suffix.lower()
        suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
        return f"ket-qua-{self.dossier.code}-{self.paper_id}{suffix}"
