"""The citizen's application in progress: a draft (bản nháp hồ sơ) and the files attached to it.

A draft is tied to the account, not to a browser, so it can be resumed on any device. It keeps the
answers as JSON, who is represented (``acting_for``), the receiving agency chosen, where the applicant
got to, and an idempotency key created with it: submitting the draft twice (a double click, a retry after
a timeout) creates one dossier. Drafts expire ``CONGSO_DRAFT_DAYS`` days (30 by default) after they were
last saved; a periodic job deletes expired drafts and their files.

Both models hold personal data: answers about the applicant and the people in the application, and
scans of their papers. Files are stored under random names (``drafts/<draft uuid>/<uuid>``) in the
default storage and are only ever streamed to their owner as a download.

Also here: the applicant's ``Feedback`` on a finished dossier (rating, reasons, comment, and the agency's
reply; personal data). Other blocks read it through ``portal.services``. The rate limits of the public
status page are counted by ``core.ratelimit``.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.core import rows, stored_files
from congso.core.scheduling import periodic

DEFAULT_DRAFT_DAYS = 30


def draft_days() -> int:
    """How long a draft is kept after its last save (setting ``CONGSO_DRAFT_DAYS``, default 30)."""
    return int(getattr(settings, "CONGSO_DRAFT_DAYS", DEFAULT_DRAFT_DAYS))


def default_expiry():
    return timezone.now() + timedelta(days=draft_days())


class ApplicationDraftQuerySet(models.QuerySet):
    def of_user(self, user) -> "ApplicationDraftQuerySet":
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def in_progress(self) -> "ApplicationDraftQuerySet":
        """Not yet submitted (expired ones included: the list tells the applicant they expired)."""
        return self.filter(submitted_dossier__isnull=True)

    def expired(self, now=None) -> "ApplicationDraftQuerySet":
        return self.filter(expires_at__lt=now or timezone.now())


class ApplicationDraft(models.Model):
    """An online application being filled in. Holds personal data (the answers, who is represented)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="application_drafts",
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("thủ tục (phiên bản)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    acting_for = models.JSONField(
        _("nộp cho ai"),
        default=dict,
        blank=True,
        help_text=_(
            "“relation” (self, parent_guardian, business_representative, authorised) và thông tin "
            "người được đại diện."
        ),
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_step = models.CharField(_("đang ở bước"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("lưu lần cuối"), auto_now=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), default=default_expiry, db_index=True)
    submitted_dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ đã nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The one-time token of the start page that created the draft: the same form posted again (double
    # click, back button and resubmit) leads to this draft instead of creating a second one.
    start_token = models.UUIDField(_("mã trang bắt đầu"), null=True, blank=True, editable=False)

    objects = ApplicationDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ đang soạn")
        verbose_name_plural = _("hồ sơ đang soạn")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="portal_draft_user_idx")]
        constraints = [
            # Per account: a token posted by someone else is just another account's, never a clash.
            models.UniqueConstraint(fields=["user", "start_token"], name="portal_draft_start_token_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_version} — {self.public_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_dossier_id is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at < timezone.now()

    @property
    def relation(self) -> str:
        return str((self.acting_for or {}).get("relation") or "")

    def touch(self) -> None:
        """Move the expiry: a draft is kept ``draft_days()`` after its last save."""
        self.expires_at = default_expiry()

    def delete_with_files(self) -> None:
        """Delete the draft, its file rows and, once the transaction commits, the stored files."""
        with transaction.atomic():
            names = list(self.files.values_list("file", flat=True))
            self.files.all().delete()
            self.delete()
            transaction.on_commit(lambda: delete_stored(names))


def draft_file_path(instance, filename) -> str:
    """``drafts/<draft uuid>/<random uuid>``: nothing the applicant typed ends up in the path."""
    return f"drafts/{instance.draft.public_id}/{uuid.uuid4().hex}"


class DraftFile(models.Model):
    """A file attached to a draft for one required paper (``required_paper_code``, the
    ``RequiredPaper.code``, or ``AUTHORISATION_CODE`` for the authorisation document of an authorised
    person). ``content_type``, ``size`` and ``sha256`` come from ``dossiers.files.validate_upload``:
    the type was detected from the content. Holds personal data."""

    AUTHORISATION_CODE = "giay-uy-quyen"

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="files")
    required_paper_code = models.CharField(_("mã thành phần hồ sơ"), max_length=60)
    file = models.FileField(_("tệp"), upload_to=draft_file_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm bản nháp")
        verbose_name_plural = _("tệp đính kèm bản nháp")
        ordering = ["draft", "uploaded_at", "id"]

    def __str__(self) -> str:
        # Not ``original_name``: a file's own name is often personal ("CCCD Nguyễn Văn An.pdf"), and
        # ``str()`` reaches admin pages and logs; pages for the owner show ``original_name`` themselves.
        return f"{self.required_paper_code} #{self.pk}"


# Draft attachments written by a process killed before its transaction committed are swept.
stored_files.register_owner("drafts/", DraftFile, "file")


def read_draft_files(draft: ApplicationDraft) -> list[DraftFile]:
    """``draft.files.all()``, in its order, each file's ``draft`` set: a named query (``core.rows``), as
    the papers page, the review and the submission of every draft ask."""
    found = rows.read(DraftFile, "draft_id = %s", [draft.pk], order_by="uploaded_at, id")
    draft_field = DraftFile._meta.get_field("draft")
    for draft_file in found:
        draft_field.set_cached_value(draft_file, draft)
    return found


def delete_stored(names) -> None:
    """Remove stored files by name; a file already gone is not an error."""
    stored_files.discard(names)


@periodic("portal.purge_expired_drafts", every=3600)
def purge_expired_drafts(now=None) -> int:
    """Delete drafts past their expiry, with their files. Returns how many drafts were deleted."""
    count = 0
    for draft in ApplicationDraft.objects.expired(now).order_by("pk")[:500]:
        draft.delete_with_files()
        count += 1
    return count


# --- Citizens' feedback on a finished dossier ---------------------------------------------------------


class Rating(models.TextChoices):
    """The three levels of the satisfaction survey used under Decision 766/QĐ-TTg (STANDARDS §2)."""

    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class DissatisfactionReason(models.TextChoices):
    """What went wrong, as the applicant can tick it when not satisfied (several allowed)."""

    LATE = "late", _("Giải quyết chậm so với ngày hẹn")
    EXTRA_PAPERS = "extra_papers", _("Bị yêu cầu giấy tờ ngoài quy định")
    MANY_TRIPS = "many_trips", _("Hướng dẫn không rõ, phải bổ sung hoặc đi lại nhiều lần")
    ATTITUDE = "attitude", _("Thái độ, tác phong của cán bộ chưa tốt")
    FEES = "fees", _("Thu phí, lệ phí không đúng quy định")
    RESULT_ERROR = "result_error", _("Kết quả có sai sót")
    ONLINE_SERVICE = "online_service", _("Dịch vụ công trực tuyến khó sử dụng hoặc bị lỗi")
    OTHER = "other", _("Lý do khác")


FEEDBACK_COMMENT_MAX = 2000


class Feedback(models.Model):
    """The applicant's rating of how a dossier was handled, given once the result is ready (status 9 or
    10). One per dossier, enforced by the unique dossier. ``reasons`` holds ``DissatisfactionReason``
    values and is filled only for an unsatisfied rating. The agency's answer (``reply``…) is written
    later from the officers' side. Holds personal data: the author and a free-text comment."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="portal_feedback",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đánh giá"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rating = models.CharField(_("mức độ hài lòng"), max_length=20, choices=Rating.choices, db_index=True)
    reasons = models.JSONField(_("lý do không hài lòng"), default=list, blank=True)
    comment = models.TextField(_("ý kiến"), max_length=FEEDBACK_COMMENT_MAX, blank=True)
    created_at = models.DateTimeField(_("thời điểm đánh giá"), default=timezone.now, db_index=True)
    reply = models.TextField(_("trả lời của cơ quan"), blank=True)
    replied_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đánh giá của người dân")
        verbose_name_plural = _("đánh giá của người dân")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_rating_display()}"

    def reason_labels(self) -> list[str]:
        labels = dict(DissatisfactionReason.choices)
        return [str(labels[r]) for r in self.reasons if r in labels]
