"""Administrative units, agencies and staff membership.

Units and agencies carry validity periods and successors, so the 2025 reorganisation (two-level local
government, merged provinces) is history in the data rather than levels hard-coded in the program.
StaffMembership holds personal data (who works where, in which role).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_agency_code


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (đến 30/6/2025)")
    COMMUNE = "commune", _("Cấp xã")


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day=None):
        """Rows in force on ``day`` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class AdministrativeUnit(models.Model):
    """An administrative unit (đơn vị hành chính) with its General Statistics Office code.

    ``code`` is the official numeric code (province 2 digits, district 3, commune 5). A unit dissolved or
    merged keeps its row with ``valid_to`` set and its successors recorded in ``UnitSuccession``.
    """

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    division_type = models.CharField(_("loại"), max_length=50, blank=True)  # tỉnh, thành phố, phường, xã…
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=200, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "parent"], name="agencies_unit_level_idx")]

    def __str__(self) -> str:
        return self.name


class UnitSuccession(models.Model):
    """A unit that ended and the unit(s) that took it over (sáp nhập, hợp nhất, chia tách)."""

    predecessor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessions")
    effective_on = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="agencies_unit_succession_once")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ubnd", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    SERVICE_CENTRE = "service_centre", _("Trung tâm phục vụ hành chính công")
    POLICE = "police", _("Công an")
    SOCIAL_INSURANCE = "social_insurance", _("Bảo hiểm xã hội")
    DIVISION = "division", _("Phòng, đơn vị trực thuộc")
    OTHER = "other", _("Khác")


class Agency(models.Model):
    """An agency (cơ quan, đơn vị) with its electronic identifier code (mã định danh điện tử) under
    QCVN 102:2016, e.g. ``000.00.12.H08``. Agencies form a tree (``parent``)."""

    code = models.CharField(_("mã định danh điện tử"), max_length=20, unique=True, validators=[validate_agency_code])
    name = models.CharField(_("tên cơ quan"), max_length=300)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)  # UBND, STP, VP — for document symbols
    kind = models.CharField(_("loại cơ quan"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("cơ quan cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("cơ quan kế thừa"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="predecessors",
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    CLERK = "clerk", _("Văn thư")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    PLATFORM_ADMIN = "platform_admin", _("Quản trị nền tảng")


class StaffMembership(models.Model):
    """A person working in an agency in one role, for a period. Holds personal data."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=200, blank=True)  # e.g. "Phó Chủ tịch"
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="agencies_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
