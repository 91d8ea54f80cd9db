"""Models of the LGSP's publish / subscribe: event types, the rights to receive them, subscriptions,
published events and one delivery per (subscription, event).

A published event's payload is what the schema of its type allows: for congso's dossier events that is
the dossier's code, status, agencies, procedure and times — never the applicant. Change rows only
through ``lgsp.services``.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Grant  # defined before lgsp.models imports this module

validate_event_code = RegexValidator(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$",
    _("Mã loại sự kiện gồm chữ thường không dấu, chữ số, '_' và các phần cách nhau bởi dấu '.'."),
)


class EventType(models.Model):
    """A kind of event systems may subscribe to, with the JSON Schema every payload of it satisfies.

    ``publisher`` is the system that publishes it; empty for congso's own domain events.
    """

    code = models.CharField(
        _("mã loại sự kiện"), max_length=100, unique=True, validators=[validate_event_code]
    )
    name = models.CharField(_("tên loại sự kiện"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    schema = models.JSONField(_("lược đồ JSON"))
    publisher = models.ForeignKey(
        "lgsp.System",
        verbose_name=_("hệ thống phát hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_types",
    )
    active = models.BooleanField(_("đang phát hành"), default=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("loại sự kiện")
        verbose_name_plural = _("loại sự kiện")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class EventRight(Grant):
    """Permission for a system or a group of systems to receive events of a type.

    Without ``all_agencies`` a system receives only the events about its owner agency (an event names
    the agencies it concerns: for a dossier, the receiving and the current agency). Nothing is received
    without a right in force; a revoked right is kept as the record.
    """

    event_type = models.ForeignKey(
        EventType, verbose_name=_("loại sự kiện"), on_delete=models.CASCADE, related_name="rights"
    )
    system = models.ForeignKey(
        "lgsp.System",
        verbose_name=_("hệ thống được cấp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_rights",
    )
    group = models.ForeignKey(
        "lgsp.SystemGroup",
        verbose_name=_("nhóm được cấp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_rights",
    )
    all_agencies = models.BooleanField(
        _("nhận sự kiện của mọi cơ quan"),
        default=False,
        help_text=_("Không chọn: chỉ nhận sự kiện liên quan đến cơ quan chủ quản của hệ thống."),
    )

    class Meta:
        verbose_name = _("quyền nhận sự kiện")
        verbose_name_plural = _("quyền nhận sự kiện")
        ordering = ["event_type", "-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(system__isnull=False) & Q(group__isnull=True))
                | (Q(system__isnull=True) & Q(group__isnull=False)),
                name="lgsp_event_right_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system or self.group} ← {self.event_type.code}"


class SubscriptionMode(models.TextChoices):
    PUSH = "push", _("Đẩy (webhook)")
    PULL = "pull", _("Kéo (lấy rồi xác nhận)")


class SubscriptionState(models.TextChoices):
    ACTIVE = "active", _("Đang nhận")
    PAUSED = "paused", _("Tạm dừng")


class Subscription(models.Model):
    """A system's subscription to an event type: pushed to ``url`` (signed with the subscription's
    secret, stored encrypted) or pulled from ``/lgsp/events/{public_id}``."""

    public_id = models.UUIDField(_("mã đăng ký"), default=uuid.uuid4, unique=True, editable=False)
    system = models.ForeignKey(
        "lgsp.System", verbose_name=_("hệ thống"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    event_type = models.ForeignKey(
        EventType, verbose_name=_("loại sự kiện"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    mode = models.CharField(_("cách nhận"), max_length=4, choices=SubscriptionMode.choices)
    url = models.URLField(_("địa chỉ nhận (webhook)"), max_length=500, blank=True)
    secret_sealed = models.TextField(_("khóa ký đã mã hóa"), blank=True, editable=False)
    state = models.CharField(
        _("trạng thái"), max_length=6, choices=SubscriptionState.choices, default=SubscriptionState.ACTIVE
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đăng ký nhận sự kiện")
        verbose_name_plural = _("đăng ký nhận sự kiện")
        ordering = ["system", "event_type"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(mode="push") & ~Q(url="")) | (Q(mode="pull") & Q(url="")),
                name="lgsp_subscription_url_for_push",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system.identifier} ← {self.event_type.code} ({self.get_mode_display()})"


class PublishedEvent(models.Model):
    """One event as the LGSP published it: its unique id (receivers deduplicate on it), its type and
    the payload its type's schema allows. ``source`` is the outbox event it came from, so a domain
    event delivered twice publishes once."""

    event_id = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.ForeignKey(
        EventType, verbose_name=_("loại sự kiện"), on_delete=models.PROTECT, related_name="events"
    )
    source = models.CharField(_("nguồn"), max_length=64, blank=True)
    subject = models.CharField(_("đối tượng"), max_length=100, blank=True, help_text=_("Ví dụ: mã hồ sơ."))
    agency_codes = models.JSONField(_("cơ quan liên quan"), default=list)
    payload = models.JSONField(_("nội dung"))
    occurred_at = models.DateTimeField(_("thời điểm xảy ra"))
    published_at = models.DateTimeField(_("thời điểm phát hành"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện đã phát hành")
        verbose_name_plural = _("sự kiện đã phát hành")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_type", "source"], condition=~Q(source=""), name="lgsp_event_once_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type.code} {self.subject or self.event_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã nhận")
    DEAD = "dead", _("Thất bại (chờ gửi lại)")


class Delivery(models.Model):
    """One event for one subscription. Its id is the pull cursor. A push delivery that failed
    ``CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS`` times is dead (the dead-letter list) until an operator replays
    it."""

    id = models.BigAutoField(primary_key=True)
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("đăng ký"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        PublishedEvent, verbose_name=_("sự kiện"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("trạng thái"), max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tới"))
    enqueued_at = models.DateTimeField(_("lần xếp hàng gần nhất"))
    delivered_at = models.DateTimeField(_("thời điểm nhận"), null=True, blank=True)
    dead_at = models.DateTimeField(_("thời điểm chuyển vào danh sách thất bại"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("mã phản hồi gần nhất"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("lượt chuyển sự kiện")
        verbose_name_plural = _("lượt chuyển sự kiện")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="lgsp_delivery_once"),
        ]
        indexes = [models.Index(fields=["subscription", "status", "id"], name="lgsp_delivery_queue")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.system.identifier}"
