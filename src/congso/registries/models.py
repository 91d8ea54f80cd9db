"""What the registries block keeps: each lookup of a national register made for a dossier (the record
that replaces a paper the register proves, and the officer's verification), and the citizen's
electronic data store (Decree 45/2020, Decree 107/2021).

Personal data: a lookup keeps the register's answer in congso's vocabulary (the evidence the dossier
relies on); a data-store item is the citizen's own paper or result. Rows are written only through
``registries.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LookupStatus(models.TextChoices):
    FOUND = "found", _("Đã đối chiếu")
    NOT_FOUND = "not_found", _("Không có trong cơ sở dữ liệu")
    INVALID = "invalid", _("Thông tin tra cứu không hợp lệ")
    REFUSED = "refused", _("Bị từ chối kết nối")
    UNAVAILABLE = "unavailable", _("Chưa xác minh được (hệ thống không phản hồi)")


class LookupPurpose(models.TextChoices):
    SUBMISSION = "submission", _("Khi nộp hồ sơ")
    REQUERY = "requery", _("Cán bộ tra cứu lại")


class RegistryLookupQuerySet(models.QuerySet):
    def of_dossier(self, dossier) -> "RegistryLookupQuerySet":
        return self.filter(dossier=dossier).order_by("registry", "-at", "-id")

    def pending(self) -> "RegistryLookupQuerySet":
        return self.filter(status__in=[LookupStatus.UNAVAILABLE, LookupStatus.REFUSED])


class RegistryLookup(models.Model):
    """One lookup of a national register for a dossier: which register, by which key, what it answered
    (mapped to congso's attributes), the LGSP message id (the gateway's log holds the evidence), and the
    papers it stands in for."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="registry_lookups", verbose_name=_("hồ sơ")
    )
    registry = models.CharField(_("cơ sở dữ liệu"), max_length=40)
    key = models.CharField(_("thông tin tra cứu"), max_length=40)
    purpose = models.CharField(_("mục đích"), max_length=20, choices=LookupPurpose.choices)
    status = models.CharField(_("kết quả"), max_length=20, choices=LookupStatus.choices)
    values = models.JSONField(_("thông tin trả về"), default=dict, blank=True)
    # {attribute: value the applicant declared in the form}, for the officer's comparison.
    declared = models.JSONField(_("thông tin kê khai"), default=dict, blank=True)
    # Codes of the required papers this lookup stands in for (not asked of the applicant).
    papers = models.JSONField(_("giấy tờ thay thế"), default=list, blank=True)
    message_id = models.CharField(_("mã thông điệp LGSP"), max_length=100, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RegistryLookupQuerySet.as_manager()

    class Meta:
        verbose_name = _("tra cứu cơ sở dữ liệu quốc gia")
        verbose_name_plural = _("tra cứu cơ sở dữ liệu quốc gia")
        indexes = [models.Index(fields=["dossier", "registry", "-at"], name="registries_lookup_dossier")]

    def __str__(self) -> str:
        return f"{self.registry} {self.at:%Y-%m-%d %H:%M}"


class ItemKind(models.TextChoices):
    UPLOADED = "uploaded", _("Giấy tờ tôi đã nộp")
    RESULT = "result", _("Kết quả điện tử do cơ quan cấp")


class DataStoreItemQuerySet(models.QuerySet):
    def of_owner(self, user) -> "DataStoreItemQuerySet":
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user, deleted_at__isnull=True)

    def valid_on(self, day) -> "DataStoreItemQuerySet":
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))


class DataStoreItem(models.Model):
    """One paper or electronic result in a citizen's data store (kho quản lý dữ liệu điện tử): a paper
    they uploaded with an application, or a result an agency issued them. A result cannot be altered or
    removed by its owner (it is the agency's document); an uploaded paper can be deleted (its file is
    removed, the row kept as a tombstone so re-use counts stay true)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=10, choices=ItemKind.choices)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    paper_code = models.CharField(_("mã thành phần hồ sơ"), max_length=60, blank=True)
    file = models.FileField(_("tệp"), upload_to="registries/kho/%Y/%m/", blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    issued_by = models.CharField(_("cơ quan cấp"), max_length=300, blank=True)
    source_dossier_code = models.CharField(_("hồ sơ gốc"), max_length=40, blank=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = DataStoreItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu điện tử")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class DataStoreReuse(models.Model):
    """One re-use of a data-store item in a later application (Decision 766's re-use indicator)."""

    item = models.ForeignKey(DataStoreItem, on_delete=models.PROTECT, related_name="reuses")
    dossier_code = models.CharField(max_length=40)
    paper_code = models.CharField(max_length=60, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "dossier_code", "paper_code"], name="registries_reuse_once"
            )
        ]
        # The reporting block asks which dossiers re-used data (``dossiers_reusing_data``).
        indexes = [models.Index(fields=["dossier_code"], name="registries_reuse_dossier")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.dossier_code}"
