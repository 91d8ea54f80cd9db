"""What the applicant asks of the agency about a dossier: send the papers of a supplement request
(form 02), withdraw the dossier, rate how it was handled. Each goes through ``dossiers.services``
(``provide_supplement``, ``withdraw``) or ``portal.services`` (``give_feedback``).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from congso.dossiers import files as dossier_files
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Status

from .. import services
from ..models import FEEDBACK_COMMENT_MAX, DissatisfactionReason, Rating
from .dossier_display import owned, supplement_request_of
from .uploads import upload_limits

MAX_FILES_PER_ITEM = 10
NOTE_MAX = 2000
REASON_MAX = 1000
CONTROL_NAMES = frozenset({"csrfmiddlewaretoken"})


# --- Supplement -------------------------------------------------------------------------------------


@dataclass
class SupplementSlot:
    index: int
    item: str
    error: str = ""

    @property
    def input_id(self) -> str:
        return f"tep-{self.index}"

    @property
    def input_name(self) -> str:
        return f"file-{self.index}"


def _find_rejected_slot(slots, uploads_by_slot) -> SupplementSlot | None:
    """Which slot holds the file the service refused (checked in the order the service checks them)."""
    for slot in slots:
        for upload in uploads_by_slot.get(slot.index, ()):
            try:
                dossier_files.validate_upload(upload)
            except dossier_files.UploadRejected:
                return slot
    return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def supplement(request, public_id):
    """Upload the papers the agency asked for (form 02) and send them: ``provide_supplement``.

    One file field per requested item (several files each) and a note. Every file is checked by content
    by the dossier service; a refused file refuses the whole submission and nothing is stored."""
    dossier = owned(request, public_id)
    request_row = supplement_request_of(dossier)
    if dossier.status != Status.SUPPLEMENT_REQUESTED or request_row is None:
        messages.info(request, _("Hồ sơ này hiện không có yêu cầu bổ sung giấy tờ."))
        return redirect("portal:my-dossier", public_id=dossier.public_id)
    slots = [SupplementSlot(i, item) for i, item in enumerate(request_row.items, start=1)]
    note, summary = "", []
    note_error = ""
    if request.method == "POST":
        note = request.POST.get("note", "").strip()
        known_files = {slot.input_name: slot for slot in slots}
        # A browser sends a file input left empty as a part without a file name, which Django reads as
        # an empty text field: that is "no file", not an unknown field.
        empty_file_inputs = {name for name in known_files if not any(request.POST.getlist(name))}
        unknown = sorted(
            (set(request.POST.keys()) - CONTROL_NAMES - {"note"} - empty_file_inputs)
            | (set(request.FILES.keys()) - set(known_files))
        )
        uploads_by_slot = {
            known_files[name].index: request.FILES.getlist(name)
            for name in request.FILES
            if name in known_files
        }
        if unknown:
            summary.append(
                {
                    "href": "",
                    "message": _("Biểu mẫu gửi lên có mục không thuộc trang này. Vui lòng tải lại trang."),
                }
            )
        for slot in slots:
            if len(uploads_by_slot.get(slot.index, ())) > MAX_FILES_PER_ITEM:
                slot.error = _("Mỗi nội dung bổ sung gửi tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_ITEM}
        if len(note) > NOTE_MAX:
            note_error = _("Ghi chú quá dài (tối đa %(n)s ký tự).") % {"n": NOTE_MAX}
        elif services.has_invalid_characters(note):
            note_error = str(services.INVALID_CHARACTERS)
        if not any(uploads_by_slot.values()) and not note and not unknown:
            note_error = _("Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung.")
        if not summary and not note_error and not any(slot.error for slot in slots):
            papers = [
                dossier_files.PaperUpload(required_paper_code="", name=slot.item, fileobj=upload)
                for slot in slots
                for upload in uploads_by_slot.get(slot.index, ())
            ]
            try:
                dossier_services.provide_supplement(dossier, request.user, papers, note)
            except dossier_files.UploadRejected as exc:
                slot = _find_rejected_slot(slots, uploads_by_slot) or slots[0]
                slot.error = " ".join(exc.messages)
            except PermissionDenied:
                raise Http404(_("Không tìm thấy hồ sơ.")) from None
            except ValidationError as exc:
                summary.append({"href": "", "message": " ".join(exc.messages)})
            else:
                messages.success(
                    request,
                    _(
                        "Đã gửi giấy tờ bổ sung cho hồ sơ %(code)s. Cơ quan sẽ tiếp tục giải quyết; bạn "
                        "theo dõi hồ sơ tại đây."
                    )
                    % {"code": dossier.code},
                )
                return redirect("portal:my-dossier", public_id=dossier.public_id)
        summary += [{"href": f"#{s.input_id}", "message": s.error} for s in slots if s.error]
        if note_error:
            summary.append({"href": "#ghi-chu", "message": note_error})
    return render(
        request,
        "portal/dossiers/supplement.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "request_row": request_row,
            "slots": slots,
            "note": note,
            "note_error": note_error,
            "note_max": NOTE_MAX,
            "error_summary": summary,
            "limits": upload_limits(),
        },
        status=400 if summary else 200,
    )


# --- Withdrawal -------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    """Ask to withdraw the dossier: a reason and a confirmation, then ``dossiers.services.withdraw``."""
    dossier = owned(request, public_id)
    if not dossier.is_open:
        messages.info(request, _("Hồ sơ này đã kết thúc nên không rút được nữa."))
        return redirect("portal:my-dossier", public_id=dossier.public_id)
    reason, errors, summary = "", {}, []
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            errors["ly-do"] = _("Vui lòng nêu lý do rút hồ sơ.")
        elif len(reason) > REASON_MAX:
            errors["ly-do"] = _("Lý do quá dài (tối đa %(n)s ký tự).") % {"n": REASON_MAX}
        elif services.has_invalid_characters(reason):
            errors["ly-do"] = str(services.INVALID_CHARACTERS)
        if request.POST.get("confirm") != "true":
            errors["xac-nhan"] = _("Vui lòng đánh dấu xác nhận bạn muốn rút hồ sơ.")
        if not errors:
            try:
                dossier_services.withdraw(dossier, request.user, reason)
            except PermissionDenied:
                raise Http404(_("Không tìm thấy hồ sơ.")) from None
            except ValidationError as exc:
                summary.append({"href": "", "message": " ".join(exc.messages)})
            else:
                messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
                return redirect("portal:my-dossier", public_id=dossier.public_id)
        summary += [{"href": f"#{key}", "message": message} for key, message in errors.items()]
    return render(
        request,
        "portal/dossiers/withdraw.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "reason": reason,
            "reason_max": REASON_MAX,
            "reason_error": errors.get("ly-do", ""),
            "confirm_error": errors.get("xac-nhan", ""),
            "error_summary": summary,
        },
        status=400 if summary else 200,
    )


# --- Feedback ---------------------------------------------------------------------------------------

_FEEDBACK_FIELDS = {"rating": "muc-do", "reasons": "ly-do", "comment": "y-kien"}
# An error summary links to the first control of a group of choices.
_FEEDBACK_ANCHORS = {"muc-do": "#muc-do-1", "ly-do": "#ly-do-1", "y-kien": "#y-kien"}


def _feedback_errors(exc) -> tuple[dict[str, str], list[dict]]:
    """The refusal as messages by field and the error summary's entries (each linking to its field), in
    the form's order: every invalid answer is reported in one response."""
    if hasattr(exc, "error_dict"):
        by_code = {code: " ".join(texts) for code, texts in exc.message_dict.items()}
    else:
        by_code = {getattr(exc, "code", "") or "": " ".join(exc.messages)}
    errors: dict[str, str] = {}
    summary: list[dict] = []
    ordered = [c for c in _FEEDBACK_FIELDS if c in by_code] + [
        c for c in by_code if c not in _FEEDBACK_FIELDS
    ]
    for code in ordered:
        target = _FEEDBACK_FIELDS.get(code, "")
        if target:
            errors[target] = by_code[code]
        summary.append({"href": _FEEDBACK_ANCHORS.get(target, ""), "message": by_code[code]})
    return errors, summary


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, public_id):
    """Rate how the dossier was handled, once, when its result is ready or returned."""
    dossier = owned(request, public_id)
    existing = services.feedback_for(dossier)
    rating, reasons, comment = "", [], ""
    errors: dict[str, str] = {}
    summary: list[dict] = []
    status = 200
    if request.method == "POST" and existing is None:
        rating = request.POST.get("rating", "")
        reasons = request.POST.getlist("reasons")
        comment = request.POST.get("comment", "")
        try:
            services.give_feedback(dossier, request.user, rating=rating, reasons=reasons, comment=comment)
        except services.FeedbackError as exc:
            errors, summary = _feedback_errors(exc)
            status = 409 if getattr(exc, "code", "") in ("already_given", "not_finished") else 400
            existing = services.feedback_for(dossier)
        else:
            messages.success(
                request, _("Cảm ơn bạn đã đánh giá. Ý kiến của bạn được gửi đến cơ quan giải quyết.")
            )
            return redirect("portal:my-dossier", public_id=dossier.public_id)
    elif request.method == "POST":
        summary.append(
            {
                "href": "",
                "message": _("Hồ sơ %(code)s đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần.")
                % {"code": dossier.code},
            }
        )
        status = 409
    return render(
        request,
        "portal/dossiers/feedback.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "existing": existing,
            "open": existing is None and dossier.status in services.FEEDBACK_STATUSES,
            "ratings": Rating.choices,
            "reason_choices": DissatisfactionReason.choices,
            "rating": rating,
            "reasons": reasons,
            "comment": comment,
            "comment_max": FEEDBACK_COMMENT_MAX,
            "rating_error": errors.get("muc-do", ""),
            "reasons_error": errors.get("ly-do", ""),
            "comment_error": errors.get("y-kien", ""),
            "error_summary": summary,
        },
        status=status,
    )
