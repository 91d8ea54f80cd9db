"""The public API of the portal block: what other blocks (reporting, notifications, the officers'
workspace) may read or ask of it. Nothing outside ``portal`` touches its models directly.

- ``status_label(status)`` — the one name of a status on every citizen page (the national status name);
  ``status_sentence(status)`` — the plain-language sentence that explains it (also fit for a
  notification); ``status_explanation(status)`` — that sentence, or "" where it repeats the name.
- ``feedback_for(dossier)``, ``can_give_feedback(dossier)``, ``give_feedback(...)`` — the applicant's rating
  of a finished dossier (one per dossier).
- ``satisfaction(agency=None, start=None, end=None)`` — the satisfaction rate of Decision 766/QĐ-TTg.

Settings of the public status page (``tra-cuu/``), each read with its default:

- ``CONGSO_LOOKUP_IP_LIMIT`` (30) lookups per client address per ``CONGSO_LOOKUP_IP_WINDOW_SECONDS`` (600);
- ``CONGSO_LOOKUP_CODE_FAILURE_LIMIT`` (10) wrong second factors per dossier code per
  ``CONGSO_LOOKUP_CODE_WINDOW_SECONDS`` (3600). Past it, even the right factor is refused until the
  window has passed, so the PIN cannot be guessed by spreading attempts over many addresses.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core import audit, events
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Status, Timeliness

from .models import FEEDBACK_COMMENT_MAX, DissatisfactionReason, Feedback, Rating

__all__ = [
    "FEEDBACK_STATUSES",
    "FeedbackAlreadyGiven",
    "FeedbackError",
    "Satisfaction",
    "can_give_feedback",
    "feedback_for",
    "give_feedback",
    "lookup_code_failure_limit",
    "lookup_code_window",
    "lookup_ip_limit",
    "lookup_ip_window",
    "satisfaction",
    "status_explanation",
    "status_label",
    "status_sentence",
    "unsatisfied_dossier_ids",
]

FEEDBACK_STATUSES = frozenset({Status.RESULT_READY, Status.RESULT_RETURNED})


# --- Settings -----------------------------------------------------------------------------------------


def lookup_ip_limit() -> int:
    return int(getattr(settings, "CONGSO_LOOKUP_IP_LIMIT", 30))


def lookup_ip_window() -> int:
    return int(getattr(settings, "CONGSO_LOOKUP_IP_WINDOW_SECONDS", 600))


def lookup_code_failure_limit() -> int:
    return int(getattr(settings, "CONGSO_LOOKUP_CODE_FAILURE_LIMIT", 10))


def lookup_code_window() -> int:
    return int(getattr(settings, "CONGSO_LOOKUP_CODE_WINDOW_SECONDS", 3600))


# --- Status in plain words ------------------------------------------------------------------------------

_STATUS_SENTENCES = {
    Status.SUBMITTED: gettext_lazy("Hồ sơ đã được gửi, đang chờ Bộ phận Một cửa kiểm tra và tiếp nhận"),
    Status.ACCEPTED: gettext_lazy("Hồ sơ đã được tiếp nhận và sắp được chuyển đến bộ phận giải quyết"),
    Status.REFUSED: gettext_lazy("Hồ sơ không được tiếp nhận. Cơ quan đã nêu lý do"),
    Status.IN_PROCESSING: gettext_lazy("Cơ quan đang giải quyết hồ sơ"),
    Status.SUPPLEMENT_REQUESTED: gettext_lazy("Cơ quan cần bạn bổ sung giấy tờ"),
    Status.AWAITING_PAYMENT: gettext_lazy("Bạn cần nộp phí, lệ phí hoặc thuế để cơ quan giải quyết tiếp"),
    Status.WITHDRAWN: gettext_lazy("Hồ sơ đã được rút theo yêu cầu của người nộp"),
    Status.STOPPED: gettext_lazy("Cơ quan đã dừng giải quyết hồ sơ. Cơ quan đã nêu lý do"),
    Status.RESULT_READY: gettext_lazy("Đã có kết quả, đang chờ trả cho bạn"),
    Status.RESULT_RETURNED: gettext_lazy("Đã trả kết quả"),
}


def status_label(status) -> str:
    """The one name of ``status`` on every page (list, dossier page, receipt, public status page): the
    national status name of STANDARDS.md §1, e.g. "Mới đăng ký". ``status_sentence`` only explains it."""
    return str(Status(status).label)


def status_explanation(status) -> str:
    """The plain-language sentence under the status name, or "" when it would only repeat the name."""
    sentence = status_sentence(status)
    return "" if sentence.casefold() == status_label(status).casefold() else sentence


def status_sentence(status) -> str:
    """The sentence a citizen reads for ``status`` (an int of ``dossiers.models.Status``), in the active
    language. Raises ``ValueError`` for a number that is not a status."""
    return str(_STATUS_SENTENCES[Status(status)])


# --- Feedback ----------------------------------------------------------------------------------------


class FeedbackError(ValidationError):
    """The feedback was refused (the message says why, in Vietnamese); nothing was stored."""


class FeedbackAlreadyGiven(FeedbackError):
    """The dossier already has its feedback: it is given once."""


def feedback_for(dossier) -> Feedback | None:
    """The feedback given on ``dossier``, or None. Reads only; checks no permission."""
    return Feedback.objects.filter(dossier=dossier).select_related("replied_by").first()


def can_give_feedback(dossier) -> bool:
    """Whether ``dossier`` is at a point where its applicant may rate it (result ready or returned) and
    has not done so yet. The caller checks that the person is the applicant."""
    return dossier.status in FEEDBACK_STATUSES and not Feedback.objects.filter(dossier=dossier).exists()


def _clean_reasons(rating: str, reasons) -> list[str]:
    reasons = [str(r) for r in (reasons or ())]
    # Reasons describe a dissatisfaction; with a good rating they are not part of the answer.
    return list(dict.fromkeys(reasons)) if rating == Rating.UNSATISFIED else []


def _feedback_field_errors(rating: str, reasons, comment: str) -> dict[str, ValidationError]:
    """Every answer of the form that cannot be stored, by field (``rating``, ``reasons``, ``comment``):
    all of them at once, so the applicant corrects the form in one go rather than one error per try."""
    errors: dict[str, ValidationError] = {}
    if rating not in Rating.values:
        errors["rating"] = ValidationError(_("Vui lòng chọn mức độ hài lòng của bạn."), code="rating")
    if any(str(r) not in DissatisfactionReason.values for r in reasons or ()):
        errors["reasons"] = ValidationError(_("Lý do không hài lòng không hợp lệ."), code="reasons")
    if has_invalid_characters(comment):
        errors["comment"] = ValidationError(INVALID_CHARACTERS, code="comment")
    elif len(comment) > FEEDBACK_COMMENT_MAX:
        errors["comment"] = ValidationError(
            _("Ý kiến quá dài (tối đa {limit} ký tự).").format(limit=FEEDBACK_COMMENT_MAX), code="comment"
        )
    return errors


def _is_applicant(user, dossier) -> bool:
    try:
        dossier_services.get_for_applicant(user, dossier.public_id)
    except ObjectDoesNotExist:
        return False
    return True


# Text a browser never sends but a crafted request can: NUL, which PostgreSQL refuses in any text column
# (a server error instead of a message), and the C0 controls other than tab and line breaks.
_INVALID_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
INVALID_CHARACTERS = gettext_lazy("Nội dung có ký tự không hợp lệ. Vui lòng gõ lại nội dung.")


def has_invalid_characters(*texts: str) -> bool:
    """Whether typed text carries characters no keyboard produces (see ``_INVALID_CHARACTERS``)."""
    return any(_INVALID_CHARACTERS.search(text or "") for text in texts)


def give_feedback(dossier, user, *, rating: str, reasons=(), comment: str = "") -> Feedback:
    """Store the applicant's rating of ``dossier``.

    Inputs: ``user`` — the dossier's applicant or the person who submitted it; ``rating`` — a ``Rating``
    value; ``reasons`` — ``DissatisfactionReason`` values, kept only with an unsatisfied rating;
    ``comment`` — optional, at most 2,000 characters.
    Effects (one transaction): the ``Feedback`` row, the audit entry ``portal.feedback`` and the event
    ``feedback.given`` (dossier identifiers, agency and procedure codes, rating, reasons, timeliness —
    never the comment).
    Errors: ``FeedbackError`` (not the applicant, the dossier has no result yet; or, with every problem by
    field in its ``message_dict``, bad rating or reasons, comment too long); ``FeedbackAlreadyGiven`` (a
    second feedback). Nothing is stored when one is raised.
    """
    if not _is_applicant(user, dossier):
        raise FeedbackError(_("Chỉ người nộp hồ sơ mới đánh giá được hồ sơ này."), code="not_applicant")
    if dossier.status not in FEEDBACK_STATUSES:
        raise FeedbackError(_("Bạn đánh giá được khi hồ sơ đã có kết quả giải quyết."), code="not_finished")
    comment = str(comment or "").strip()
    field_errors = _feedback_field_errors(rating, reasons, comment)
    if field_errors:
        raise FeedbackError(field_errors)
    reasons = _clean_reasons(rating, reasons)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                dossier=dossier, author=user, rating=rating, reasons=reasons, comment=comment
            )
            audit.record(
                "portal.feedback",
                dossier,
                actor=user,
                changes={"rating": rating, "reasons": reasons, "has_comment": bool(comment)},
            )
            events.publish(
                "feedback.given",
                {
                    "dossier_id": dossier.pk,
                    "public_id": str(dossier.public_id),
                    "code": dossier.code,
                    "agency_code": dossier.receiving_agency.code,
                    "procedure_code": dossier.procedure_version.procedure.code,
                    "rating": rating,
                    "reasons": reasons,
                    "timeliness": dossier.timeliness,
                },
                aggregate=feedback,
            )
    except IntegrityError:
        raise FeedbackAlreadyGiven(
            _("Hồ sơ {code} đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần.").format(code=dossier.code),
            code="already_given",
        ) from None
    return feedback


# --- Decision 766: satisfaction ------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    """The counts behind the satisfaction rate and the rate itself.

    ``feedback`` — ratings given; ``unsatisfied`` — of them, "Không hài lòng"; ``late`` — of the others,
    those on a dossier whose result came after the statutory deadline (``Dossier.timeliness`` "late").
    A late dossier rated "Không hài lòng" is counted once, as unsatisfied: the formula subtracts two
    kinds of bad outcome, and subtracting the same rating twice could drive the rate below zero.
    """

    feedback: int
    unsatisfied: int
    late: int

    @property
    def satisfied(self) -> int:
        return self.feedback - self.unsatisfied - self.late

    @property
    def rate(self) -> Decimal | None:
        """(feedback − unsatisfied − late) / feedback × 100, in percent to two decimals (half up);
        None when no feedback was given (no rate, rather than 0% or 100%)."""
        if not self.feedback:
            return None
        value = Decimal(self.satisfied * 100) / Decimal(self.feedback)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def unsatisfied_dossier_ids(dossier_ids) -> set[int]:
    """Which of ``dossier_ids`` their applicant rated "Không hài lòng" (for the reporting block's
    satisfaction rate of Decision 766). Reads only."""
    return set(
        Feedback.objects.filter(dossier_id__in=list(dossier_ids), rating=Rating.UNSATISFIED).values_list(
            "dossier_id", flat=True
        )
    )


def satisfaction(agency=None, start=None, end=None) -> Satisfaction:
    """The satisfaction rate of Decision 766/QĐ-TTg (STANDARDS §2):
    satisfaction = (feedback − unsatisfied − late) / feedback × 100%.

    Inputs: ``agency`` — an ``Agency`` (or its id) to count only dossiers it received, or None for the
    whole province; ``start`` and ``end`` — dates (inclusive, local time) of when the feedback was given,
    either may be None. Reads only.

    Worked example: 10 ratings — 6 "Rất hài lòng", 2 "Hài lòng", 2 "Không hài lòng"; one of the 8
    satisfied ones is on a late dossier, and one of the 2 unsatisfied ones too (counted as unsatisfied
    only). feedback = 10, unsatisfied = 2, late = 1, satisfaction = (10 − 2 − 1) / 10 × 100% = 70.00%.
    """
    rows = Feedback.objects.all()
    if agency is not None:
        rows = rows.filter(dossier__receiving_agency=getattr(agency, "pk", agency))
    if start is not None:
        rows = rows.filter(created_at__gte=_day_start(start))
    if end is not None:
        rows = rows.filter(created_at__lt=_day_start(end + timedelta(days=1)))
    unsatisfied = Q(rating=Rating.UNSATISFIED)
    counts = rows.aggregate(
        feedback=Count("id"),
        unsatisfied=Count("id", filter=unsatisfied),
        late=Count("id", filter=~unsatisfied & Q(dossier__timeliness=Timeliness.LATE)),
    )
    return Satisfaction(feedback=counts["feedback"], unsatisfied=counts["unsatisfied"], late=counts["late"])
