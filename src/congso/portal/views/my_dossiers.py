""" "Hồ sơ của tôi": the list of the signed-in person's dossiers and one dossier's page (where it stands,
what is asked of the applicant, the agency's messages, the history), with its papers, results and
receipts to download. A dossier is loaded only through ``dossiers.services.get_for_applicant``.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from congso.catalog import services as catalog_services
from congso.core import pdf
from congso.dossiers import files as dossier_files
from congso.dossiers import services as dossier_services
from congso.dossiers import standard_forms
from congso.dossiers.models import Channel, Dossier, PaperStage, Status
from congso.payments import services as payment_services

from .. import services
from .dossier_display import HistoryLine, dossier_row, history, history_line, owned, supplement_request_of

logger = logging.getLogger(__name__)

PER_PAGE = 20

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
            "rows": [dossier_row(d, request.user, now) for d in page.object_list],
            "drafts_url": reverse("portal:drafts"),
            "search_url": reverse("catalog:search"),
        },
    )


def _payment_request(entries) -> dict | None:
    """The latest payment request — the amount in đồng grouped the reader's way ("50.000", in English
    "50,000") and the officer's note — from the history."""
    for entry in reversed(entries):
        if entry.kind == "status" and entry.detail.get("to_status") == Status.AWAITING_PAYMENT:
            amount = entry.detail.get("amount")
            return {
                "amount": catalog_services.grouped_amount(amount) if isinstance(amount, int) else "",
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
        line = history_line(entry, with_text=True)
        if line.text or line.items:
            out.append(line)
    return out


def _receipt_links(dossier) -> dict:
    # The confirmation of an online submission exists from the moment it was submitted; form 01 (Giấy
    # tiếp nhận hồ sơ và hẹn trả kết quả) only once the dossier was received (never when it was refused
    # at reception).
    online = dossier.channel == Channel.ONLINE
    public_id = {"public_id": dossier.public_id}
    return {
        "receipt_url": reverse("portal:receipt", kwargs={"dossier_id": dossier.public_id}),
        "submission_pdf_url": reverse("portal:my-dossier-submission", kwargs=public_id) if online else "",
        "receipt_pdf_url": reverse("portal:my-dossier-receipt", kwargs=public_id)
        if dossier.received_at is not None
        else "",
    }


@login_required
@never_cache
@require_GET
def my_dossier(request, public_id):
    """One dossier: where it stands, what is asked of the applicant, the agency's messages, the history,
    papers and results to download, the receipt, withdrawal and the rating."""
    dossier = owned(request, public_id)
    entries = dossier_services.timeline(dossier)
    supplement = supplement_request_of(dossier)
    papers = list(dossier.papers.all())
    feedback = services.feedback_for(dossier)
    return render(
        request,
        "portal/dossiers/detail.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "row": dossier_row(dossier, request.user, timezone.now()),
            "history": history(entries, with_text=True),
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
            "payments": payment_services.applicant_summary(request.user, dossier),
            **_receipt_links(dossier),
        },
    )


@login_required
@require_GET
def paper_download(request, public_id, paper_id):
    """Stream one paper or result of the dossier to its owner, always as a download."""
    dossier = owned(request, public_id)
    paper = dossier.papers.filter(pk=paper_id).first()
    if paper is None:
        raise Http404(_("Không tìm thấy tệp."))
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Không tìm thấy tệp.")) from None
    response = dossier_files.attachment_response(
        handle, paper.original_name, paper.content_type, paper.name[:80]
    )
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
    dossier = owned(request, public_id)
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
    dossier = owned(request, public_id)
    base_url = request.build_absolute_uri("/")
    return _pdf_or_back(
        request,
        dossier,
        lambda: standard_forms.render_submission_confirmation(dossier, base_url=base_url),
        f"xac-nhan-nop-ho-so-{dossier.code}.pdf",
    )
