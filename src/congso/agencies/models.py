"""Administrative units, agencies and staff membership.

Units and agencies carry validity periods and successors, so the 2025 reorganisation (two-level local
government, merged provinces) is history in the data rather than levels hard-coded in the program.
StaffMembership holds personal data (who works where, in which role).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from congso.core.models import EffectiveDated

from .validators import validate_agency_code


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (đến 30/6/2025)")
    COMMUNE = "commune", _("Cấp xã")


def _period_is_ordered(prefix: str) -> models.CheckConstraint:
    """A database check that a validity period does not end before it starts."""
    return models.CheckConstraint(
        condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
        name=f"{prefix}_period_ordered",
    )


def _clean_period(obj) -> None:
    if obj.valid_from and obj.valid_to and obj.valid_to < obj.valid_from:
        raise ValidationError({"valid_to": _("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")})


def _overlaps(qs, valid_from, valid_to):
    """Narrow ``qs`` to rows whose validity period shares at least one day with [valid_from, valid_to]."""
    if valid_to is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_to))
    if valid_from is not None:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    return qs


class AdministrativeUnit(EffectiveDated):
    """An administrative unit (đơn vị hành chính) with its General Statistics Office code.

    ``code`` is the official numeric code (province 2 digits, district 3, commune 5). A unit dissolved or
    merged keeps its row with ``valid_to`` set and its successors recorded in ``UnitSuccession``.

    A code is not unique over time: on 1 July 2025 most new communes took the code of one of the communes
    they were formed from (ward 25747 "Phường Thủ Dầu Một" carries the code of the former "Phường Phú
    Cường"). So a code identifies one unit *on a given day*: at most one row per code is open-ended and
    the periods of rows sharing a code never overlap. Look units up with ``services.get_unit(code, on)``.
    """

    code = models.CharField(_("mã"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    division_type = models.CharField(_("loại"), max_length=50, blank=True)  # tỉnh, thành phố, phường, xã…
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # valid_from, valid_to: EffectiveDated
    source = models.CharField(_("nguồn dữ liệu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code", F("valid_from").desc(nulls_last=True)]
        indexes = [models.Index(fields=["level", "parent"], name="agencies_unit_level_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="agencies_unit_code_open_once"
            ),
            models.UniqueConstraint(fields=["code", "valid_from"], name="agencies_unit_code_from_once"),
            models.UniqueConstraint(fields=["code", "valid_to"], name="agencies_unit_code_to_once"),
            _period_is_ordered("agencies_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        _clean_period(self)
        clash = _overlaps(AdministrativeUnit.objects.filter(code=self.code), self.valid_from, self.valid_to)
        if self.pk is not None:
            clash = clash.exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(
                {"code": _("Đã có đơn vị hành chính mang mã này trong cùng thời gian hiệu lực.")}
            )
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Đơn vị hành chính không thể trực thuộc chính nó.")})


class UnitSuccession(models.Model):
    """A unit that ended and the unit(s) that took it over (sáp nhập, hợp nhất, chia tách)."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị trước"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    effective_on = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    # How the link is known (a legal text, or only an inference from data such as a shared GSO code), so
    # links of weaker evidence can be told apart and replaced when an official conversion table arrives.
    source = models.CharField(_("nguồn xác định"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        ordering = ["effective_on", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="agencies_unit_succession_once"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="agencies_unit_succession_not_self"
            ),
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


class Agency(EffectiveDated):
    """An agency (cơ quan, đơn vị) with its electronic identifier code (mã định danh điện tử) under
    QCVN 102:2016, e.g. ``000.00.12.H08``. Agencies form a tree (``parent``)."""

    code = models.CharField(
        _("mã định danh điện tử"), max_length=20, unique=True, validators=[validate_agency_code]
    )
    name = models.CharField(_("tên cơ quan"), max_length=300)
    short_name = models.CharField(
        _("tên viết tắt"), max_length=50, blank=True
    )  # UBND, STP, VP — for document symbols
    kind = models.CharField(_("loại cơ quan"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # valid_from, valid_to: EffectiveDated
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    # Codes and details that the demo data made up (STANDARDS.md: H08 for Bình Dương is [verify], the
    # codes of its departments and wards are not published); never set on an agency loaded from an
    # official list.
    is_demo = models.BooleanField(
        _("dữ liệu minh họa"),
        default=False,
        help_text=_("Mã và thông tin do bộ dữ liệu minh họa đặt ra, không phải mã chính thức."),
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]
        constraints = [
            _period_is_ordered("agencies_agency"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="agencies_agency_parent_not_self"),
            models.CheckConstraint(
                condition=~Q(successor=F("pk")), name="agencies_agency_successor_not_self"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        _clean_period(self)
        seen = {self.pk} if self.pk is not None else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen or ancestor is self:
                raise ValidationError({"parent": _("Cơ quan cấp trên tạo thành vòng lặp trong cây cơ quan.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        if self.successor_id is not None and self.successor_id == self.pk:
            raise ValidationError({"successor": _("Cơ quan không thể tự kế thừa chính nó.")})


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    CLERK = "clerk", _("Văn thư")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    PLATFORM_ADMIN = "platform_admin", _("Quản trị nền tảng")


class StaffMembership(EffectiveDated):
    """A person working in an agency in one role, for a period. Holds personal data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=200, blank=True)  # e.g. "Phó Chủ tịch"
    # The EffectiveDated period under the labels an assignment has always shown ("từ ngày", "đến ngày").
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        ordering = ["agency__code", "role", "-valid_from"]
        # A person who leaves and comes back gets a second row, so history is kept; only one row per
        # (user, agency, role) may be open-ended. Overlaps of dated rows are refused in clean().
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(valid_to__isnull=True),
                name="agencies_membership_open_once",
            ),
            _period_is_ordered("agencies_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"

    def clean(self) -> None:
        super().clean()
        _clean_period(self)
        if self.user_id is None or self.agency_id is None:
            return
        clash = _overlaps(
            StaffMembership.objects.filter(user_id=self.user_id, agency_id=self.agency_id, role=self.role),
            self.valid_from,
            self.valid_to,
        )
        if self.pk is not None:
            clash = clash.exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(
                _("Cán bộ đã được phân công vai trò này tại cơ quan này trong cùng thời gian.")
            )


class SignerAuthority(models.TextChoices):
    """How the signer signs for the agency (Decree 30/2020, Appendix I: thẩm quyền ký)."""

    OWN = "", _("Ký trực tiếp (không ghi thẩm quyền)")
    ON_BEHALF_OF_COLLECTIVE = "TM.", _("TM. — thay mặt tập thể")
    DEPUTY = "KT.", _("KT. — ký thay người đứng đầu")
    ACTING = "Q.", _("Q. — quyền người đứng đầu")
    BY_ORDER = "TL.", _("TL. — thừa lệnh")
    BY_AUTHORISATION = "TUQ.", _("TUQ. — thừa ủy quyền")


class AgencyDocumentSettings(models.Model):
    """How an agency's one-stop forms (standard forms 01–07) are headed and signed.

    Every field is optional: a blank field takes the value derived from the agency itself (see
    ``services.document_settings_for``), so an administrator fills in only what differs — typically the
    signer. The header follows Decree 30/2020: the superior agency's name above, the issuing agency's
    name (bold, upper case) below it. Holds personal data: the signer's name.
    """

    agency = models.OneToOneField(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="document_settings"
    )
    superior_name = models.CharField(
        _("tên cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_(
            "Dòng trên tên cơ quan, ví dụ “UBND TỈNH BÌNH DƯƠNG”. Để trống: lấy từ cơ quan cấp trên."
        ),
    )
    display_name = models.CharField(
        _("tên cơ quan trên văn bản"),
        max_length=200,
        blank=True,
        help_text=_("Tên cơ quan viết in hoa trên văn bản. Để trống: tên cơ quan viết in hoa."),
    )
    place_name = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        help_text=_(
            "Địa danh ghi trước ngày tháng, ví dụ “Thủ Dầu Một”. Để trống: lấy từ địa bàn của cơ quan."
        ),
    )
    signer_authority = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=SignerAuthority.choices, blank=True
    )
    authority_holder = models.CharField(
        _("tập thể, người đứng đầu được ký thay"),
        max_length=200,
        blank=True,
        help_text=_(
            "Dòng sau thẩm quyền ký: “ỦY BAN NHÂN DÂN” sau TM., “CHỦ TỊCH” hoặc “GIÁM ĐỐC” sau KT., Q., "
            "TL., TUQ. Để trống: suy ra từ loại cơ quan."
        ),
    )
    signer_title = models.CharField(
        _("chức vụ người ký"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ “CHỦ TỊCH”, “PHÓ CHỦ TỊCH”. Để trống: suy ra từ loại cơ quan."),
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=200, blank=True)
    one_stop_unit_name = models.CharField(
        _("tên Bộ phận Một cửa"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ “Bộ phận Một cửa” hoặc “Trung tâm Phục vụ hành chính công”."),
    )
    phone = models.CharField(
        _("điện thoại liên hệ"),
        max_length=30,
        blank=True,
        help_text=_("Số điện thoại in trên phiếu để người dân liên hệ. Để trống: điện thoại của cơ quan."),
    )
    footer_note = models.TextField(
        _("ghi chú cuối phiếu"),
        blank=True,
        help_text=_("In ở cuối các phiếu, ví dụ giờ làm việc của Bộ phận Một cửa."),
    )

    class Meta:
        verbose_name = _("thông tin trình bày văn bản")
        verbose_name_plural = _("thông tin trình bày văn bản")

    def __str__(self) -> str:
        return str(self.agency)
