"""The payments pages: the citizen's payment page and transaction page, the providers' return and
notification addresses, receipts, electronic results and their public verification page; and, for
officers, refunds and the finance officer's reconciliation page."""

import json
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congso.core import audit, inbound, ratelimit
from congso.core.net import client_address
from congso.core.pdf import pdf_response
from congso.dossiers import services as dossier_services
from congso.workspace.permissions import workspace_required

from . import forms, permissions, services
from .models import Channel, IntentStatus, PaymentIntent, Receipt, Refund
from .providers import VIETNAM, providers

# A DVCQG payment callback is a dozen short fields; a megabyte is far more than any real one.
MAX_CALLBACK_BYTES = 1024 * 1024


def _default_gateway(request, provider_name: str) -> str:
    """Where the provider is when the settings name none: the sandbox on this site, if installed."""
    if not apps.is_installed("congso.sandbox"):
        return ""
    path = {"vnpay": "/sandbox/vnpay/", "dvcqg": "/sandbox/dvcqg-thanh-toan/"}.get(provider_name, "")
    base = settings.CONGSO_PUBLIC_BASE_URL
    return (base.rstrip("/") + path) if base else request.build_absolute_uri(path)


def _verify_url(request, receipt: Receipt) -> str:
    return request.build_absolute_uri(reverse("payments:receipt-check", args=[receipt.number]))


# --- citizen ----------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def pay(request, public_id):
    """The citizen's payment page of one dossier: what is due and why, pay now or later."""
    try:
        dossier = dossier_services.get_for_applicant(request.user, str(public_id))
    except (PermissionDenied, dossier_services.Dossier.DoesNotExist, ValidationError):
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    error = ""
    if request.method == "POST":
        provider_name = request.POST.get("provider", "")
        try:
            _intent, url = services.start_payment(
                dossier,
                request.user,
                provider_name,
                client_ip=client_address(request) or "127.0.0.1",
                return_url=request.build_absolute_uri(reverse("payments:return", args=[provider_name]))
                if provider_name in providers
                else "",
                default_gateway=_default_gateway(request, provider_name),
            )
        except services.PaymentError as exc:
            error = exc.messages[0]
        else:
            return redirect(url)
    due = services.amount_due(dossier)
    attempts = [
        {
            "intent": intent,
            "amount_text": services.format_vnd(intent.amount),
            "reason": services.failure_reason(intent),
        }
        for intent in services.intents_of(dossier)
    ]
    return render(
        request,
        "payments/pay.html",
        {
            "dossier": dossier,
            "due": due,
            "due_text": services.format_vnd(due) if due else "",
            "fees": services.fee_lines(dossier.procedure_version),
            "providers": services.provider_choices(),
            "attempts": attempts,
            "error": error,
            "my_dossier_url": reverse("portal:my-dossier", kwargs={"public_id": dossier.public_id}),
        },
        status=400 if error else 200,
    )


# Messages from outside (browser returns, notifications) per client address and minute: every one is
# stored, so their number is bounded.
INBOUND_LIMIT = 120


def _within_limit(request, scope: str) -> bool:
    return ratelimit.take(scope, client_address(request) or "unknown", limit=INBOUND_LIMIT, window=60)


@require_GET
def return_from_provider(request, provider_name: str):
    """The browser's return: recorded, never decisive; the citizen sees the intent's own state."""
    if provider_name not in providers:
        raise Http404
    if not _within_limit(request, "payments.return"):
        messages.error(request, _("Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."))
        return redirect("portal:my-dossiers")
    intent = services.handle_return(provider_name, request.GET.dict())
    if intent is None:
        messages.error(request, _("Thông tin trả về từ kênh thanh toán không hợp lệ."))
        return redirect("portal:my-dossiers")
    return redirect("payments:intent", reference=intent.reference)


@login_required
@never_cache
@require_GET
def intent_page(request, reference: str):
    try:
        intent = services.get_intent_for_applicant(request.user, reference)
    except PermissionDenied:
        raise Http404(_("Không tìm thấy giao dịch.")) from None
    return render(request, "payments/intent.html", _intent_context(request, intent))


def _intent_context(request, intent: PaymentIntent) -> dict:
    receipt = (
        getattr(intent, "receipt", None) if intent.is_paid or intent.status == IntentStatus.REFUNDED else None
    )
    return {
        "intent": intent,
        "dossier": intent.dossier,
        "amount_text": services.format_vnd(intent.amount),
        "waiting": intent.status in (IntentStatus.CREATED, IntentStatus.PENDING),
        "failure_reason": services.failure_reason(intent),
        "receipt": receipt,
        "provider_label": providers[intent.provider].label
        if intent.provider in providers
        else intent.provider,
        "my_dossier_url": reverse("portal:my-dossier", kwargs={"public_id": intent.dossier.public_id}),
        "pay_url": reverse("payments:pay", kwargs={"public_id": intent.dossier.public_id}),
    }


@login_required
@require_POST
def check_intent(request, reference: str):
    """ "Kiểm tra lại": ask the provider (an authoritative status query), then show the state."""
    try:
        intent = services.get_intent_for_applicant(request.user, reference)
    except PermissionDenied:
        raise Http404(_("Không tìm thấy giao dịch.")) from None
    services.refresh(intent)
    return redirect("payments:intent", reference=reference)


@csrf_exempt  # server-to-server from the provider, authenticated by its HMAC
@require_GET
def vnpay_ipn(request):
    if not _within_limit(request, "payments.ipn"):
        return JsonResponse({"RspCode": "99", "Message": "Too many requests"}, status=429)
    outcome = services.handle_notification(
        "vnpay", request.GET.dict(), channel=Channel.IPN, remote=client_address(request)
    )
    return JsonResponse({"RspCode": outcome.code, "Message": outcome.message})


@csrf_exempt  # server-to-server from the platform, authenticated by its MaXacThuc
@require_POST
def dvcqg_confirm(request):
    provider = providers["dvcqg"]
    if not _within_limit(request, "payments.ipn"):
        return JsonResponse(provider.answer("99", "Too many requests"), status=429)
    try:
        # A NUL escaped inside JSON is recorded cleaned and refused by the protocol (clean_message);
        # a raw NUL byte is not JSON at all: refused before anything reads it.
        data = json.loads(inbound.read_body(request, MAX_CALLBACK_BYTES))
        if not isinstance(data, dict):
            raise ValueError
    except inbound.BodyRefused as refused:
        return JsonResponse(provider.answer("99", refused.message), status=refused.status)
    except ValueError:
        return JsonResponse(provider.answer("99", "Bản tin không hợp lệ"))
    outcome = services.handle_notification(
        "dvcqg", data, channel=Channel.CALLBACK, remote=client_address(request)
    )
    return JsonResponse(provider.answer(outcome.code, outcome.message))


def _receipt_for(request, number: str) -> Receipt:
    receipt = get_object_or_404(Receipt.objects.select_related("intent__dossier"), number=number)
    dossier = receipt.intent.dossier
    if not (permissions.can_pay(request.user, dossier) or permissions.can_view(request.user, dossier)):
        raise Http404(_("Không tìm thấy biên lai."))
    return receipt


@login_required
@never_cache
@require_GET
def receipt_pdf(request, number: str):
    receipt = _receipt_for(request, number)
    pdf = services.receipt_pdf(receipt, _verify_url(request, receipt), reader=request.user)
    return pdf_response(pdf, f"bien-lai-{receipt.number}.pdf", attachment=True)


@require_GET
def receipt_check(request, number: str):
    """Public: whether a receipt number exists, for how much and when (no personal data)."""
    receipt = Receipt.objects.select_related("intent__dossier").filter(number=number).first()
    return render(
        request,
        "payments/receipt_check.html",
        {
            "receipt": receipt,
            "number": number,
            "amount_text": services.format_vnd(receipt.intent.amount) if receipt else "",
        },
        status=200 if receipt else 404,
    )


@login_required
@never_cache
@require_GET
def result_download(request, token: str):
    result = services.verify_result(token)
    if result is None or not permissions.can_pay(request.user, result.dossier):
        raise Http404(_("Không tìm thấy kết quả."))
    paper = next((p for p in dossier_services.result_papers(result.dossier) if p.pk == result.paper_id), None)
    if paper is None:
        raise Http404(_("Không tìm thấy kết quả."))
    # F(): two downloads at once both count.
    type(result).objects.filter(pk=result.pk).update(downloads=F("downloads") + 1)
    audit.record("payments.result.download", result, actor=request.user)
    response = FileResponse(paper.file.open("rb"), as_attachment=True, filename=result.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


RESULT_VERIFY_LIMIT = 60  # files checked per address and hour: each one is read and hashed whole


@require_http_methods(["GET", "POST"])
def result_verify(request, token: str):
    """Public: whether a file someone holds is the result issued for that dossier — the file chosen on
    the page (hashed here, never stored) or its SHA-256 typed in (``?sha256=``)."""
    result = services.verify_result(token)
    if result is None:
        return render(request, "payments/result_verify.html", {"result": None}, status=404)
    given, error = "", ""
    if request.method == "POST":
        form = forms.ResultCheckForm(request.POST, request.FILES)
        if not form.is_valid():
            error = form.errors.get("file", [""])[0]
        elif not ratelimit.take(
            "payments.result_verify", client_address(request) or "-", limit=RESULT_VERIFY_LIMIT, window=3600
        ):
            error = _("Bạn đã kiểm tra quá nhiều tệp; vui lòng thử lại sau một giờ.")
        else:
            given = services.file_sha256(form.cleaned_data["file"])
    elif "sha256" in request.GET:
        given = request.GET["sha256"].strip().lower()
        if not services.is_sha256(given):
            given, error = (
                "",
                _(
                    "Mã băm SHA-256 gồm đúng 64 ký tự, chỉ gồm chữ số 0–9 và chữ a–f. Hãy kiểm tra lại, hoặc "
                    "chọn tệp để hệ thống tự tính."
                ),
            )
    return render(
        request,
        "payments/result_verify.html",
        {
            "result": result,
            "given": given,
            "error": error,
            "error_href": "#id_file" if request.method == "POST" else "#sha256",
            "matches": bool(given) and given == result.sha256,
            "max_megabytes": services.result_check_max_bytes() // (1024 * 1024),
        },
        status=400 if error else 200,
    )


# --- officers ---------------------------------------------------------------------------------


def _amount(text: str) -> int | None:
    cleaned = (text or "").replace(".", "").replace(",", "").replace(" ", "").strip()
    return int(cleaned) if cleaned.isdigit() else None


@workspace_required
@require_POST
def refund_request(request, intent_id: int):
    intent = get_object_or_404(PaymentIntent.objects.select_related("dossier"), pk=intent_id)
    if not permissions.can_view(request.user, intent.dossier):
        raise Http404
    amount = _amount(request.POST.get("amount", ""))
    try:
        services.request_refund(
            intent,
            request.user,
            amount=amount if amount is not None else -1,
            reason=request.POST.get("reason", ""),
        )
    except services.PaymentError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Đã gửi đề nghị hoàn tiền để lãnh đạo phê duyệt."))
    return redirect("dossiers:detail", intent.dossier.code)


@workspace_required
@require_POST
def refund_decide(request, refund_id: int):
    refund = get_object_or_404(Refund.objects.select_related("intent__dossier"), pk=refund_id)
    if not permissions.can_view(request.user, refund.intent.dossier):
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_refund(refund, request.user, approve=approve, note=request.POST.get("note", ""))
    except services.PaymentError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Đã ghi nhận quyết định hoàn tiền."))
    return redirect("dossiers:detail", refund.intent.dossier.code)


def _parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None


@workspace_required
@require_http_methods(["GET", "POST"])
def reconciliation(request):
    """The finance officer's page: run a day's reconciliation, see the open mismatches, resolve them."""
    if not permissions.can_reconcile(request.user):
        raise PermissionDenied(_("Trang đối soát dành cho lãnh đạo cơ quan (cán bộ tài chính)."))
    yesterday = timezone.now().astimezone(VIETNAM).date() - timedelta(days=1)
    if request.method == "POST":
        day = _parse_day(request.POST.get("day", ""))
        provider_name = request.POST.get("provider", "")
        if day is None or provider_name not in providers or day > timezone.now().astimezone(VIETNAM).date():
            messages.error(request, _("Vui lòng chọn kênh thanh toán và một ngày đã qua (năm-tháng-ngày)."))
        else:
            run = services.reconcile(provider_name, day)
            messages.success(request, _reconciled_message(request.user, run))
        return redirect("payments-office:reconciliation")
    labels = dict(services.provider_choices())
    return render(
        request,
        "payments/reconciliation.html",
        {
            "mismatches": [_with_amounts(m) for m in services.open_mismatches_for(request.user)[:200]],
            # Each run with its channel's name ("VNPAY (thẻ ATM…)"), not its code ("vnpay").
            "runs": [
                (run, labels.get(run.provider, run.provider)) for run in services.runs_for(request.user)[:20]
            ],
            "totals": permissions.sees_run_totals(request.user),
            "providers": services.provider_choices(),
            "yesterday": yesterday.isoformat(),
        },
    )


def _with_amounts(mismatch):
    """The mismatch with its two amounts written in đồng ("50.000 đồng"), "—" for one that is missing."""
    for field in ("provider_amount", "our_amount"):
        value = getattr(mismatch, field)
        setattr(mismatch, f"{field}_text", services.format_vnd(value) if value is not None else "—")
    return mismatch


def _reconciled_message(user, run) -> str:
    """What a run found, told in the officer's scope: another agency's takings are not theirs to see."""
    day = run.day.strftime("%d/%m/%Y")
    own = services.runs_for(user).get(pk=run.pk).own_mismatches
    if not permissions.sees_run_totals(user):
        return _("Đã đối soát ngày %(day)s: %(n)s chênh lệch của cơ quan bạn.") % {"day": day, "n": own}
    return _("Đã đối soát ngày %(day)s: %(rows)s dòng, %(matched)s khớp, %(n)s chênh lệch.") % {
        "day": day,
        "rows": run.statement_rows,
        "matched": run.matched,
        "n": own,
    }


@workspace_required
@require_POST
def resolve(request, mismatch_id: int):
    # Another agency's mismatch is "not found", not "forbidden": its existence is not for them to know.
    mismatch = get_object_or_404(services.mismatches_for(request.user), pk=mismatch_id)
    try:
        services.resolve_mismatch(mismatch, request.user, reason=request.POST.get("reason", ""))
    except services.PaymentError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Đã ghi nhận cách xử lý chênh lệch."))
    return redirect("payments-office:reconciliation")
