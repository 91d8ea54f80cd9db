"""Businesses, mandates and guardianships (imported by ``identity.models`` for Django).

Holds personal data: the national IDs of legal representatives and of minors.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Business(models.Model):
    """A business or organisation as the national business registry knows it, checked when a person
    registers it and whenever its legal representative acts. ``legal_representatives`` are the national
    IDs the registry names (``LegalRepresentative``; the registry is the authority, congso keeps its
    last answer)."""

    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True)
    name = models.CharField(_("tên doanh nghiệp, tổ chức"), max_length=300)
    registry_status = models.CharField(_("tình trạng hoạt động"), max_length=30)
    checked_at = models.DateTimeField(_("lần đối chiếu gần nhất"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đăng ký"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        app_label = "identity"
        verbose_name = _("doanh nghiệp, tổ chức")
        verbose_name_plural = _("doanh nghiệp, tổ chức")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"

    @property
    def is_active(self) -> bool:
        return self.registry_status == "DANG_HOAT_DONG"


class LegalRepresentative(models.Model):
    """A person the business registry names as a legal representative of ``business`` (last answer)."""

    business = models.ForeignKey(
        Business,
        verbose_name=_("doanh nghiệp, tổ chức"),
        on_delete=models.CASCADE,
        related_name="legal_representatives",
    )
    national_id = models.CharField(_("số định danh cá nhân"), max_length=12, db_index=True)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    title = models.CharField(_("chức danh"), max_length=100, blank=True)

    class Meta:
        app_label = "identity"
        verbose_name = _("người đại diện theo pháp luật")
        verbose_name_plural = _("người đại diện theo pháp luật")
        constraints = [
            models.UniqueConstraint(fields=["business", "national_id"], name="identity_legal_rep_once")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.business.tax_code})"


class MandateQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Mandates granted, not revoked, and within their period on the date ``on`` (today)."""
        day = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class Mandate(models.Model):
    """The legal representative of ``business`` lets ``agent`` submit dossiers on its behalf: for the
    procedures listed (by procedure code), or every procedure when the list is empty, from ``valid_from``
    to ``valid_until`` (open-ended when empty), until revoked."""

    business = models.ForeignKey(
        Business, verbose_name=_("doanh nghiệp, tổ chức"), on_delete=models.CASCADE, related_name="mandates"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được ủy quyền"),
        on_delete=models.CASCADE,
        related_name="mandates_received",
    )
    procedure_codes = models.JSONField(
        _("thủ tục được nộp thay"), default=list, blank=True, help_text=_("Để trống: mọi thủ tục.")
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_until = models.DateField(_("hiệu lực đến hết ngày"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ủy quyền"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("thời điểm ủy quyền"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = MandateQuerySet.as_manager()

    class Meta:
        app_label = "identity"
        verbose_name = _("ủy quyền nộp hồ sơ")
        verbose_name_plural = _("ủy quyền nộp hồ sơ")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["agent", "business"], name="identity_mandate_agent")]

    def __str__(self) -> str:
        return f"{self.business} → {self.agent}"

    def covers(self, procedure_code: str) -> bool:
        return not self.procedure_codes or procedure_code in self.procedure_codes


class Guardianship(models.Model):
    """A parent acting for their minor child, as the national population database shows it (the child
    is a child of the parent's household). Valid until the child's 18th birthday or until ended."""

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cha, mẹ hoặc người giám hộ"),
        on_delete=models.CASCADE,
        related_name="guardianships",
    )
    ward_national_id = models.CharField(_("số định danh của con"), max_length=12)
    ward_name = models.CharField(_("họ tên của con"), max_length=200)
    ward_date_of_birth = models.DateField(_("ngày sinh của con"))
    checked_at = models.DateTimeField(_("thời điểm đối chiếu"))
    ended_at = models.DateTimeField(_("thời điểm chấm dứt"), null=True, blank=True)

    class Meta:
        app_label = "identity"
        verbose_name = _("quan hệ cha mẹ – con chưa thành niên")
        verbose_name_plural = _("quan hệ cha mẹ – con chưa thành niên")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "ward_national_id"],
                condition=Q(ended_at__isnull=True),
                name="identity_guardianship_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.ward_name}"

    def adult_on(self):
        """The child's 18th birthday (29 February → 1 March)."""
        born = self.ward_date_of_birth
        try:
            return born.replace(year=born.year + 18)
        except ValueError:
            return born.replace(year=born.year + 18, month=3, day=1)
