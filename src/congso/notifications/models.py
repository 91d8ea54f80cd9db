"""Templates, preferences and notifications.

``Notification`` holds personal data (the address it went to and the text, which names a dossier): the
address is shown masked in every list (``masking``), and the rendered text of a sent notification is
purged after ``CONGSO_NOTIFICATIONS_RETENTION_DAYS`` (``services.purge_old_bodies``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelName(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    IN_APP = "inapp", _("Thông báo trên cổng")


class Language(models.TextChoices):
    VI = "vi", "Tiếng Việt"
    EN = "en", "English"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ gửi")
    SENT = "sent", _("Đã gửi")
    DELIVERED = "delivered", _("Đã đến người nhận")
    FAILED = "failed", _("Không gửi được")


class Template(models.Model):
    """The text of one event's message on one channel in one language. Placeholders are
    ``{{ ten_bien }}`` from the event's list of variables (``templating.VARIABLES``); an unknown one is
    refused when the template is saved (``clean``)."""

    event_key = models.CharField(_("sự kiện"), max_length=80)
    channel = models.CharField(_("kênh"), max_length=16, choices=ChannelName.choices)
    language = models.CharField(_("ngôn ngữ"), max_length=8, choices=Language.choices, default=Language.VI)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    strip_diacritics = models.BooleanField(
        _("bỏ dấu tiếng Việt khi gửi SMS"),
        default=True,
        help_text=_("Tin nhắn có dấu phải gửi theo mã UCS-2: 70 ký tự một tin thay vì 160, chi phí gấp đôi."),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["event_key", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "channel", "language"], name="notification_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_key} · {self.channel} · {self.language}"

    def clean(self) -> None:
        from .templating import check_template

        check_template(self)


class Preference(models.Model):
    """What one account chose: its language and the channels it wants. Legally required notices go
    out even when every channel is off (``recipients.channels_for``)."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("tài khoản"),
    )
    language = models.CharField(_("ngôn ngữ"), max_length=8, choices=Language.choices, default=Language.VI)
    email_enabled = models.BooleanField(_("nhận qua thư điện tử"), default=True)
    sms_enabled = models.BooleanField(_("nhận qua tin nhắn SMS"), default=True)
    in_app_enabled = models.BooleanField(_("nhận trên cổng dịch vụ công"), default=True)
    digest_enabled = models.BooleanField(_("nhận bản tin buổi sáng (cán bộ)"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cài đặt thông báo")
        verbose_name_plural = _("cài đặt thông báo")

    def __str__(self) -> str:
        return str(self.account)

    def wants(self, channel: str) -> bool:
        return {
            ChannelName.EMAIL: self.email_enabled,
            ChannelName.SMS: self.sms_enabled,
            ChannelName.IN_APP: self.in_app_enabled,
        }.get(channel, False)


class NotificationQuerySet(models.QuerySet):
    def for_account(self, account):
        """The in-app messages of ``account``, newest first."""
        return self.filter(recipient=account, channel=ChannelName.IN_APP).order_by("-created_at", "-pk")

    def unread_for(self, account):
        return self.filter(recipient=account, channel=ChannelName.IN_APP, read_at__isnull=True)

    def of_dossier(self, dossier_id: int):
        return self.filter(dossier_id=dossier_id).order_by("created_at", "pk")


class Notification(models.Model):
    """One message to one recipient on one channel about one event.

    ``dedup_key`` names what caused it (``event:<outbox id>`` or ``digest:<date>``); with the recipient
    and the channel it is unique, so an event delivered twice by the outbox makes no second message.
    ``recipient_key`` is ``account:<id>`` or, for a dossier filed without an account,
    ``address:<phone or e-mail>``.
    """

    dedup_key = models.CharField(_("nguồn"), max_length=80)
    recipient_key = models.CharField(_("người nhận (khóa)"), max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản nhận"),
    )
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    channel = models.CharField(_("kênh"), max_length=16, choices=ChannelName.choices)
    event_id = models.UUIDField(_("mã sự kiện"), null=True, blank=True)
    event_key = models.CharField(_("sự kiện"), max_length=80)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default=Language.VI)
    required = models.BooleanField(_("thông báo bắt buộc"), default=False)
    dossier_id = models.BigIntegerField(_("hồ sơ"), null=True, blank=True, db_index=True)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    failure_reason = models.TextField(_("lý do lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    provider_message_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đến người nhận lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("lỗi lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    body_purged_at = models.DateTimeField(_("đã xóa nội dung lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key", "recipient_key", "channel"], name="notification_once_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["status", "created_at"], name="notification_status_idx"),
            # What the batch claim reads: the due notifications of one channel, oldest due first.
            models.Index(fields=["status", "channel", "next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_key} → {self.channel} #{self.pk}"

    @property
    def client_message_id(self) -> str:
        """The id the gateway deduplicates on: the same for every attempt of this notification."""
        return f"congso-{self.pk}"
