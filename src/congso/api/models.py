"""The idempotency records of POST transitions: one per (caller, ``Idempotency-Key``), holding the hash of
the request and the response it got, so that a retry with the same key and body gets the same answer and
changes nothing, and a reuse of the key for another request is refused (422)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    caller = models.CharField(
        _("bên gọi"),
        max_length=200,
        help_text=_("Hệ thống gọi qua LGSP (mã CLASS/MEMBER/SYSTEM) hoặc phiên đăng nhập của cán bộ."),
    )
    key = models.CharField(_("khóa Idempotency-Key"), max_length=200)
    request_hash = models.CharField(_("băm yêu cầu"), max_length=64)
    method = models.CharField(_("phương thức"), max_length=10)
    path = models.CharField(_("đường dẫn"), max_length=500)
    status = models.PositiveSmallIntegerField(_("mã trạng thái trả lời"))
    body = models.JSONField(_("nội dung trả lời"), default=dict)
    etag = models.CharField(_("ETag trả lời"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("bản ghi Idempotency-Key")
        verbose_name_plural = _("bản ghi Idempotency-Key")
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="api_idempotency_key_per_caller")
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
