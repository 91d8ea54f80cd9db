"""Admin of notifications: templates (with the variables, a preview and the SMS segment count; an
unknown variable is refused on save) and a read-only list of notifications with contact details masked."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services, sms, templating
from .masking import mask_address
from .models import ChannelName, Notification, Template


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("event_key", "channel", "language", "is_active", "updated_at")
    list_filter = ("channel", "language", "is_active", "event_key")
    fields = (
        "event_key",
        "channel",
        "language",
        "subject",
        "body",
        "strip_diacritics",
        "is_active",
        "variables",
        "preview",
    )
    readonly_fields = ("variables", "preview")

    @admin.display(description=gettext_lazy("biến được dùng"))
    def variables(self, obj):
        known = templating.VARIABLES.get(obj.event_key) if obj and obj.pk else None
        if known is None:
            rows = [
                (f"{key}", str(templating.EVENT_LABELS.get(key, ""))) for key in sorted(templating.VARIABLES)
            ]
            return format_html(
                "<p>{}</p><ul>{}</ul>",
                _("Sự kiện có thể chọn:"),
                format_html_join("", "<li><code>{}</code> — {}</li>", rows),
            )
        return format_html_join(
            "", "<p><code>{{{{ {} }}}}</code> — {}</p>", ((name, str(label)) for name, label in known.items())
        )

    @admin.display(description=gettext_lazy("xem trước"))
    def preview(self, obj):
        if not obj or not obj.pk:
            return _("Lưu mẫu để xem trước.")
        values = dict(templating.SAMPLE_VALUES)
        subject = templating.render(obj.subject, values)
        body = templating.render(obj.body, values)
        parts = [format_html("<p><strong>{}</strong></p><p>{}</p>", subject, body)]
        if obj.channel == ChannelName.SMS:
            sent = sms.strip_diacritics(body) if obj.strip_diacritics else body
            segments = sms.count(sent)
            parts.append(
                format_html(
                    "<p>{}</p>",
                    _("SMS: %(chars)s ký tự, mã %(enc)s, %(parts)s tin (%(per)s ký tự/tin).")
                    % {
                        "chars": segments.characters,
                        "enc": segments.encoding,
                        "parts": segments.parts,
                        "per": segments.per_part,
                    },
                )
            )
            if segments.unicode:
                parts.append(
                    format_html(
                        "<p><strong>{}</strong></p>",
                        _(
                            "Cảnh báo: nội dung có dấu tiếng Việt (%(chars)s) nên phải gửi theo mã UCS-2 — "
                            "70 ký tự một tin, chi phí khoảng gấp đôi. Bật “bỏ dấu tiếng Việt khi gửi SMS” "
                            "để gửi theo GSM-7 (160 ký tự)."
                        )
                        % {"chars": segments.forced_by},
                    )
                )
        return format_html_join("", "{}", ((part,) for part in parts))

    def save_model(self, request, obj, form, change):
        from congso.core import audit

        super().save_model(request, obj, form, change)
        audit.record(
            "notifications.template.save",
            obj,
            actor=request.user,
            changes={"subject": obj.subject, "body": obj.body, "is_active": obj.is_active},
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("pk", "event_key", "channel", "masked_address", "status", "attempts", "created_at")
    list_filter = ("channel", "status", "event_key")
    fields = (
        "event_key",
        "channel",
        "masked_address",
        "language",
        "required",
        "status",
        "failure_reason",
        "attempts",
        "provider_message_id",
        "created_at",
        "sent_at",
        "delivered_at",
        "failed_at",
        "body_purged_at",
    )
    readonly_fields = fields
    actions = ["retry_failed"]

    @admin.display(description=gettext_lazy("địa chỉ nhận"))
    def masked_address(self, obj):
        return mask_address(obj.address) or (_("tài khoản #%(id)s") % {"id": obj.recipient_id})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Gửi lại các thông báo lỗi đã chọn"))
    def retry_failed(self, request, queryset):
        count = services.retry_failed(queryset)
        self.message_user(request, _("Đã đưa %(n)s thông báo vào hàng đợi gửi lại.") % {"n": count})
