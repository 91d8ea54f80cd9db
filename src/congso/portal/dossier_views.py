"""Following a dossier: "Hồ sơ của tôi" (the list, one dossier's page, the supplement asked for, the
withdrawal, the papers and results to download, the rating) and the public status page by dossier code.

Every page works without JavaScript. A dossier is loaded only through
``dossiers.services.get_for_applicant``: someone else's dossier answers 404 exactly like one that does
not exist. Files are streamed to their owner as downloads with the type detected at upload.

The public status page (``tra-cuu/``) shows, for a dossier code alone, nothing personal: the code, the
procedure, the status in plain words, the receiving agency and the appointment. With the second factor —
the lookup PIN printed on the receipt, or the phone number the applicant gave — it adds the history
(steps, dates, units; no officer's name, no free text) and the applicant's initials, and writes an
audit entry. Lookups are limited per client address and wrong factors per dossier code
(``portal.services`` names the settings), counted in the database so every web process shares them.
"""

import hmac
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from congso.core import audit, pdf, ratelimit
from congso.core.net import client_address
from congso.dossiers import files as dossier_files
from congso.dossiers import services as dossier_services
from congso.dossiers import standard_forms
from congso.dossiers.models import Channel, Dossier, PaperStage, Status, SupplementRequest, Timeliness

from . import services
from .application_views import _upload_limits
from .models import FEEDBACK_COMMENT_MAX, DissatisfactionReason, Rating

logger = logging.getLogger(__name__)

# Rate-limit scopes of the public status page (counted by ``core.ratelimit``, per client address).
LOOKUP_SCOPE = "portal.lookup"
FACTOR_SCOPE = "portal.lookup.wrong_factor"

PER_PAGE = 20
MAX_FILES_PER_ITEM = 10
NOTE_MAX = 2000
REASON_MAX = 1000
CONTROL_NAMES = frozenset({"csrfmiddlewaretoken"})

# Transitions whose reason is written for the applicant (forms 02, 03, 05; the payment request; the
# result); the reasons of other steps are officers' working notes and stay in the back office.
LETTER_STATUSES = frozenset(
    {
        Status.REFUSED,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.RESULT_READY,
        Status.RESULT_RETURNED,
    }
)
ACTION_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})
_TIMELINESS_TAGS = {Timeliness.EARLY: "early", Timeliness.ON_TIME: "ontime", Timeliness.LATE: "late"}


# --- Shared helpers ---------------------------------------------------------------------------------


def _optional_url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def _owned(request, public_id) -> Dossier:
    """The signed-in person's dossier (as applicant or submitter); anything else is a 404 that says
    nothing about whether the dossier exists."""
    try:
        return dossier_services.get_for_applicant(request.user, public_id)
    except ObjectDoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None


@dataclass(frozen=True)
class DeadlineState:
    tag: str  # a congso.css tag modifier: late, ontime, early, warn
    label: str


def deadline_state(dossier, now=None) -> DeadlineState | None:
    """Whether the dossier is (or was) on time, as a tag: the classification once it is finished; for an
    open dossier, "Quá hạn" once the appointment has passed while the clock runs."""
    if dossier.timeliness:
        return DeadlineState(_TIMELINESS_TAGS[dossier.timeliness], str(Timeliness(dossier.timeliness).label))
    if not dossier.is_open or dossier.due_at is None:
        return None
    if dossier.paused_at is not None:
        return DeadlineState("warn", _("Tạm dừng tính thời hạn trong lúc chờ bổ sung"))
    if dossier.due_at < (now or timezone.now()):
        return DeadlineState("late", _("Quá hạn"))
    return None


def acting_for_name(dossier, user) -> str:
    """The person or organisation represented, when ``user`` submitted the dossier for someone else."""
    acting = dossier.acting_for or {}
    if dossier.submitted_by_id == user.pk and acting.get("full_name"):
        return str(acting["full_name"])
    return ""


@dataclass
class DossierRow:
    dossier: Dossier
    status_label: str
    sentence: str
    deadline: DeadlineState | None
    acting_for: str
    needs_action: bool


def _row(dossier, user, now) -> DossierRow:
    return DossierRow(
        dossier=dossier,
        status_label=services.status_label(dossier.status),
        sentence=services.status_explanation(dossier.status),
        deadline=deadline_state(dossier, now),
        acting_for=acting_for_name(dossier, user),
        needs_action=dossier.status in ACTION_STATUSES,
    )


# --- Hồ sơ của tôi -----------------------------------------------------------------------------------


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("trang", 1)))
    except ValueError:
        return 1


@login_required
@never_cache
@require_GET
def my_dossiers(request):
    """Every dossier of the signed-in citizen or business, newest first, 20 a page."""
    dossiers = (
        Dossier.objects.of_applicant(request.user)
        .select_related("procedure_version__procedure", "receiving_agency")
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(dossiers, PER_PAGE).get_page(_page_number(request))
    now = timezone.now()
    return render(
        request,
        "portal/dossiers/list.html",
        {
            "page_obj": page,
            "rows": [_row(d, request.user, now) for d in page.object_list],
            "drafts_url": _optional_url("portal:drafts"),
            "search_url": _optional_url("catalog:search"),
        },
    )


@dataclass
class HistoryLine:
    at: datetime
    title: str
    text: str = ""
    items: list = field(default_factory=list)
    due_at: datetime | None = None


def _line(entry, *, with_text: bool) -> HistoryLine:
    """One timeline entry as the applicant reads it: no officer names; a hand-over names the receiving
    unit; a reason only where it was written for the applicant, and only ``with_text``."""
    detail = entry.detail
    line = HistoryLine(at=entry.at, title=entry.title)
    if entry.kind == "hand_over":
        line.text = _("Chuyển đến: %(unit)s") % {"unit": detail.get("to") or detail.get("to_agency")}
    elif entry.kind == "extension":
        line.due_at = detail.get("new_due_at")
        if with_text:
            line.text = detail.get("reason") or ""
    elif with_text and detail.get("to_status") in LETTER_STATUSES:
        reasons = [str(r) for r in detail.get("reasons") or []]
        if len(reasons) > 1:
            line.items = reasons
        else:
            line.text = detail.get("reason") or ""
        line.items = line.items or [str(i) for i in detail.get("items") or []]
    return line


def _history(entries, *, with_text: bool) -> list[HistoryLine]:
    """The timeline, newest first."""
    return [_line(entry, with_text=with_text) for entry in reversed(entries)]


def _payment_request(entries) -> dict | None:
    """The latest payment request — the amount in đồng written the Vietnamese way ("50.000") and the
    officer's note — from the history."""
    for entry in reversed(entries):
        if entry.kind == "status" and entry.detail.get("to_status") == Status.AWAITING_PAYMENT:
            amount = entry.detail.get("amount")
            return {
                "amount": f"{amount:,}".replace(",", ".") if isinstance(amount, int) else "",
                "note": entry.detail.get("reason") or "",
            }
    return None


def _agency_messages(entries, user) -> list[HistoryLine]:
    """What the agency wrote to the applicant — the reasons of forms 02, 03 and 05, the items asked for,
    the payment request, the result note and extensions (form 04) — newest first."""
    out = []
    for entry in reversed(entries):
        if entry.kind not in ("status", "extension") or (entry.actor is not None and entry.actor == user):
            continue
        line = _line(entry, with_text=True)
        if line.text or line.items:
            out.append(line)
    return out


def _receipt_links(dossier) -> dict:
    # The confirmation of an online submission exists from the moment it was submitted; form 01 (Giấy
    # tiếp nhận hồ sơ và hẹn trả kết quả) only once the dossier was received (never when it was refused
    # at reception).
    online = dossier.channel == Channel.ONLINE
    return {
        "receipt_url": _optional_url("portal:receipt", dossier_id=dossier.public_id),
        "submission_pdf_url": _optional_url("portal:my-dossier-submission", public_id=dossier.public_id)
        if online
        else "",
        "receipt_pdf_url": _optional_url("portal:my-dossier-receipt", public_id=dossier.public_id)
        if dossier.received_at is not None
        else "",
    }


@login_required
@never_cache
@require_GET
def my_dossier(request, public_id):
    """One dossier: where it stands, what is asked of the applicant, the agency's messages, the history,
    papers and results to download, the receipt, withdrawal and the rating."""
    dossier = _owned(request, public_id)
    entries = dossier_services.timeline(dossier)
    supplement = SupplementRequest.objects.filter(dossier=dossier).first()
    papers = list(dossier.papers.all())
    feedback = services.feedback_for(dossier)
    return render(
        request,
        "portal/dossiers/detail.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "row": _row(dossier, request.user, timezone.now()),
            "history": _history(entries, with_text=True),
            "agency_messages": _agency_messages(entries, request.user),
            "supplement": supplement,
            "supplement_open": dossier.status == Status.SUPPLEMENT_REQUESTED and supplement is not None,
            "payment": _payment_request(entries) if dossier.status == Status.AWAITING_PAYMENT else None,
            "results": [p for p in papers if p.stage == PaperStage.RESULT],
            "papers": [p for p in papers if p.stage != PaperStage.RESULT],
            "has_result": dossier.status in services.FEEDBACK_STATUSES,
            "can_withdraw": dossier.is_open,
            "feedback": feedback,
            "can_give_feedback": feedback is None and dossier.status in services.FEEDBACK_STATUSES,
            **_receipt_links(dossier),
        },
    )


@login_required
@require_GET
def paper_download(request, public_id, paper_id):
    """Stream one paper or result of the dossier to its owner, always as a download."""
    dossier = _owned(request, public_id)
    paper = dossier.papers.filter(pk=paper_id).first()
    if paper is None:
        raise Http404(_("Không tìm thấy tệp."))
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Không tìm thấy tệp.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=dossier_files.download_name(paper.original_name, paper.content_type, paper.name[:80]),
        content_type=paper.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_or_back(request, dossier, render, filename: str):
    """Serve ``render()`` as a PDF download, or go back to the dossier with the reason it has none."""
    try:
        document = render()
    except standard_forms.FormNotAvailable as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal:my-dossier", public_id=dossier.public_id)
    except pdf.PdfRenderError:
        logger.exception("PDF %s of dossier %s could not be rendered", filename, dossier.pk)
        messages.error(
            request,
            _("Chưa tạo được tệp PDF biên nhận. Bạn có thể xem và in biên nhận ngay trên trình duyệt."),
        )
        return redirect("portal:my-dossier", public_id=dossier.public_id)
    return pdf.pdf_response(document, filename, attachment=True)


@login_required
@require_GET
def receipt_pdf(request, public_id):
    """Form 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as a PDF download, for the applicant only, once
    the dossier was received; before that the applicant is sent back to the dossier with the reason."""
    dossier = _owned(request, public_id)
    base_url = request.build_absolute_uri("/")
    return _pdf_or_back(
        request,
        dossier,
        lambda: standard_forms.render_form(dossier, "01", base_url=base_url),
        f"giay-tiep-nhan-{dossier.code}.pdf",
    )


@login_required
@require_GET
def submission_pdf(request, public_id):
    """The confirmation of an online submission (Giấy xác nhận đã nộp hồ sơ trực tuyến) as a PDF
    download, for the applicant only, from the moment the dossier is submitted."""
    dossier = _owned(request, public_id)
    base_url = request.build_absolute_uri("/")
    return _pdf_or_back(
        request,
        dossier,
        lambda: standard_forms.render_submission_confirmation(dossier, base_url=base_url),
        f"xac-nhan-nop-ho-so-{dossier.code}.pdf",
    )


# --- Supplement -------------------------------------------------------------------------------------


@dataclass
class SupplementSlot:
    index: int
    item: str
    error: str = ""

    @property
    def input_id(self) -> str:
        return f"tep-{self.index}"


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
    dossier = _owned(request, public_id)
    request_row = SupplementRequest.objects.filter(dossier=dossier).first()
    if dossier.status != Status.SUPPLEMENT_REQUESTED or request_row is None:
        messages.info(request, _("Hồ sơ này hiện không có yêu cầu bổ sung giấy tờ."))
        return redirect("portal:my-dossier", public_id=dossier.public_id)
    slots = [SupplementSlot(i, item) for i, item in enumerate(request_row.items, start=1)]
    note, summary = "", []
    note_error = ""
    if request.method == "POST":
        note = request.POST.get("ghi_chu", "").strip()
        known_files = {slot.input_id: slot for slot in slots}
        # A browser sends a file input left empty as a part without a file name, which Django reads as
        # an empty text field: that is "no file", not an unknown field.
        empty_file_inputs = {name for name in known_files if not any(request.POST.getlist(name))}
        unknown = sorted(
            (set(request.POST.keys()) - CONTROL_NAMES - {"ghi_chu"} - empty_file_inputs)
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
            "limits": _upload_limits(),
        },
        status=400 if summary else 200,
    )


# --- Withdrawal -------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    """Ask to withdraw the dossier: a reason and a confirmation, then ``dossiers.services.withdraw``."""
    dossier = _owned(request, public_id)
    if not dossier.is_open:
        messages.info(request, _("Hồ sơ này đã kết thúc nên không rút được nữa."))
        return redirect("portal:my-dossier", public_id=dossier.public_id)
    reason, errors, summary = "", {}, []
    if request.method == "POST":
        reason = request.POST.get("ly_do", "").strip()
        if not reason:
            errors["ly-do"] = _("Vui lòng nêu lý do rút hồ sơ.")
        elif len(reason) > REASON_MAX:
            errors["ly-do"] = _("Lý do quá dài (tối đa %(n)s ký tự).") % {"n": REASON_MAX}
        if request.POST.get("xac_nhan") != "true":
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


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, public_id):
    """Rate how the dossier was handled, once, when its result is ready or returned."""
    dossier = _owned(request, public_id)
    existing = services.feedback_for(dossier)
    rating, reasons, comment = "", [], ""
    errors: dict[str, str] = {}
    summary: list[dict] = []
    status = 200
    if request.method == "POST" and existing is None:
        rating = request.POST.get("muc_do", "")
        reasons = request.POST.getlist("ly_do")
        comment = request.POST.get("y_kien", "")
        try:
            services.give_feedback(dossier, request.user, rating=rating, reasons=reasons, comment=comment)
        except services.FeedbackError as exc:
            target = _FEEDBACK_FIELDS.get(exc.code, "")
            message = " ".join(exc.messages)
            if target:
                errors[target] = message
            summary.append({"href": _FEEDBACK_ANCHORS.get(target, ""), "message": message})
            status = 409 if exc.code in ("already_given", "not_finished") else 400
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


# --- Public status page -----------------------------------------------------------------------------

_CODE_SHAPE = re.compile(r"^[0-9A-Z.\-]{5,40}$")
_DUMMY_SECRET = b"--------"


def _client_ip(request) -> str:
    # The address the audit log uses (core.net: behind trusted proxies, the forwarded client address).
    return client_address(request) or "unknown"


def normalise_code(value: str) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


def _normalise_pin(value: str) -> str:
    return re.sub(r"[\s\-]", "", value).upper()


def _normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def second_factor(dossier, given: str) -> str:
    """ "pin" or "phone" when ``given`` is the dossier's lookup PIN or the applicant's full phone number,
    else "". Compared in constant time; with no dossier, a dummy comparison keeps the timing alike."""
    pin = _normalise_pin(given).encode()
    phone = _normalise_phone(given).encode()
    if dossier is None:
        hmac.compare_digest(pin, _DUMMY_SECRET)
        hmac.compare_digest(phone, _DUMMY_SECRET)
        return ""
    known_pin = (dossier.lookup_pin or "").upper().encode()
    known_phone = _normalise_phone(dossier.applicant_phone).encode()
    pin_ok = hmac.compare_digest(pin, known_pin) and bool(known_pin)
    phone_ok = hmac.compare_digest(phone, known_phone) and len(known_phone) >= 9
    return "pin" if pin_ok else "phone" if phone_ok else ""


def initials(name: str) -> str:
    """ "Nguyễn Văn An" → "N. V. A." — all the status page says about who applied."""
    return " ".join(f"{part[0].upper()}." for part in str(name or "").split() if part)


def _find(code: str):
    if not _CODE_SHAPE.match(code):
        return None
    try:
        return dossier_services.find_by_code(code)
    except ObjectDoesNotExist:
        return None


def _too_many(request, *, scope: str, window: int):
    response = render(
        request,
        "portal/lookup/too_many.html",
        {"scope": scope, "minutes": max(1, round(window / 60))},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


def _own_dossier_url(request, dossier) -> str:
    if not request.user.is_authenticated:
        return ""
    if not Dossier.objects.of_applicant(request.user).filter(pk=dossier.pk).exists():
        return ""
    return reverse("portal:my-dossier", kwargs={"public_id": dossier.public_id})


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request, code=""):
    """The public status page. GET shows the form, or looks up the code given in the address
    (``tra-cuu/<code>/``, printed with a QR code on the receipt, or ``?ma-ho-so=``); POST looks up the
    code and, with the second factor, the history."""
    if request.method == "POST":
        code_text = request.POST.get("ma_ho_so", "")
    else:
        code_text = code or request.GET.get("ma-ho-so", "")
    factor_text = request.POST.get("ma_xac_thuc", "").strip() if request.method == "POST" else ""
    context = {"code": code_text.strip(), "code_error": "", "factor_error": "", "error_summary": []}
    if request.method == "GET" and not code_text:
        return render(request, "portal/lookup/form.html", context)
    ip = _client_ip(request)
    # Counted and checked in one step (``take``), so parallel requests cannot overshoot the limit.
    if not ratelimit.take(
        LOOKUP_SCOPE, ip, limit=services.lookup_ip_limit(), window=services.lookup_ip_window()
    ):
        return _too_many(request, scope="ip", window=services.lookup_ip_window())
    code = normalise_code(code_text)
    if not code:
        message = _("Vui lòng nhập mã hồ sơ.")
        context["code_error"] = message
        context["error_summary"] = [{"href": "#ma-ho-so", "message": message}]
        return render(request, "portal/lookup/form.html", context, status=400)
    dossier = _find(code)
    factor = ""
    if factor_text:
        # Wrong second factors are limited per address that tried, never per dossier: a stranger's
        # guesses must not lock the owner out. Each try is counted as wrong before it is checked (so
        # parallel guesses cannot exceed the limit) and given back when it was right.
        window, now = services.lookup_code_window(), timezone.now()
        limit = services.lookup_code_failure_limit()
        if not ratelimit.take(FACTOR_SCOPE, ip, limit=limit, window=window, now=now):
            return _too_many(request, scope="factor", window=window)
        factor = second_factor(dossier, factor_text)
        if factor:
            ratelimit.give_back(FACTOR_SCOPE, ip, window=window, now=now)
    if dossier is None:
        message = _(
            "Không tìm thấy hồ sơ có mã này. Kiểm tra lại mã hồ sơ in trên biên nhận, "
            "gồm cả dấu chấm và gạch ngang."
        )
        context["code_error"] = message
        context["error_summary"] = [{"href": "#ma-ho-so", "message": message}]
        return render(request, "portal/lookup/form.html", context, status=404)
    context.update(
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "status_label": services.status_label(dossier.status),
            "sentence": services.status_explanation(dossier.status),
            "deadline": deadline_state(dossier),
            "own_url": _own_dossier_url(request, dossier),
        }
    )
    if factor_text and not factor:
        message = _("Mã tra cứu hoặc số điện thoại không khớp với hồ sơ này.")
        context["factor_error"] = message
        context["error_summary"] = [{"href": "#ma-xac-thuc", "message": message}]
    elif factor:
        audit.record(
            "portal.dossier_lookup",
            dossier,
            changes={"factor": factor},
            label="tra cứu công khai",
        )
        context.update(
            {
                "verified": True,
                "initials": initials(dossier.applicant_name),
                "history": _history(dossier_services.timeline(dossier), with_text=False),
            }
        )
    return render(request, "portal/lookup/form.html", context)
