"""The LGSP registry: members, systems, services with versioned OpenAPI documents and endpoints, groups,
access rights, consumer credentials, signing keys and daily exchange counts.

Identifiers follow X-Road: a member is ``CLASS/CODE`` (an agency's code is its electronic identifier
under QCVN 102:2016, STANDARDS §4), a system is ``CLASS/CODE/SYSTEM``, a service is addressed by the
gateway as ``/r1/{member code}/{system code}/{service code}/…``. Change rows only through
``lgsp.services`` (audit line and ``lgsp.registry_changed`` event in the same transaction). No model
here holds a citizen's personal data; ``AccessRight.granted_by`` and friends name officials.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# System, service and group codes: letters, digits, '-' and '_' (they appear in gateway URLs).
validate_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$",
    _("Mã chỉ gồm chữ cái không dấu, chữ số, dấu '-' hoặc '_', tối đa 50 ký tự."),
)
# An outside organisation's code: its tax code, budget-unit code or national platform code.
validate_member_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$",
    _("Mã thành viên chỉ gồm chữ cái không dấu, chữ số, dấu '.', '-' hoặc '_'."),
)


class MemberClass(models.TextChoices):
    GOV = "GOV", _("Cơ quan nhà nước")
    COM = "COM", _("Doanh nghiệp")
    ORG = "ORG", _("Tổ chức khác")


class Member(models.Model):
    """A party connected to the LGSP: an agency (by its electronic identifier code) or an outside
    organisation (by its own code)."""

    member_class = models.CharField(_("loại thành viên"), max_length=3, choices=MemberClass.choices)
    code = models.CharField(_("mã thành viên"), max_length=50, unique=True, validators=[validate_member_code])
    name = models.CharField(_("tên thành viên"), max_length=300)
    agency = models.OneToOneField(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lgsp_member",
    )
    registered_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên LGSP")
        verbose_name_plural = _("thành viên LGSP")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def identifier(self) -> str:
        return f"{self.member_class}/{self.code}"


class SystemStatus(models.TextChoices):
    PLANNED = "planned", _("Chưa kết nối")
    CONNECTED = "connected", _("Đã kết nối")
    SUSPENDED = "suspended", _("Tạm ngừng")
    RETIRED = "retired", _("Ngừng sử dụng")


class System(models.Model):
    """An information system (subsystem) of a member: it offers services, consumes them, or both."""

    member = models.ForeignKey(
        Member, verbose_name=_("thành viên"), on_delete=models.PROTECT, related_name="systems"
    )
    code = models.CharField(_("mã hệ thống"), max_length=50, validators=[validate_code])
    name = models.CharField(_("tên hệ thống"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan chủ quản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lgsp_systems",
    )
    serves_public = models.BooleanField(
        _("phục vụ người dân, doanh nghiệp"),
        default=False,
        help_text=_("Hệ thống được tính vào chỉ tiêu tỷ lệ hệ thống kết nối qua LGSP."),
    )
    status = models.CharField(
        _("trạng thái kết nối"), max_length=12, choices=SystemStatus.choices, default=SystemStatus.PLANNED
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        _("giới hạn yêu cầu mỗi phút"),
        default=600,
        help_text=_("Số yêu cầu tối đa mỗi phút hệ thống được gửi qua cổng LGSP."),
    )
    registered_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống thông tin")
        verbose_name_plural = _("hệ thống thông tin")
        ordering = ["member__code", "code"]
        constraints = [models.UniqueConstraint(fields=["member", "code"], name="lgsp_system_code_per_member")]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def identifier(self) -> str:
        """``CLASS/MEMBER/SYSTEM``, e.g. ``GOV/000.00.02.H08/MOTCUA`` (the token's ``sub``)."""
        return f"{self.member.member_class}/{self.member.code}/{self.code}"


class Service(models.Model):
    """A service a system offers through the gateway; what it does is its current ``ServiceVersion``."""

    system = models.ForeignKey(
        System, verbose_name=_("hệ thống cung cấp"), on_delete=models.PROTECT, related_name="services"
    )
    code = models.CharField(_("mã dịch vụ"), max_length=50, validators=[validate_code])
    name = models.CharField(_("tên dịch vụ"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    upstream_url = models.URLField(
        _("địa chỉ máy chủ cung cấp"),
        max_length=500,
        help_text=_(
            "Địa chỉ gốc mà cổng LGSP chuyển tiếp yêu cầu tới, ví dụ https://motcua.binhduong.gov.vn/api"
        ),
    )
    timeout_seconds = models.PositiveIntegerField(_("thời gian chờ tối đa (giây)"), default=30)
    # The provider's own credential for calls the gateway forwards (X-Road's security server holds it, not
    # the consumer). Only the NAME of an environment variable of the gateway process is stored: secrets
    # come from the environment, never from the database. The name must carry the prefix, so a registry
    # administrator cannot make the gateway send another secret of its environment (the database URL,
    # the secret key) to an address they control.
    upstream_token_variable = models.CharField(
        _("biến môi trường chứa khóa gọi máy chủ cung cấp"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                r"^CONGSO_LGSP_UPSTREAM_TOKEN_[A-Z0-9_]+\Z",
                _("Tên biến phải bắt đầu bằng CONGSO_LGSP_UPSTREAM_TOKEN_ và chỉ gồm chữ in hoa, số và “_”."),
            )
        ],
        help_text=_(
            "Nếu máy chủ cung cấp đòi khóa riêng, cổng LGSP gửi “Authorization: Bearer <giá trị biến này>”; "
            "giá trị chỉ nằm trong môi trường của tiến trình cổng."
        ),
    )
    personal_data = models.BooleanField(
        _("trả về dữ liệu cá nhân"),
        default=False,
        help_text=_("Mỗi lượt đọc được ghi nhận theo số định danh của công dân có dữ liệu."),
    )
    data_subject_parameter = models.CharField(
        _("tham số số định danh"),
        max_length=50,
        blank=True,
        help_text=_(
            "Tên tham số đường dẫn chứa số định danh công dân; để trống thì lấy từ tiêu đề "
            "X-Congso-Data-Subject."
        ),
    )
    keep_bodies = models.BooleanField(
        _("lưu toàn văn thông điệp"),
        default=False,
        help_text=_("Nhật ký lưu cả nội dung yêu cầu và trả lời, không chỉ mã băm."),
    )
    health_path = models.CharField(
        _("đường dẫn kiểm tra tình trạng"),
        max_length=200,
        blank=True,
        help_text=_(
            "Đường dẫn (sau địa chỉ máy chủ cung cấp) trả lời 2xx khi dịch vụ hoạt động, ví dụ /health; "
            "để trống thì kiểm tra chính địa chỉ máy chủ."
        ),
    )
    current_version = models.ForeignKey(
        "ServiceVersion",
        verbose_name=_("phiên bản hiện hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("dịch vụ")
        verbose_name_plural = _("dịch vụ")
        ordering = ["system__member__code", "system__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="lgsp_service_code_per_system")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.path_identifier})"

    @property
    def path_identifier(self) -> str:
        """``MEMBER/SYSTEM/SERVICE``: how the gateway addresses it (``/r1/<this>/…``)."""
        return f"{self.system.member.code}/{self.system.code}/{self.code}"


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")


class ServiceVersion(models.Model):
    """One version of a service's interface, described by an OpenAPI 3 document."""

    service = models.ForeignKey(
        Service, verbose_name=_("dịch vụ"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.CharField(_("phiên bản"), max_length=40)
    openapi = models.JSONField(_("tài liệu OpenAPI"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=VersionState.choices, default=VersionState.DRAFT
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    published_at = models.DateTimeField(_("ngày công bố"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("phiên bản dịch vụ")
        verbose_name_plural = _("phiên bản dịch vụ")
        ordering = ["service", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="lgsp_version_unique_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.service.code} {self.version}"


class Endpoint(models.Model):
    """An operation of a service version (method + path template from its OpenAPI document)."""

    version = models.ForeignKey(
        ServiceVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, related_name="endpoints"
    )
    method = models.CharField(_("phương thức"), max_length=7)
    path = models.CharField(_("đường dẫn"), max_length=500)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    enabled = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        verbose_name = _("điểm cuối")
        verbose_name_plural = _("điểm cuối")
        ordering = ["version", "path", "method"]
        constraints = [
            models.UniqueConstraint(fields=["version", "method", "path"], name="lgsp_endpoint_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class SystemGroup(models.Model):
    """A named group of systems that access rights can be granted to (e.g. every commune's software)."""

    code = models.CharField(_("mã nhóm"), max_length=50, unique=True, validators=[validate_code])
    name = models.CharField(_("tên nhóm"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    systems = models.ManyToManyField(System, verbose_name=_("hệ thống"), blank=True, related_name="groups")

    class Meta:
        verbose_name = _("nhóm hệ thống")
        verbose_name_plural = _("nhóm hệ thống")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class GrantQuerySet(models.QuerySet):
    def in_force(self, now):
        """Rights not revoked and valid at ``now``."""
        return self.filter(revoked_at__isnull=True, valid_from__lte=now).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=now)
        )


class Grant(models.Model):
    """What every right of the LGSP records (to call a service, to receive events): its period, who
    granted it and when, and — a revoked right is kept as the record — who revoked it and when."""

    valid_from = models.DateTimeField(_("hiệu lực từ"))
    valid_to = models.DateTimeField(_("hiệu lực đến"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("ngày cấp"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        abstract = True


class AccessRight(Grant):
    """Permission for a system or a group of systems to call a service, or one endpoint of it.

    Nothing is allowed without a right in force. An endpoint is named by method and path template
    (not by the ``Endpoint`` row) so that a right survives a new version of the same operation.
    A revoked right is kept (``revoked_at``) as the record of who could call what, when.
    """

    service = models.ForeignKey(
        Service, verbose_name=_("dịch vụ"), on_delete=models.CASCADE, related_name="access_rights"
    )
    system = models.ForeignKey(
        System,
        verbose_name=_("hệ thống được cấp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_rights",
    )
    group = models.ForeignKey(
        SystemGroup,
        verbose_name=_("nhóm được cấp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_rights",
    )
    method = models.CharField(
        _("phương thức"), max_length=7, blank=True, help_text=_("Để trống: cả dịch vụ.")
    )
    path = models.CharField(_("đường dẫn"), max_length=500, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("quyền truy cập")
        verbose_name_plural = _("quyền truy cập")
        ordering = ["service", "-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(system__isnull=False) & Q(group__isnull=True))
                | (Q(system__isnull=True) & Q(group__isnull=False)),
                name="lgsp_right_one_subject",
            ),
            models.CheckConstraint(
                condition=(Q(method="") & Q(path="")) | (~Q(method="") & ~Q(path="")),
                name="lgsp_right_endpoint_whole",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="lgsp_right_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        subject = self.system or self.group
        scope = f" {self.method} {self.path}" if self.method else ""
        return f"{subject} → {self.service.path_identifier}{scope}"

    @property
    def subject(self):
        return self.system or self.group


class ConsumerCredential(models.Model):
    """An OAuth 2.0 client (client credentials grant) of a consumer system.

    Only a SHA-256 digest of the secret is stored: the secret is 256 random bits, shown once when it is
    made, so a fast digest cannot be brute-forced and checking a token request stays cheap.
    """

    system = models.ForeignKey(
        System, verbose_name=_("hệ thống"), on_delete=models.CASCADE, related_name="credentials"
    )
    client_id = models.CharField(_("mã ứng dụng (client_id)"), max_length=64, unique=True)
    secret_hash = models.CharField(_("băm khóa bí mật"), max_length=100)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    certificate_fingerprint = models.CharField(
        _("vân tay chứng thư số (SHA-256)"),
        max_length=64,
        blank=True,
        help_text=_("Nếu có, yêu cầu cấp token phải đến qua TLS hai chiều với đúng chứng thư này."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("ngày đổi khóa"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("thông tin xác thực hệ thống")
        verbose_name_plural = _("thông tin xác thực hệ thống")
        ordering = ["system", "client_id"]

    def __str__(self) -> str:
        return self.client_id


class KeyState(models.TextChoices):
    NEXT = "next", _("Kế tiếp")
    ACTIVE = "active", _("Đang dùng")
    RETIRED = "retired", _("Đã thôi dùng")


class SigningKey(models.Model):
    """An Ed25519 key that signs access tokens. The private key is stored encrypted (AES-GCM, key
    derived from ``CONGSO_LGSP_KEY_SECRET``); the next key is published before it signs, and a retired
    key stays published while tokens it signed may still be presented."""

    kid = models.CharField(_("mã khóa (kid)"), max_length=64, unique=True)
    algorithm = models.CharField(_("thuật toán"), max_length=10, default="EdDSA")
    public_key = models.TextField(_("khóa công khai (PEM)"))
    private_key_encrypted = models.TextField(_("khóa bí mật đã mã hóa"))
    state = models.CharField(_("trạng thái"), max_length=8, choices=KeyState.choices)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    activated_at = models.DateTimeField(_("ngày bắt đầu dùng"), null=True, blank=True)
    retired_at = models.DateTimeField(_("ngày thôi dùng"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa ký token")
        verbose_name_plural = _("khóa ký token")
        ordering = ["-created_at"]
        constraints = [
            # At most one key signs, and at most one waits to: rotation stays a single step.
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="active"), name="lgsp_one_active_key"
            ),
            models.UniqueConstraint(fields=["state"], condition=Q(state="next"), name="lgsp_one_next_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.get_state_display()})"


class ExchangeDay(models.Model):
    """How many messages a system exchanged through the gateway on one day, as client or provider.

    The gateway's message log fills it (``lgsp.services.record_exchanges``, or its one-statement batch on
    PostgreSQL); ``connected_share`` reads it.
    """

    system = models.ForeignKey(
        System, verbose_name=_("hệ thống"), on_delete=models.CASCADE, related_name="exchange_days"
    )
    day = models.DateField(_("ngày"))
    count = models.PositiveIntegerField(_("số thông điệp"), default=0)

    class Meta:
        verbose_name = _("số thông điệp trong ngày")
        verbose_name_plural = _("số thông điệp trong ngày")
        ordering = ["-day", "system"]
        constraints = [models.UniqueConstraint(fields=["system", "day"], name="lgsp_exchange_day_unique")]

    def __str__(self) -> str:
        return f"{self.system.code} {self.day}: {self.count}"


class ServiceHealth(models.Model):
    """The last probe of a service's upstream by the health-check job (``lgsp.health``): when, whether it
    answered as expected, how, and when it last did."""

    service = models.OneToOneField(
        Service, verbose_name=_("dịch vụ"), on_delete=models.CASCADE, related_name="health"
    )
    checked_at = models.DateTimeField(_("thời điểm kiểm tra"))
    healthy = models.BooleanField(_("hoạt động bình thường"))
    status_code = models.PositiveSmallIntegerField(_("mã trạng thái"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian trả lời (ms)"), default=0)
    detail = models.CharField(_("chi tiết"), max_length=300, blank=True)
    last_healthy_at = models.DateTimeField(_("lần cuối hoạt động"), null=True, blank=True)
    failing_since = models.DateTimeField(_("lỗi từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("tình trạng dịch vụ")
        verbose_name_plural = _("tình trạng dịch vụ")

    def __str__(self) -> str:
        return f"{self.service_id}: {'ok' if self.healthy else 'down'} {self.checked_at}"


class MessageRecord(models.Model):
    """One exchange through the gateway, as evidence: who called what for whom, with what result.

    Records form a hash chain in ``seq`` order: ``hash`` = SHA-256 of ``prev_hash`` and the record's
    canonical fields (``lgsp.messagelog.canonical``), so altering, removing, inserting or reordering a
    record breaks the chain; signed ``LogCheckpoint`` rows seal it. Bodies are kept only when the
    service's policy says so; their SHA-256 digests always. ``data_subject`` is the national ID of the
    citizen whose personal data the call read (services flagged ``personal_data``).
    """

    seq = models.BigIntegerField(_("số thứ tự"), unique=True)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    message_id = models.CharField(_("mã thông điệp"), max_length=100, unique=True)
    client = models.CharField(_("hệ thống gọi"), max_length=200, db_index=True)
    service = models.CharField(_("dịch vụ"), max_length=200, db_index=True)
    method = models.CharField(_("phương thức"), max_length=7)
    path = models.CharField(_("đường dẫn"), max_length=1000)
    user_id = models.CharField(_("người dùng cuối"), max_length=200, blank=True)
    issue = models.CharField(_("hồ sơ"), max_length=100, blank=True)
    data_subject = models.CharField(
        _("số định danh chủ thể dữ liệu"), max_length=20, blank=True, db_index=True
    )
    status = models.PositiveSmallIntegerField(_("mã trạng thái"))
    source = models.CharField(_("lỗi từ"), max_length=10, blank=True)
    request_bytes = models.BigIntegerField(_("kích thước yêu cầu"), default=0)
    response_bytes = models.BigIntegerField(_("kích thước trả lời"), default=0)
    duration_us = models.BigIntegerField(_("thời gian xử lý (micro giây)"), default=0)
    request_sha256 = models.CharField(_("băm yêu cầu"), max_length=64)
    response_sha256 = models.CharField(_("băm trả lời"), max_length=64)
    request_body = models.BinaryField(_("nội dung yêu cầu"), null=True, blank=True)
    response_body = models.BinaryField(_("nội dung trả lời"), null=True, blank=True)
    prev_hash = models.CharField(_("băm bản ghi trước"), max_length=64)
    hash = models.CharField(_("băm bản ghi"), max_length=64)

    class Meta:
        verbose_name = _("bản ghi thông điệp")
        verbose_name_plural = _("nhật ký thông điệp")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.message_id}"


class LogHead(models.Model):
    """The chain's one head row: the last record's ``seq`` and ``hash`` (appends lock it, so records are
    chained in one order across processes) and the anchor (``base_seq``, ``base_hash``): the last
    record archived and removed after retention, from which verification starts."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    base_seq = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")
        verbose_name_plural = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class LogCheckpoint(models.Model):
    """A signed seal of the chain: the hash of record ``seq``, signed (Ed25519) with the signing key
    ``kid`` at ``created_at``. A rewrite of any record up to ``seq`` no longer matches it."""

    seq = models.BigIntegerField(_("đến bản ghi"), db_index=True)
    hash = models.CharField(_("băm bản ghi"), max_length=64)
    created_at = models.DateTimeField(_("thời điểm"))
    kid = models.CharField(_("mã khóa"), max_length=64)
    signature = models.CharField(_("chữ ký"), max_length=200)

    class Meta:
        verbose_name = _("điểm niêm phong nhật ký")
        verbose_name_plural = _("điểm niêm phong nhật ký")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.created_at:%Y-%m-%d %H:%M}"


# Publish / subscribe (part 3) keeps its models beside its code; they belong to this app all the same.
from .pubsub.models import (  # noqa: E402, F401
    Delivery,
    DeliveryStatus,
    EventRight,
    EventType,
    PublishedEvent,
    Subscription,
    SubscriptionMode,
    SubscriptionState,
)
