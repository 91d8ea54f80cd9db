"""Administrative procedures as effective-dated versions.

A ``Procedure`` is the stable identity (national code, local variant); everything the law can change —
legal basis, papers, fees, time limit, form, process — lives on a ``ProcedureVersion`` with an effective
date. A dossier keeps the version in force when it was received (STANDARDS.md §0).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import (
    UNVERIFIED_KEYS,
    check_procedure_code,
    validate_form,
    validate_form_schema,
    validate_form_ui,
    validate_national_code,
    validate_unverified,
)


class Field(models.Model):
    """A field of administrative procedures (lĩnh vực), e.g. Hộ tịch, Chứng thực, Xây dựng."""

    code = models.CharField(_("mã lĩnh vực"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """A life or business event (sự kiện) that groups procedures: "Có con nhỏ", "Thành lập hộ kinh doanh"."""

    slug = models.SlugField(_("mã"), max_length=80, unique=True)
    name = models.CharField(_("tên sự kiện"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    for_business = models.BooleanField(_("dành cho doanh nghiệp"), default=False)

    class Meta:
        verbose_name = _("sự kiện cuộc sống")
        verbose_name_plural = _("sự kiện cuộc sống")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    CENTRAL = "central", _("Cấp trung ương")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính, TTHC).

    ``national_code`` is the code in the national database (``1.001193``); ``code`` is what this
    province uses, the national code or its local variant with the agency code appended
    (``2.000815.000.00.00.H55``), unique. While the national code is unconfirmed it stays empty and
    ``code`` is a provisional local code (``DP.HT.01``), see ``validators.check_procedure_code``.

    ``search_text`` (name and codes) and ``search_extra`` (papers, legal basis, field of the current
    version) are ASCII-folded copies kept for the portable search in ``search.py``; ``updated_at`` moves
    whenever the procedure or anything of its versions changes, which tells every process to rebuild
    its in-memory search index. Both are kept by ``save()`` and the receivers in ``signals.py``; a
    queryset ``.update()`` bypasses them, so follow one with ``services.refresh_search_extra(pk)``.
    """

    code = models.CharField(_("mã thủ tục"), max_length=60, unique=True)
    national_code = models.CharField(
        _("mã thủ tục quốc gia"),
        max_length=20,
        db_index=True,
        blank=True,
        validators=[validate_national_code],
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=ProcedureLevel.choices)
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("sự kiện cuộc sống"), blank=True, related_name="procedures"
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    search_text = models.TextField(_("chuỗi tìm kiếm (tên, mã)"), blank=True, editable=False)
    search_extra = models.TextField(_("chuỗi tìm kiếm (giấy tờ, căn cứ)"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now, db_index=True, editable=False)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        from .search import fold, invalidate

        self.search_text = fold(" ".join([self.name, self.code, self.national_code]))
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_text", "updated_at"}
        super().save(*args, **kwargs)
        invalidate()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalog:procedure", kwargs={"code": self.code})

    def clean(self) -> None:
        super().clean()
        if self.code:
            try:
                check_procedure_code(self.code, self.national_code)
            except ValidationError as exc:
                raise ValidationError({"code": exc.messages}) from exc


class OnlineMode(models.TextChoices):
    """Decree 42/2022 vocabulary, with the older Decree 43/2011 levels it replaced.

    The label is the one name every page uses ("Toàn trình", "Một phần"); the old level ("mức độ 4") is
    shown once, on the procedure's page, through ``with_former_level``.
    """

    INFORMATION = "information", _("Chỉ cung cấp thông tin")
    PARTLY_ONLINE = "partly", _("Một phần")
    FULLY_ONLINE = "fully", _("Toàn trình")

    @classmethod
    def current_term(cls, value) -> str:
        """The Decree 42/2022 name, e.g. "Toàn trình" (the choice's label)."""
        return str(cls(value).label)

    @classmethod
    def with_former_level(cls, value) -> str:
        """The name with the old level it replaced, e.g. "Toàn trình (trước đây gọi là mức độ 4)"."""
        return str(_("%(term)s (trước đây gọi là %(level)s)")) % {
            "term": cls.current_term(value),
            "level": cls.former_level(value),
        }

    @classmethod
    def former_level(cls, value) -> str:
        """The Decree 43/2011 level it replaced, e.g. "mức độ 4"."""
        return str(_ONLINE_MODE_TERMS[value][0])

    @classmethod
    def explain(cls, value) -> str:
        """What the mode means for the applicant, in one plain sentence."""
        return str(_ONLINE_MODE_TERMS[value][1])

    @classmethod
    def accepts_online_applications(cls, value) -> bool:
        """The one rule for "offered online": a dossier may be submitted online in partly and fully
        online modes; "information only" procedures are applied for at the counter."""
        return value in (cls.PARTLY_ONLINE, cls.FULLY_ONLINE)


# (the former level, what it means for the applicant)
_ONLINE_MODE_TERMS = {
    OnlineMode.INFORMATION: (
        _("mức độ 1–2"),
        _(
            "Thủ tục này chưa nhận hồ sơ trực tuyến: bạn xem thông tin ở đây rồi nộp hồ sơ trực tiếp "
            "hoặc qua bưu chính."
        ),
    ),
    OnlineMode.PARTLY_ONLINE: (
        _("mức độ 3"),
        _(
            "Bạn nộp hồ sơ trực tuyến; một số bước (xuất trình bản chính, nộp phí hoặc nhận kết quả) "
            "vẫn phải làm trực tiếp."
        ),
    ),
    OnlineMode.FULLY_ONLINE: (
        _("mức độ 4"),
        _("Bạn nộp hồ sơ, nộp phí và nhận kết quả trực tuyến hoặc qua bưu chính, không phải đến cơ quan."),
    ),
}


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")


class SupplementClockRule(models.TextChoices):
    """What the deadline does while a supplement is awaited — per version, STANDARDS.md §1 [verify]."""

    PAUSE = "pause", _("Tạm dừng tính thời hạn, tiếp tục khi nhận đủ hồ sơ")
    RESTART = "restart", _("Tính lại từ đầu khi nhận đủ hồ sơ")
    CONTINUE = "continue", _("Vẫn tính thời hạn")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")
    WITHDRAWN = "withdrawn", _("Đã bãi bỏ")


class ProcedureVersionQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """The one rule for "version in force": published versions effective on ``on`` (today by
        default), both ends of the period inclusive. ``services.version_in_force`` and
        ``services.is_in_force`` answer through it."""
        on = on or timezone.localdate()
        return self.filter(status=VersionStatus.PUBLISHED, effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        )


class ProcedureVersion(models.Model):
    """What a procedure requires from a given date: papers, fees, time limit, form and process."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    description = models.TextField(_("trình tự thực hiện"), blank=True)
    implementing_agencies = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("cơ quan thực hiện"), blank=True, related_name="procedure_versions"
    )
    implementing_agency_note = models.CharField(_("cơ quan thực hiện (mô tả)"), max_length=300, blank=True)
    applicant_types = models.CharField(_("đối tượng thực hiện"), max_length=300, blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    submission_place = models.TextField(
        _("nơi nộp hồ sơ, cách thức thực hiện"),
        blank=True,
        help_text=_(
            "Nơi nộp trực tiếp, qua bưu chính; với thủ tục chỉ cung cấp thông tin đây là nơi người dân "
            "cần đến."
        ),
    )
    # 0 working days means "within the day of receipt" (ngay trong ngày).
    time_limit_value = models.PositiveIntegerField(_("thời hạn giải quyết"), default=0)
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=16, choices=TimeLimitUnit.choices, default=TimeLimitUnit.WORKING_DAYS
    )
    time_limit_note = models.CharField(_("ghi chú thời hạn"), max_length=300, blank=True)
    # The 15:00 rule: a dossier received after this time counts from the next working day. Empty = none.
    receipt_cutoff = models.TimeField(_("giờ tiếp nhận tính trong ngày"), null=True, blank=True)
    supplement_clock_rule = models.CharField(
        _("thời hạn khi yêu cầu bổ sung"),
        max_length=16,
        choices=SupplementClockRule.choices,
        default=SupplementClockRule.PAUSE,
    )
    online_mode = models.CharField(
        _("mức độ trực tuyến"), max_length=16, choices=OnlineMode.choices, default=OnlineMode.INFORMATION
    )
    # The level of assurance of the applicant's sign-in (Decree 69/2024: e-ID level 1 or 2) the online
    # application needs; the portal explains how to reach it (identity.services.session_assurance_level).
    required_assurance_level = models.PositiveSmallIntegerField(
        _("mức định danh điện tử tối thiểu"),
        choices=[(1, _("Mức 1")), (2, _("Mức 2 (định danh điện tử VNeID mức 2)"))],
        default=1,
        help_text=_("Người nộp hồ sơ trực tuyến phải đăng nhập ở mức này trở lên."),
    )
    result_type = models.CharField(_("kết quả thực hiện"), max_length=300, blank=True)
    result_is_electronic = models.BooleanField(_("trả kết quả điện tử"), default=False)
    fee_note = models.TextField(_("phí, lệ phí (mô tả)"), blank=True)
    form_schema = models.JSONField(
        _("biểu mẫu trực tuyến (JSON Schema)"), default=dict, blank=True, validators=[validate_form_schema]
    )
    form_ui = models.JSONField(
        _("gợi ý hiển thị biểu mẫu"), default=dict, blank=True, validators=[validate_form_ui]
    )
    process_key = models.CharField(_("quy trình nội bộ"), max_length=100, blank=True)
    unverified = models.JSONField(
        _("thông tin chưa xác minh"),
        default=list,
        blank=True,
        validators=[validate_unverified],
        help_text=_("Danh sách trường có số liệu chưa được xác minh [verify]."),
    )

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="catalog_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    def save(self, *args, **kwargs):
        # The online form is checked against the JSON Schema meta-schema on every save, not only in forms.
        validate_form_schema(self.form_schema)
        validate_form_ui(self.form_ui)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError(
                {"effective_to": _("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")}
            )
        if self.procedure_id and self.status == VersionStatus.PUBLISHED and self.effective_from:
            clash = overlapping_published(
                self.procedure_id, self.effective_from, self.effective_to, exclude_pk=self.pk
            ).first()
            if clash is not None:
                raise ValidationError(overlap_message(clash))
        self._clean_form()

    def _clean_form(self) -> None:
        """The form as the portal will build it; shown on the form's UI hints, where most problems are.
        Malformed JSON has its own field messages already."""
        if isinstance(self.form_schema, dict) and isinstance(self.form_ui, dict):
            try:
                validate_form(self.form_schema, self.form_ui)
            except ValidationError as exc:
                raise ValidationError({"form_ui": exc.messages}) from exc

    @property
    def is_offered_online(self) -> bool:
        """Whether a dossier for this version may be submitted online (``OnlineMode``'s rule)."""
        return OnlineMode.accepts_online_applications(self.online_mode)

    def is_unverified(self, key: str) -> bool:
        return key in (self.unverified or [])

    @property
    def unverified_labels(self) -> list[str]:
        return [str(UNVERIFIED_KEYS[k]) for k in self.unverified or [] if k in UNVERIFIED_KEYS]


def overlapping_published(procedure_id, effective_from, effective_to, *, exclude_pk=None):
    """Published versions of a procedure whose validity shares at least one day with the given period."""
    qs = ProcedureVersion.objects.filter(procedure_id=procedure_id, status=VersionStatus.PUBLISHED)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    qs = qs.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
    if effective_to is not None:
        qs = qs.filter(effective_from__lte=effective_to)
    return qs.order_by("number")


def overlap_message(other) -> str:
    end = other.effective_to.strftime("%d/%m/%Y") if other.effective_to else _("không thời hạn")
    return _("Thời gian hiệu lực trùng với phiên bản %(number)s đã công bố (từ %(start)s đến %(end)s).") % {
        "number": other.number,
        "start": other.effective_from.strftime("%d/%m/%Y"),
        "end": end,
    }


class RequiredPaper(models.Model):
    """A paper (thành phần hồ sơ) the applicant must provide."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="papers")
    code = models.SlugField(_("mã giấy tờ"), max_length=60)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to="catalog/templates/", blank=True)
    from_data_store = models.BooleanField(
        _("có thể lấy từ kho dữ liệu của công dân"),
        default=False,
        help_text=_("Không yêu cầu nộp lại nếu đã có trong kho dữ liệu hoặc cơ sở dữ liệu quốc gia."),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="catalog_paper_code_unique")]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    FIXED = "fixed", _("Mức cố định")
    PER_PAGE = "per_page", _("Theo số trang")
    TIERED = "tiered", _("Theo bậc")


class Fee(models.Model):
    """A fee or charge (phí, lệ phí). ``rule`` holds the parameters of its kind, e.g. for per-page
    certification ``{"first_pages": 2, "first_rate": 2000, "next_rate": 1000, "max_per_copy": 200000}``.
    The rules of each kind are documented and computed in ``fees.py``."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("tên phí, lệ phí"), max_length=300)
    kind = models.CharField(_("cách tính"), max_length=16, choices=FeeKind.choices, default=FeeKind.FIXED)
    amount = models.PositiveIntegerField(_("mức thu (đồng)"), default=0)
    rule = models.JSONField(_("tham số"), default=dict, blank=True)
    exemptions = models.TextField(_("miễn, giảm"), blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .fees import validate_fee_rule

        super().clean()
        validate_fee_rule(self.kind, self.amount, self.rule)
