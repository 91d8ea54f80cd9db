"""The user account.

Holds personal data: national ID number, tax code, full name, date of birth, phone and e-mail.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .validators import validate_national_id, validate_tax_code


def mask_national_id(value: str | None) -> str:
    """Show only the last 4 digits of a national ID ("********6789"), for lists and other places
    where the full number is not needed (personal data minimisation). Empty for no number."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:]


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Đại diện doanh nghiệp, tổ chức")
    OFFICIAL = "official", _("Cán bộ, công chức")
    SYSTEM = "system", _("Tài khoản hệ thống")


class AssuranceLevel(models.IntegerChoices):
    """Level of assurance of the identity (Decree 69/2024: VNeID level 1 and level 2)."""

    NONE = 0, _("Chưa xác thực")
    LEVEL_1 = 1, _("Mức 1")
    LEVEL_2 = 2, _("Mức 2")


class User(AbstractUser):
    """Anyone who signs in: a citizen, a business representative, an official or another system.

    Holds personal data. ``national_id`` is required for citizens and unique; ``tax_code`` is required
    for business representatives (several people may represent the same business).
    """

    kind = models.CharField(
        _("loại tài khoản"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    national_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        null=True,
        unique=True,
        validators=[validate_national_id],
    )
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code])
    organisation_name = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ xác thực"), choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    # Set when the person proved they receive messages at the address (a one-time code, see
    # ``local_accounts``). A verified e-mail or phone names one account only and signs it in.
    email_verified_at = models.DateTimeField(_("email được xác minh lúc"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("số điện thoại được xác minh lúc"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(email_verified_at__isnull=False),
                name="identity_user_verified_email_unique",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(phone_verified_at__isnull=False),
                name="identity_user_verified_phone_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.national_id == "":
            self.national_id = None
        if self.kind == UserKind.CITIZEN and not self.national_id and not self.is_local_account:
            raise ValidationError({"national_id": _("Công dân phải có số định danh cá nhân.")})
        if self.kind == UserKind.BUSINESS and not self.tax_code:
            raise ValidationError({"tax_code": _("Tài khoản doanh nghiệp phải có mã số thuế.")})

    @property
    def masked_national_id(self) -> str:
        """The national ID with only its last 4 digits shown (see ``mask_national_id``)."""
        return mask_national_id(self.national_id)

    @property
    def is_local_account(self) -> bool:
        """A citizen registered on the portal with a verified phone or e-mail instead of the national
        e-ID (level 1; no national ID until a VNeID sign-in links one)."""
        return bool(self.email_verified_at or self.phone_verified_at)

    @property
    def is_citizen_or_business(self) -> bool:
        return self.kind in (UserKind.CITIZEN, UserKind.BUSINESS)


class RecoveryCode(models.Model):
    """A one-time recovery code of an official's second factor (``second_factor``): shown once when
    made, stored only as a keyed hash, used up when used."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã khôi phục")
        verbose_name_plural = _("mã khôi phục")

    def __str__(self) -> str:
        return f"{self.user} #{self.pk}"


class SecurityKey(models.Model):
    """A WebAuthn credential (a security key or the device's own authenticator) an official registered as
    a second factor beside the authenticator app (``webauthn_keys``). Holds only the public key."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_keys")
    name = models.CharField(_("tên khóa"), max_length=100)
    credential_id = models.BinaryField(max_length=1023)
    credential_id_b64 = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa bảo mật")
        verbose_name_plural = _("khóa bảo mật")

    def __str__(self) -> str:
        return self.name


class CodePurpose(models.TextChoices):
    SIGN_UP = "sign_up", _("Kích hoạt tài khoản")
    PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")


class CodeChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    PHONE = "phone", _("Tin nhắn SMS")


class OneTimeCode(models.Model):
    """A 6-digit code sent to a phone or e-mail address to prove the person receives messages there
    (``one_time_codes``). Stored only as a keyed hash; short-lived, a few attempts, used once."""

    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    channel = models.CharField(max_length=8, choices=CodeChannel.choices)
    address = models.CharField(max_length=254)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    code_hash = models.CharField(max_length=64)
    # Keyed hash of the token the asking browser keeps in its session: the code passes only there.
    attempt_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác minh một lần")
        verbose_name_plural = _("mã xác minh một lần")
        indexes = [models.Index(fields=["purpose", "address", "-created_at"], name="identity_otc_lookup")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"


# The OpenID Connect provider's models live beside it (oidc/models.py); imported here for Django.
# Businesses, mandates and guardianships (mandates/models.py).
from .mandates.models import Business, Guardianship, LegalRepresentative, Mandate  # noqa: E402, F401
from .oidc.models import ClientProfile, RelyingPartySession  # noqa: E402, F401
