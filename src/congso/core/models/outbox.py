import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """A domain event (sự kiện nghiệp vụ), written in the same transaction as the change that caused it.

    Immutable once written. ``payload`` carries identifiers and the facts subscribers need, not whole
    personal records: a subscriber that needs more asks the owning block's services.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("tên sự kiện"), max_length=100, db_index=True)
    aggregate_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    aggregate_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    payload = models.JSONField(_("nội dung"), default=dict)
    occurred_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("hộp thư sự kiện (outbox)")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["aggregate_type", "aggregate_id"], name="core_event_aggregate_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.aggregate_type}:{self.aggregate_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    PARKED = "parked", _("Tạm dừng do lỗi")


class EventDelivery(models.Model):
    """The delivery of one event to one subscriber: tried at least once, retried with backoff, and
    finally parked with its error when it keeps failing, without holding up other deliveries."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(_("bên nhận"), max_length=150)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("lần thử tiếp theo"))
    enqueued_at = models.DateTimeField(_("thời điểm xếp hàng"))
    delivered_at = models.DateTimeField(_("thời điểm gửi xong"), null=True, blank=True)
    parked_at = models.DateTimeField(_("thời điểm tạm dừng"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("lượt gửi sự kiện")
        verbose_name_plural = _("lượt gửi sự kiện")
        ordering = ["-enqueued_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="core_delivery_once_per_subscriber")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.event.name} → {self.subscriber} ({self.get_status_display()})"
