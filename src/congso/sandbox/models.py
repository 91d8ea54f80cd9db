"""The simulated national registers: households and citizens of the national population database,
businesses of the national business registry.

**Personal data.** The rows are generated and fictitious, but they have the shape of real citizens'
records (national ID, name, birth date, sex, residence, family ties), and some of them are the demo's own
accounts. Treat them as personal data: they are read only by the simulators' authenticated endpoints, no
admin page lists them, and they never leave this app except in those answers.
"""

from django.db import models

# The labels of these choices are values of the national systems' answers, in Vietnamese whatever the
# caller's language: not marked for translation.


class Sex(models.TextChoices):
    # Codes of the national catalogue of sexes (0 = no information).
    MALE = "1", "Nam"
    FEMALE = "2", "Nữ"


class Household(models.Model):
    """A household (hộ gia đình) with its permanent residence, the address all its members are registered
    at. Personal data (see the module docstring)."""

    code = models.CharField(max_length=20, unique=True)
    province_code = models.CharField(max_length=5)
    province_name = models.CharField(max_length=100)
    ward_code = models.CharField(max_length=5)
    ward_name = models.CharField(max_length=100)
    street_address = models.CharField(max_length=200)
    is_generated = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class Citizen(models.Model):
    """A citizen (công dân) of the simulated national population database. Personal data (see the module
    docstring): only the population simulator's authenticated endpoints read it."""

    national_id = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity_code = models.CharField(max_length=2, default="01")
    ethnicity_name = models.CharField(max_length=50, default="Kinh")
    hometown = models.CharField(max_length=200)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    relation_to_head = models.CharField(max_length=30)
    # Temporary residence (tạm trú), where the citizen lives away from the permanent one; mostly empty.
    temporary_province_code = models.CharField(max_length=5, blank=True)
    temporary_province_name = models.CharField(max_length=100, blank=True)
    temporary_ward_code = models.CharField(max_length=5, blank=True)
    temporary_ward_name = models.CharField(max_length=100, blank=True)
    temporary_street_address = models.CharField(max_length=200, blank=True)
    is_generated = models.BooleanField(default=True)

    class Meta:
        ordering = ["national_id"]

    def __str__(self) -> str:
        return self.national_id


class BusinessStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    SUSPENDED = "suspended", "Tạm ngừng kinh doanh"
    DISSOLVED = "dissolved", "Đã giải thể"


class Business(models.Model):
    """An enterprise, or a branch of one (tax code ``NNNNNNNNNN-NNN``), in the simulated national business
    registry. The legal representative's name and national ID are personal data."""

    tax_code = models.CharField(max_length=14, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="branches"
    )
    name = models.CharField(max_length=300)
    english_name = models.CharField(max_length=300, blank=True)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=BusinessStatus.choices, default=BusinessStatus.ACTIVE)
    registered_on = models.DateField()
    charter_capital = models.BigIntegerField(default=0)
    representative_name = models.CharField(max_length=200)
    representative_national_id = models.CharField(max_length=12)
    representative_title = models.CharField(max_length=100)
    province_code = models.CharField(max_length=5)
    province_name = models.CharField(max_length=100)
    ward_code = models.CharField(max_length=5)
    ward_name = models.CharField(max_length=100)
    street_address = models.CharField(max_length=200)
    # [{"code": VSIC level-4 code, "name": …, "main": bool}], the main line first.
    business_lines = models.JSONField(default=list)
    is_generated = models.BooleanField(default=True)

    class Meta:
        ordering = ["tax_code"]

    def __str__(self) -> str:
        return self.tax_code


# The simulated National Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG): its catalogue is a
# constant of ``dvcqg_catalogue``; what it holds that changes is stored here — dossiers submitted on it,
# dossiers and progress the province reports, and the switch that takes it "down".


class DvcqgSwitch(models.Model):
    """One row: whether the simulated national portal answers (``is_down`` → HTTP 503 to every call)."""

    is_down = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "down" if self.is_down else "up"


class DvcqgOrigin(models.TextChoices):
    NATIONAL = "national", "Nộp trên Cổng DVCQG"
    PROVINCE = "province", "Tỉnh đồng bộ lên"


class DvcqgDossier(models.Model):
    """A dossier as the simulated national portal knows it: submitted on it by a citizen (``national``,
    with form data and papers, waiting for the province to take it) or pushed by the province
    (``province``, through DongBoHoSoMC). Fictitious personal data, treated as real."""

    code = models.CharField(max_length=70, unique=True)  # MaHoSo
    origin = models.CharField(max_length=10, choices=DvcqgOrigin.choices)
    procedure_code = models.CharField(max_length=40)  # MaTTHC
    procedure_name = models.CharField(max_length=500, blank=True)
    unit_code = models.CharField(max_length=40)  # MaCoQuanThucHien: the receiving agency's e-ID code
    province_code = models.CharField(max_length=10)  # madonvi of the province that must take it
    submitted_at = models.DateTimeField()
    # The applicant and the answers as the national portal holds them (ChuHoSo, SoGiayToChuHoSo, …).
    applicant = models.JSONField(default=dict)
    summary = models.CharField(max_length=1000, blank=True)  # TrichYeuHoSo
    form_data = models.JSONField(default=dict)
    # [{"TepDinhKemId", "MaThanhPhanHoSo", "TenTepDinhKem", "DuLieuTepDinhKem" (base64)}]
    papers = models.JSONField(default=list)
    # The province's acknowledgement (CapNhatDaNhanHoSo) and its own code for the dossier.
    taken_at = models.DateTimeField(null=True, blank=True)
    local_code = models.CharField(max_length=70, blank=True)  # MaHoSoDonVi
    # The last status reported (TrangThaiHoSo, 1–10), and the province's last DongBoHoSoMC record.
    status = models.PositiveSmallIntegerField(default=1)
    synced_record = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.code


class DvcqgProgress(models.Model):
    """One step the province reported (CapNhatTienDoHoSoMC), in the order it arrived: the dossier's
    timeline as the national portal sees it."""

    dossier = models.ForeignKey(DvcqgDossier, on_delete=models.CASCADE, related_name="progress")
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.PositiveSmallIntegerField()  # TrangThai
    handled_at = models.CharField(max_length=14, blank=True)  # ThoiDiemXuLy, yyyyMMddHHmmss
    handler = models.CharField(max_length=200, blank=True)  # NguoiXuLy
    unit = models.CharField(max_length=300, blank=True)  # PhongBanXuLy
    content = models.TextField(blank=True)  # NoiDungXuLy
    record = models.JSONField(default=dict)  # the step as sent

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.status}"


class DvcqgProcedure(models.Model):
    """One version of a procedure in the simulated national catalogue: its whole national package (the
    LayThuTuc answer: TENTTHC, CANCUPHAPLY, THANHPHANHOSO, CACHTHUCTHUCHIEN, …) under the decision that
    published it. The newest version of a code is what LayThuTuc answers."""

    code = models.CharField(max_length=40)  # MATTHC
    version = models.PositiveIntegerField()
    decision = models.CharField(max_length=100)  # QUYETDINH: the decision publishing this version
    package = models.JSONField()

    class Meta:
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="sandbox_dvcqg_version")]

    def __str__(self) -> str:
        return f"{self.code} ({self.decision})"


# --- Simulated national e-ID (VNeID) OpenID Connect provider (``vneid``) -------------------------------


class VneidSigningKey(models.Model):
    """The RSA key the simulated VNeID provider signs ID tokens with, made on first use. Only the public
    half leaves this table (the JWKS). A simulator's key: never a real provider's."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.kid


class VneidGrant(models.Model):
    """One sign-in at the simulated VNeID provider: the authorization code (stored hashed, usable once,
    short-lived) and, once exchanged, the access token (hashed) that opens the userinfo endpoint.
    Names a citizen of the simulated population database (personal data)."""

    code_hash = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.URLField(max_length=1000)
    national_id = models.CharField(max_length=12)
    level = models.PositiveSmallIntegerField()
    nonce = models.CharField(max_length=300, blank=True)
    code_challenge = models.CharField(max_length=128)
    scope = models.CharField(max_length=300)
    # The provider session the code came from (the ID token's ``sid``; RP-initiated logout ends it).
    session_id = models.CharField(max_length=64, blank=True)
    authenticated_at = models.DateTimeField()
    code_expires_at = models.DateTimeField()
    code_used_at = models.DateTimeField(null=True, blank=True)
    access_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.client_id} {self.national_id[-4:]}"


class GatewayProtocol(models.TextChoices):
    VNPAY = "vnpay", "VNPAY 2.1.0"
    DVCQG = "dvcqg", "Nền tảng thanh toán Cổng DVCQG"


class SandboxPayment(models.Model):
    """One transaction of the simulated payment gateways (``payment_gateway``): what a merchant asked
    for, what the simulated payer did and what the gateway told the merchant. No card numbers are kept,
    only the outcome the chosen test card stands for."""

    protocol = models.CharField(max_length=8, choices=GatewayProtocol.choices)
    merchant = models.CharField(max_length=40)
    reference = models.CharField(max_length=100)  # vnp_TxnRef / MaThamChieu
    amount = models.PositiveBigIntegerField()  # đồng (VNPAY sends ×100; stored divided)
    currency = models.CharField(max_length=3, default="VND")
    order_info = models.CharField(max_length=255, blank=True)
    return_url = models.URLField(max_length=500, blank=True)
    created = models.CharField(max_length=14)  # vnp_CreateDate / ThoiGianGD as sent (yyyyMMddHHmmss)
    expires = models.CharField(max_length=14, blank=True)
    status = models.CharField(max_length=12, default="pending")  # pending/paid/failed/cancelled/timeout
    response_code = models.CharField(max_length=4, blank=True)
    transaction_no = models.CharField(max_length=20, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    pay_date = models.CharField(max_length=14, blank=True)
    notified = models.BooleanField(default=False)  # the merchant's server acknowledged the notification
    refunded_amount = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["protocol", "merchant", "reference"], name="sandbox_payment_ref")
        ]

    def __str__(self) -> str:
        return f"{self.protocol}:{self.reference}"


class LandParcel(models.Model):
    """A parcel (thửa đất) of the simulated land registry (cơ sở dữ liệu đất đai): its identifier is the
    commune's GSO code, the map sheet and the parcel number (``25747-12-345``). The owner's name and
    national ID are personal data."""

    parcel_id = models.CharField(max_length=30, unique=True)
    ward_code = models.CharField(max_length=5)
    ward_name = models.CharField(max_length=100)
    province_code = models.CharField(max_length=5)
    province_name = models.CharField(max_length=100)
    map_sheet = models.PositiveIntegerField()
    parcel_number = models.PositiveIntegerField()
    street_address = models.CharField(max_length=200)
    area_m2 = models.DecimalField(max_digits=10, decimal_places=1)
    # Land-use purpose by the code of the land law's catalogue (ODT đất ở tại đô thị, CLN, …).
    purpose_code = models.CharField(max_length=5)
    purpose_name = models.CharField(max_length=100)
    owner_name = models.CharField(max_length=200)
    owner_national_id = models.CharField(max_length=12, db_index=True)
    certificate_number = models.CharField(max_length=20)
    certificate_issued_on = models.DateField()
    household_code = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["parcel_id"]

    def __str__(self) -> str:
        return self.parcel_id


class SimulatedSms(models.Model):
    """A message the simulated SMS brand-name gateway accepted (``sms.py``). ``request_id`` is the
    sender's RequestId: the gateway refuses a second message with it (eSMS code 124), which is how a
    sender that retries after a crash makes no duplicate. Fake traffic, but treated as personal data
    (the phone numbers of the demo's accounts): only staff see the list."""

    sms_id = models.CharField(max_length=40, unique=True)
    request_id = models.CharField(max_length=120, unique=True)
    phone = models.CharField(max_length=20)
    brandname = models.CharField(max_length=20)
    content = models.TextField()
    is_unicode = models.BooleanField(default=False)
    callback_url = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    report_status = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return self.sms_id


class SimulatedSmsGatewaySwitch(models.Model):
    """The one row of the simulated gateway's switches: answer every send with HTTP 503 (to test
    retries), and whether messages are reported delivered or failed."""

    fail_with_5xx = models.BooleanField(default=False)
    report_failed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"5xx={self.fail_with_5xx} failed={self.report_failed}"

    @classmethod
    def current(cls) -> "SimulatedSmsGatewaySwitch":
        switch, _created = cls.objects.get_or_create(pk=1)
        return switch


class AxisAgency(models.Model):
    """An agency connected to the simulated national document axis that is not an agency of this
    installation (a ministry, another province): with ``answers_automatically`` the simulator answers
    every package sent to it with "01 arrived", then "06 done" after ``answer_delay_seconds``."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=300)
    answers_automatically = models.BooleanField(default=True)
    answer_delay_seconds = models.PositiveIntegerField(default=60)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AxisMessage(models.Model):
    """A message on the simulated national document axis, waiting in its recipient's mailbox until the
    recipient acknowledges it: an edXML package or a status message, kept as the bytes sent."""

    PACKAGE, STATUS = "package", "status"

    message_id = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=[(PACKAGE, "edXML"), (STATUS, "Status")])
    sender_code = models.CharField(max_length=20)
    recipient_code = models.CharField(max_length=20, db_index=True)
    document_id = models.CharField(max_length=200)
    status_code = models.CharField(max_length=2, blank=True)
    body = models.BinaryField()
    posted_at = models.DateTimeField()
    available_at = models.DateTimeField()
    delivered_count = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind} {self.sender_code}→{self.recipient_code}"
