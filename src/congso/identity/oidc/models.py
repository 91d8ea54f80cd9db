"""What congso knows about an OpenID Connect client beyond the toolkit's ``Application``, and the
sign-in sessions a person opened at each client (for ``acr``, ``sid`` and back-channel logout).

Imported by ``identity.models`` so that Django finds the models of the ``identity`` app.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientProfile(models.Model):
    """The platform administrator's decisions about one client: what it may learn, who owns it, where
    its back-channel logout endpoint is. A client without a profile is a third party with no owner
    that receives no national ID."""

    application = models.OneToOneField(
        "oauth2_provider.Application",
        verbose_name=_("ứng dụng"),
        on_delete=models.CASCADE,
        related_name="congso_profile",
    )
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan chủ quản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Hệ thống được đăng ký vào danh mục hệ thống của LGSP dưới cơ quan này."),
    )
    system_code = models.SlugField(
        _("mã hệ thống"),
        max_length=50,
        blank=True,
        help_text=_("Mã của hệ thống trong danh mục LGSP; để trống thì dùng mã ứng dụng (client ID)."),
    )
    may_receive_national_id = models.BooleanField(
        _("được nhận số định danh cá nhân"),
        default=False,
        help_text=_(
            "Chỉ bật cho hệ thống có căn cứ pháp lý để xử lý số định danh cá nhân (phạm vi national_id)."
        ),
    )
    backchannel_logout_uri = models.URLField(
        _("địa chỉ đăng xuất kênh sau (back-channel)"),
        blank=True,
        help_text=_("Khi người dùng đăng xuất khỏi congso, máy chủ gửi logout token tới địa chỉ này."),
    )

    class Meta:
        app_label = "identity"
        verbose_name = _("hồ sơ ứng dụng OpenID Connect")
        verbose_name_plural = _("hồ sơ ứng dụng OpenID Connect")

    def __str__(self) -> str:
        return str(self.application)

    def clean(self) -> None:
        super().clean()
        if self.owner_agency_id is None:
            raise ValidationError(
                {
                    "owner_agency": _(
                        "Hãy chọn cơ quan chủ quản: ứng dụng được đăng ký vào LGSP dưới cơ quan này."
                    )
                }
            )
        scheme = self.backchannel_logout_uri.split(":", 1)[0].lower()
        allowed = {"https", "http"} if settings.CONGSO_OIDC_BACKCHANNEL_ALLOW_HTTP else {"https"}
        if self.backchannel_logout_uri and scheme not in allowed:
            raise ValidationError(
                {"backchannel_logout_uri": _("Địa chỉ đăng xuất kênh sau phải dùng HTTPS.")}
            )


class RelyingPartySession(models.Model):
    """A person's sign-in at one client through congso: opened when an authorization code is issued,
    ended when the person signs out of congso (or at that client). ``sid`` goes into ID tokens and
    logout tokens; ``acr`` is the level of assurance of the congso session that issued the code."""

    sid = models.UUIDField(_("mã phiên"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "oauth2_provider.Application", verbose_name=_("ứng dụng"), on_delete=models.CASCADE, related_name="+"
    )
    session_key_hash = models.CharField(_("phiên congso (băm)"), max_length=64, db_index=True)
    acr = models.PositiveSmallIntegerField(_("mức độ xác thực"), default=1)
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        app_label = "identity"
        verbose_name = _("phiên đăng nhập tại ứng dụng")
        verbose_name_plural = _("phiên đăng nhập tại ứng dụng")
        indexes = [
            models.Index(fields=["user", "application", "-started_at"], name="identity_rp_session_recent")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.application}"
