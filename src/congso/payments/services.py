"""The public API of the payments block.

Rules kept here, for every provider:

- **One live intent per dossier and amount** (database constraint): asking to pay again while an intent
  is created, pending or paid returns it; after a failure, an abandonment or an expiry a new one starts.
- **Only an authoritative, verified message settles an intent**: the provider's server-to-server
  notification (IPN / callback) whose signature holds, or the answer to congso's own status query.
  The browser's return is recorded and shown as "đang chờ xác nhận" — it never decides.
- **Idempotent**: an intent that is already final is never changed by a notification; a replay is
  answered "already confirmed" and recorded, nothing else.
- **Refused and logged**: a forged signature (audit ``payments.notification.forged``), an amount or
  currency that differs from the intent (audit ``payments.notification.mismatch``).
- A paid intent moves the dossier 6 → 4 through ``dossiers.services.record_payment`` with
  ``confirmed_by_provider``, issues the numbered receipt, and publishes ``payment.paid``.
"""

import hashlib
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congso.catalog import fees as catalog_fees
from congso.catalog import services as catalog_services
from congso.core import audit, events
from congso.core import rows as core_rows  # a name of its own: several functions here hold 'rows'
from congso.core.inbound import clean_message
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Status

from . import permissions
from .models import (
    FINAL_STATUSES,
    LIVE_STATUSES,
    Channel,
    ElectronicResult,
    IntentStatus,
    Mismatch,
    MismatchKind,
    PaymentIntent,
    ProviderNotification,
    Receipt,
    ReconciliationRun,
    Refund,
    RefundStatus,
)
from .providers import STAMP, VIETNAM, ProviderError, Verdict, enabled, providers
from .providers.dvcqg import reference_for

logger = logging.getLogger(__name__)


class PaymentError(ValidationError):
    """Bad input or a state that does not allow the action; the message is Vietnamese."""


# --- what is due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    name: str
    description: str
    exemptions: str


def fee_lines(version) -> list[FeeLine]:
    """The procedure version's fees as the catalogue describes them (shown before submission, on the
    payment page and on the receipt)."""
    return [FeeLine(i.name, i.description, i.exemptions) for i in catalog_services.fees_for(version)]


def estimate(version, *, pages: int = 0, copies: int = 1, exempt: bool = False) -> int:
    """The total of the version's fees for a document of ``pages`` pages in ``copies`` copies (the
    catalogue's rules: fixed, per page with a cap, tiers; ``exempt`` for an exempted group)."""
    return sum(
        catalog_fees.compute_fee(i.fee, pages=pages, copies=copies, exempt=exempt)
        for i in catalog_services.fees_for(version)
    )


def amount_due(dossier) -> int | None:
    """What the agency asked the applicant to pay (the latest request 4 → 6), while the dossier waits
    for it; ``None`` otherwise."""
    if dossier.status != Status.AWAITING_PAYMENT:
        return None
    for entry in reversed(dossier_services.timeline(dossier)):
        if entry.kind == "status" and entry.detail.get("to_status") == Status.AWAITING_PAYMENT:
            amount = entry.detail.get("amount")
            return amount if isinstance(amount, int) and amount > 0 else None
    return None


def format_vnd(amount: int) -> str:
    return catalog_fees.format_vnd(amount)


# --- starting a payment -----------------------------------------------------------------------


def _now_stamp(moment: datetime | None = None) -> str:
    return (moment or timezone.now()).astimezone(VIETNAM).strftime(STAMP)


def _reference(provider_name: str, dossier, stamp: str) -> str:
    if provider_name == "dvcqg":
        return reference_for(dossier.code, stamp)[:80] + secrets.token_hex(2)
    return f"CS{dossier.pk}T{stamp}{secrets.token_hex(3).upper()}"


def _create_intent(**fields) -> PaymentIntent:
    """Create the intent; if another request created the live one for this dossier and amount at the
    same moment (the constraint), use that one."""
    try:
        with transaction.atomic():
            return PaymentIntent.objects.create(**fields)
    except IntegrityError:
        intent = live_intent(fields["dossier"], fields["amount"])
        if intent is None:
            raise
        return intent


def provider_choices() -> list[tuple[str, str]]:
    return [(p.name, p.label) for p in enabled()]


def live_intent(dossier, amount: int) -> PaymentIntent | None:
    return PaymentIntent.objects.filter(dossier=dossier, amount=amount, status__in=LIVE_STATUSES).first()


def start_payment(
    dossier, user, provider_name: str, *, client_ip: str, return_url: str, default_gateway: str
):
    """Create (or reuse) the intent of ``dossier``'s amount due and return ``(intent, redirect_url)``.

    ``default_gateway``: the provider's address when the settings name none (the sandbox on this site).
    Errors: ``PermissionDenied`` (not the applicant), ``PaymentError`` (nothing due, already paid,
    unknown provider, provider unreachable)."""
    if not permissions.can_pay(user, dossier):
        raise PermissionDenied(_("Bạn không có quyền nộp phí cho hồ sơ này."))
    if provider_name not in {p.name for p in enabled()}:  # offered, and its merchant keys set
        raise PaymentError(_("Kênh thanh toán không hợp lệ."), code="provider")
    provider = providers[provider_name]
    amount = amount_due(dossier)
    if amount is None:
        raise PaymentError(_("Hồ sơ này không có khoản phí nào đang chờ nộp."), code="nothing_due")
    now = timezone.now()
    with transaction.atomic():
        intent = live_intent(dossier, amount)
        if intent is not None and intent.status == IntentStatus.PAID:
            raise PaymentError(_("Khoản phí này đã được thanh toán."), code="paid")
        if intent is not None and (intent.provider != provider_name or intent.expires_at <= now):
            # A different channel, or the old attempt ran out: close it. Should the provider still
            # confirm a payment of it later, ``handle_notification`` accepts that late payment.
            intent.status = IntentStatus.ABANDONED if intent.expires_at > now else IntentStatus.EXPIRED
            intent.settled_by = SUPERSEDED
            intent.save(update_fields=["status", "settled_by"])
            audit.record("payments.intent.superseded", intent, changes={"status": intent.status}, actor=user)
            intent = None
        if intent is None:
            stamp = _now_stamp(now)
            procedure = dossier.procedure_version.procedure
            intent = _create_intent(
                dossier=dossier,
                payer=user,
                provider=provider_name,
                reference=_reference(provider_name, dossier, stamp),
                amount=amount,
                currency="VND",
                description=f"Nop phi ho so {dossier.code} - {procedure.code}"[:255],
                gateway_url=(provider.gateway_url() or default_gateway)[:300],
                created_stamp=stamp,
                expires_at=now + timedelta(minutes=settings.CONGSO_PAYMENTS_INTENT_MINUTES),
            )
            audit.record(
                "payments.intent.create",
                intent,
                changes={"amount": amount, "provider": provider_name, "dossier": dossier.code},
                actor=user,
            )
    try:
        url = provider.start(intent, client_ip=client_ip, return_url=return_url, notify_url="")
    except ProviderError as error:
        logger.warning("payment start failed for %s: %s", intent.reference, error)
        raise PaymentError(
            _("Không kết nối được kênh thanh toán. Vui lòng thử lại sau hoặc chọn kênh khác."), code="down"
        ) from error
    if intent.status == IntentStatus.CREATED:
        PaymentIntent.objects.filter(pk=intent.pk, status=IntentStatus.CREATED).update(
            status=IntentStatus.PENDING
        )
        intent.status = IntentStatus.PENDING
    return intent, url


# --- settling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What congso answers the provider, and the intent concerned (or None)."""

    code: str
    message: str
    intent: PaymentIntent | None


SUPERSEDED = "superseded"  # settled_by of an intent congso closed itself (a new attempt, its time ran out)

ANSWERS = {
    "confirmed": ("00", "Confirm Success"),
    "not_found": ("01", "Order not found"),
    "already": ("02", "Order already confirmed"),
    "amount": ("04", "Invalid amount"),
    "forged": ("97", "Invalid Checksum"),
    "error": ("99", "Unknown error"),
}


def _note(provider_name, channel, verdict: Verdict, intent, outcome, remote=None) -> ProviderNotification:
    return ProviderNotification.objects.create(
        provider=provider_name,
        channel=channel,
        intent=intent,
        reference=verdict.reference[:100],
        payload=verdict.raw,
        verified=verdict.verified,
        outcome=outcome,
        answer_code=ANSWERS.get(outcome, ("", ""))[0],
        remote_address=remote,
    )


def _receipt_number(year: int) -> tuple[int, str]:
    last = Receipt.objects.filter(year=year).aggregate(m=Max("sequence"))["m"] or 0
    return last + 1, f"BL{year}-{last + 1:06d}"


def _issue_receipt(intent: PaymentIntent, now) -> str:
    """The next number of the year; two settlements at once: the second retries with the next one."""
    year = now.astimezone(VIETNAM).year
    for _attempt in range(5):
        sequence, number = _receipt_number(year)
        try:
            with transaction.atomic():
                Receipt.objects.create(
                    intent=intent, number=number, year=year, sequence=sequence, issued_at=now
                )
            return number
        except IntegrityError:
            continue
    raise IntegrityError("could not number the receipt")


def _settle(intent: PaymentIntent, verdict: Verdict, *, by: str) -> str:
    """Apply a verified verdict to a locked, non-final intent. Returns the outcome name."""
    if verdict.amount != intent.amount or (verdict.currency or "VND") != intent.currency:
        audit.record(
            "payments.notification.mismatch",
            intent,
            changes={
                "expected": intent.amount,
                "got": verdict.amount,
                "currency": verdict.currency,
                "by": by,
            },
            label=intent.provider,
        )
        return "amount"
    now = timezone.now()
    intent.provider_transaction = _transaction_number(verdict.transaction)[:60]
    intent.provider_code = verdict.code[:8]
    intent.settled_at = now
    intent.settled_by = by
    if verdict.success:
        intent.status = IntentStatus.PAID
        intent.save()
        number = _issue_receipt(intent, now)
        dossier = intent.dossier
        if dossier.status == Status.AWAITING_PAYMENT:
            dossier_services.record_payment(
                dossier,
                None,
                reference=f"{number} / {intent.provider}:{intent.provider_transaction}",
                amount=intent.amount,
                confirmed_by_provider=True,
            )
        audit.record(
            "payments.intent.paid",
            intent,
            changes={"by": by, "receipt": number, "transaction": intent.provider_transaction},
            label=intent.provider,
        )
        events.publish(
            "payment.paid",
            {
                "dossier": dossier.code,
                "reference": intent.reference,
                "amount": intent.amount,
                "receipt": number,
            },
        )
    else:
        intent.status = IntentStatus.ABANDONED if verdict.code == "24" else IntentStatus.FAILED
        if verdict.code == "11":
            intent.status = IntentStatus.EXPIRED
        intent.save()
        audit.record(
            "payments.intent.failed",
            intent,
            changes={"by": by, "code": verdict.code, "status": intent.status},
            label=intent.provider,
        )
    return "confirmed"


def _transaction_number(given: str) -> str:
    """The provider's transaction number, or "" when there was none: VNPAY reports a payment the citizen
    cancelled before paying with ``vnp_TransactionNo=0``, which is no transaction anyone can look up."""
    given = (given or "").strip()
    return given if given.strip("0") else ""


def handle_notification(
    provider_name: str, data: dict, *, channel: str = Channel.IPN, remote=None
) -> Outcome:
    """A provider's server-to-server notification (VNPAY IPN, DVCQG callback): verify, then settle once.

    Never raises for bad input: the provider gets its protocol's answer code, and the message is kept."""
    provider = providers[provider_name]
    verdict = provider.read_notification(clean_message(data))
    if not verdict.verified:
        with transaction.atomic():
            _note(provider_name, channel, verdict, None, "forged", remote)
            audit.record(
                "payments.notification.forged",
                changes={"provider": provider_name, "reference": verdict.reference, "remote": remote},
                label=provider_name,
            )
        return Outcome(*ANSWERS["forged"], None)
    with transaction.atomic():
        intent = (
            PaymentIntent.objects.select_for_update()
            .select_related("dossier")
            .filter(reference=verdict.reference, provider=provider_name)
            .first()
        )
        if intent is None:
            _note(provider_name, channel, verdict, None, "not_found", remote)
            return Outcome(*ANSWERS["not_found"], None)
        if intent.amount != verdict.amount:
            _note(provider_name, channel, verdict, intent, "amount", remote)
            _settle(intent, verdict, by=channel)  # records the refusal, changes nothing
            return Outcome(*ANSWERS["amount"], intent)
        if intent.status in FINAL_STATUSES and not _late_payment(intent, verdict):
            _note(provider_name, channel, verdict, intent, "already", remote)
            return Outcome(*ANSWERS["already"], intent)
        outcome = _settle(intent, verdict, by=channel)
        _note(provider_name, channel, verdict, intent, outcome, remote)
    return Outcome(*ANSWERS[outcome], intent)


def _late_payment(intent: PaymentIntent, verdict: Verdict) -> bool:
    """A payment confirmed for an intent congso closed on its own (superseded by a new attempt, or past
    its time) — the money was taken, so it counts, unless the dossier's amount is already paid by
    another intent: then it is left for the reconciliation (a mismatch the finance officer refunds).
    Closes the other open attempts of the same dossier and amount so that the paid one is the live one."""
    if not (verdict.success and intent.settled_by == SUPERSEDED):
        return False
    others = PaymentIntent.objects.filter(dossier=intent.dossier, amount=intent.amount).exclude(pk=intent.pk)
    if others.filter(status=IntentStatus.PAID).exists():
        audit.record("payments.notification.late_duplicate", intent, label=intent.provider)
        return False
    for other in others.filter(status__in=[IntentStatus.CREATED, IntentStatus.PENDING]).select_for_update():
        other.status, other.settled_by = IntentStatus.ABANDONED, SUPERSEDED
        other.save(update_fields=["status", "settled_by"])
    audit.record("payments.notification.late_payment", intent, label=intent.provider)
    return True


def handle_return(provider_name: str, data: dict) -> PaymentIntent | None:
    """The browser came back: record what it carried (verified or not) and return the intent, unchanged.
    The page then shows the intent's own state — pending until the IPN or a query settles it."""
    provider = providers[provider_name]
    verdict = provider.read_return(clean_message(data))
    intent = PaymentIntent.objects.filter(reference=verdict.reference, provider=provider_name).first()
    outcome = "return" if verdict.verified else "forged"
    _note(provider_name, Channel.RETURN, verdict, intent if verdict.verified else None, outcome)
    if not verdict.verified:
        audit.record("payments.return.forged", changes={"reference": verdict.reference}, label=provider_name)
        return None
    return intent


def refresh(intent: PaymentIntent, *, by: str = Channel.QUERY) -> PaymentIntent:
    """Ask the provider for the state of a not-yet-final intent (querydr / QUERY) and settle it if the
    answer is final. An intent past its expiry that the provider reports as unpaid becomes expired."""
    if intent.status in FINAL_STATUSES:
        return intent
    provider = providers[intent.provider]
    try:
        verdict = provider.query(intent)
    except ProviderError:
        return intent
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().select_related("dossier").get(pk=intent.pk)
        if intent.status in FINAL_STATUSES:
            _note(intent.provider, Channel.QUERY, verdict, intent, "already")
            return intent
        if not verdict.verified:
            _note(intent.provider, Channel.QUERY, verdict, intent, "forged")
            audit.record("payments.query.forged", intent, label=intent.provider)
            return intent
        if verdict.success is None:
            if intent.expires_at + timedelta(minutes=15) < timezone.now():
                intent.status = IntentStatus.EXPIRED
                intent.settled_at = timezone.now()
                intent.settled_by = by
                intent.save(update_fields=["status", "settled_at", "settled_by"])
                audit.record("payments.intent.expired", intent, label=intent.provider)
                _note(intent.provider, Channel.QUERY, verdict, intent, "expired")
            else:
                _note(intent.provider, Channel.QUERY, verdict, intent, "pending")
            return intent
        if verdict.success is False and verdict.amount is None:
            verdict.amount = intent.amount  # a failed transaction reported without its amount
        outcome = _settle(intent, verdict, by=by)
        _note(intent.provider, Channel.QUERY, verdict, intent, outcome)
    return intent


def recover_pending(older_than_minutes: int = 5) -> int:
    """Query every intent still pending after a few minutes (lost IPN, abandoned page). The periodic job."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    count = 0
    for intent in PaymentIntent.objects.filter(
        status__in=[IntentStatus.CREATED, IntentStatus.PENDING], created_at__lt=cutoff
    ).order_by("created_at")[:200]:
        refresh(intent)
        count += 1
    return count


# The final states of an attempt that took no money; the provider's code says why.
FAILED_STATUSES = (IntentStatus.FAILED, IntentStatus.ABANDONED, IntentStatus.EXPIRED)


# --- reading ----------------------------------------------------------------------------------


def intents_of(dossier) -> list[PaymentIntent]:
    """The dossier's payment attempts, newest first, each with its receipt (or none) loaded: what
    ``filter(dossier=…).select_related("receipt")`` gives. Every dossier page asks, and most dossiers have
    nothing to pay, so these are named queries (``core.rows``); the receipts are read only when there
    are attempts."""
    connection = connections[PaymentIntent.objects.db]
    intents = core_rows.read(
        PaymentIntent, "dossier_id = %s", [dossier.pk], order_by="created_at DESC", connection=connection
    )
    if not intents:
        return []
    ids = [intent.pk for intent in intents]
    receipts = core_rows.read(
        Receipt, f"intent_id IN ({core_rows.placeholders(ids)})", ids, connection=connection
    )
    by_intent = {receipt.intent_id: receipt for receipt in receipts}
    to_intent = Receipt._meta.get_field("intent")
    for intent in intents:
        receipt = by_intent.get(intent.pk)
        to_intent.remote_field.set_cached_value(intent, receipt)  # None: "no receipt", as select_related
        if receipt is not None:
            to_intent.set_cached_value(receipt, intent)
    return intents


def failure_reason(intent: PaymentIntent) -> str:
    """Why an attempt did not go through, as its provider reported it (in the active language); "" for an
    attempt that did not fail or for which the provider gave no code."""
    if intent.status not in FAILED_STATUSES or not intent.provider_code or intent.provider_code == "00":
        return ""
    provider = providers[intent.provider] if intent.provider in providers else None
    reason = provider.failure_reason(intent.provider_code) if provider is not None else ""
    return reason or _("Kênh thanh toán báo giao dịch không thành công (mã %(code)s).") % {
        "code": intent.provider_code
    }


def paid_intent(dossier) -> PaymentIntent | None:
    return PaymentIntent.objects.filter(dossier=dossier, status=IntentStatus.PAID).first()


def get_intent_for_applicant(user, reference: str) -> PaymentIntent:
    intent = PaymentIntent.objects.select_related("dossier").filter(reference=reference).first()
    if intent is None or not permissions.can_pay(user, intent.dossier):
        raise PermissionDenied(_("Không tìm thấy giao dịch."))
    return intent


def receipt_context(receipt: Receipt, verify_url: str) -> dict:
    intent = receipt.intent
    dossier = intent.dossier
    return {
        "receipt": receipt,
        "intent": intent,
        "dossier": dossier,
        "agency": dossier.receiving_agency,
        "procedure": dossier.procedure_version.procedure,
        "amount_text": format_vnd(intent.amount),
        "fees": fee_lines(dossier.procedure_version),
        "provider_label": providers[intent.provider].label
        if intent.provider in providers
        else intent.provider,
        "verify_url": verify_url,
    }


def receipt_pdf(receipt: Receipt, verify_url: str, *, reader) -> bytes:
    from congso.core import pdf

    audit.record("payments.receipt.read", receipt, actor=reader)
    # The receipt is a Vietnamese form, whoever prints it: the channel's name is rendered in Vietnamese too.
    with translation.override("vi"):
        context = receipt_context(receipt, verify_url)
        context["qr"] = pdf.qr_png_data_uri(verify_url)
        return pdf.render_template("payments/receipt_pdf.html", context, title=f"Biên lai {receipt.number}")


# --- refunds ----------------------------------------------------------------------------------


def request_refund(intent: PaymentIntent, officer, *, amount: int, reason: str) -> Refund:
    """Ask for a refund of a paid intent (e.g. the dossier was refused or stopped after payment)."""
    if not permissions.can_request_refund(officer, intent.dossier):
        raise PermissionDenied(_("Bạn không có quyền đề nghị hoàn tiền cho hồ sơ này."))
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Vui lòng ghi lý do hoàn tiền."), code="reason")
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
        if intent.status != IntentStatus.PAID:
            raise PaymentError(_("Chỉ hoàn tiền được giao dịch đã thanh toán."), code="not_paid")
        open_or_done = intent.refunds.exclude(status__in=[RefundStatus.REJECTED, RefundStatus.FAILED])
        already = sum(r.amount for r in open_or_done)
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int)
            or amount <= 0
            or amount + already > intent.amount
        ):
            raise PaymentError(
                _("Số tiền hoàn phải là số nguyên dương, không vượt quá số đã thu chưa hoàn (%(left)s).")
                % {"left": format_vnd(intent.amount - already)},
                code="amount",
            )
        refund = Refund.objects.create(
            intent=intent, amount=amount, reason=reason[:2000], requested_by=officer
        )
        audit.record("payments.refund.request", refund, changes={"amount": amount, "reason": reason})
    return refund


def decide_refund(refund: Refund, leader, *, approve: bool, note: str = "") -> Refund:
    """A leader approves (the refund is sent to the provider) or rejects a requested refund."""
    if not permissions.can_decide_refund(leader, refund):
        raise PermissionDenied(_("Bạn không có quyền phê duyệt hoàn tiền này."))
    note = (note or "").strip()
    if not approve and not note:
        raise PaymentError(_("Vui lòng ghi lý do không phê duyệt."), code="note")
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("intent").get(pk=refund.pk)
        if refund.status != RefundStatus.REQUESTED:
            raise PaymentError(_("Đề nghị hoàn tiền này đã được xử lý."), code="decided")
        refund.decided_by, refund.decided_at, refund.decision_note = leader, timezone.now(), note[:2000]
        if not approve:
            refund.status = RefundStatus.REJECTED
            refund.save()
            audit.record("payments.refund.reject", refund, changes={"note": note})
            return refund
        refund.status = RefundStatus.APPROVED
        refund.save()
        audit.record("payments.refund.approve", refund, changes={"note": note})
    # The provider is asked with no transaction open: no row stays locked (and, on SQLite, no write lock
    # held) while a remote system answers. An approved refund whose answer never came stays "approved",
    # visible to the finance officer.
    intent = refund.intent
    try:
        ok, answer = providers[intent.provider].refund(intent, refund.amount, by=str(leader))
    except ProviderError as error:
        ok, answer = False, {"error": str(error)}
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("intent").get(pk=refund.pk)
        refund.provider_answer = answer
        refund.status = RefundStatus.REFUNDED if ok else RefundStatus.FAILED
        refund.save(update_fields=["provider_answer", "status"])
        if ok:
            refunded = sum(r.amount for r in intent.refunds.filter(status=RefundStatus.REFUNDED))
            if refunded >= intent.amount:
                PaymentIntent.objects.filter(pk=intent.pk).update(status=IntentStatus.REFUNDED)
        audit.record("payments.refund.sent", refund, changes={"ok": ok})
    return refund


def pending_refunds_for(user) -> list[Refund]:
    rows = Refund.objects.filter(status=RefundStatus.REQUESTED).select_related(
        "intent__dossier__receiving_agency", "requested_by"
    )
    return [r for r in rows if permissions.can_decide_refund(user, r)]


# --- reconciliation ---------------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=VIETNAM)
    return start, start + timedelta(days=1)


def reconcile(provider_name: str, day: date, *, base_url: str = "") -> ReconciliationRun:
    """Compare the provider's statement of ``day`` (Vietnam time) with congso's intents of that day.

    A payment the statement shows that congso has not settled is first re-queried (a lost IPN is
    recovered here); what still differs becomes a ``Mismatch`` for the finance officer."""
    provider = providers[provider_name]
    start, end = _day_bounds(day)
    ours = PaymentIntent.objects.filter(provider=provider_name).filter(
        Q(created_at__gte=start, created_at__lt=end) | Q(settled_at__gte=start, settled_at__lt=end)
    )
    base = base_url or provider.gateway_url() or (ours.values_list("gateway_url", flat=True).first() or "")
    run = ReconciliationRun.objects.create(provider=provider_name, day=day)
    try:
        rows = provider.statement(base, day) if base and provider.has_statement else None
    except ProviderError as error:
        rows = None
        run.error = str(error)[:1000]
    if rows is None:
        for intent in ours.exclude(status__in=FINAL_STATUSES):
            refresh(intent, by=Channel.STATEMENT)
        _compare_by_query(run, ours)
    else:
        _compare_statement(run, rows, ours)
    run.save()
    audit.record(
        "payments.reconcile",
        run,
        changes={"rows": run.statement_rows, "matched": run.matched, "mismatches": run.mismatches.count()},
    )
    return run


def _compare_statement(run, rows, ours) -> None:
    run.statement_rows = len(rows)
    seen = set()
    for row in rows:
        seen.add(row.reference)
        intent = PaymentIntent.objects.filter(reference=row.reference, provider=run.provider).first()
        if intent is None:
            if row.paid:
                Mismatch.objects.create(
                    run=run,
                    kind=MismatchKind.MISSING_HERE,
                    reference=row.reference,
                    provider_amount=row.amount,
                )
            continue
        if row.paid and intent.status not in (IntentStatus.PAID, IntentStatus.REFUNDED):
            intent = refresh(intent, by=Channel.STATEMENT)
        if row.paid and row.amount != intent.amount:
            _mismatch(run, MismatchKind.AMOUNT, intent, row.amount)
        elif row.paid and intent.status not in (IntentStatus.PAID, IntentStatus.REFUNDED):
            _mismatch(run, MismatchKind.NOT_PAID_HERE, intent, row.amount)
        elif not row.paid and intent.status == IntentStatus.PAID:
            _mismatch(run, MismatchKind.NOT_PAID_THERE, intent, row.amount)
        else:
            run.matched += 1
    for intent in ours.filter(status=IntentStatus.PAID).exclude(reference__in=seen):
        _mismatch(run, MismatchKind.NOT_PAID_THERE, intent, None)


def _compare_by_query(run, ours) -> None:
    for intent in ours:
        run.statement_rows += 1
        if intent.status in (
            IntentStatus.PAID,
            IntentStatus.FAILED,
            IntentStatus.ABANDONED,
            IntentStatus.EXPIRED,
        ):
            run.matched += 1
        else:
            _mismatch(run, MismatchKind.NOT_PAID_HERE, intent, None)


def _mismatch(run, kind, intent, provider_amount) -> Mismatch:
    return Mismatch.objects.create(
        run=run,
        kind=kind,
        reference=intent.reference,
        intent=intent,
        provider_amount=provider_amount,
        our_amount=intent.amount,
        detail={"status": intent.status, "dossier": intent.dossier.code},
    )


def mismatches_for(user):
    """Every mismatch ``user`` may see (resolved or not): the finance officer's agencies' only."""
    rows = Mismatch.objects.select_related("run", "intent__dossier")
    return permissions.scope_mismatches(user, rows)


def open_mismatches_for(user):
    return mismatches_for(user).filter(resolved_at=None).order_by("-run__day", "-id")


def runs_for(user):
    """The reconciliation runs, newest first, each with ``own_mismatches``: how many of its mismatches
    ``user`` may see (a run covers every agency; its totals are shown only to whoever sees them all)."""
    visible = permissions.scope_mismatches(user, Mismatch.objects.filter(run=OuterRef("pk")))
    counted = visible.order_by().values("run").annotate(n=Count("pk")).values("n")
    return ReconciliationRun.objects.annotate(own_mismatches=Coalesce(Subquery(counted), 0))


def resolve_mismatch(mismatch: Mismatch, officer, *, reason: str) -> Mismatch:
    if not permissions.can_resolve(officer, mismatch):
        raise PermissionDenied(_("Bạn không có quyền xử lý chênh lệch này."))
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Vui lòng ghi cách xử lý chênh lệch."), code="reason")
    with transaction.atomic():
        mismatch = Mismatch.objects.select_for_update().get(pk=mismatch.pk)
        if mismatch.resolved_at is not None:
            raise PaymentError(_("Chênh lệch này đã được xử lý."), code="resolved")
        mismatch.resolved_at, mismatch.resolved_by, mismatch.resolution = (
            timezone.now(),
            officer,
            reason[:2000],
        )
        mismatch.save()
        audit.record("payments.mismatch.resolve", mismatch, changes={"reason": reason})
    return mismatch


def reconcile_yesterday() -> list[ReconciliationRun]:
    """The daily job: yesterday (Vietnam time) for every enabled provider, once each."""
    day = timezone.now().astimezone(VIETNAM).date() - timedelta(days=1)
    runs = []
    for provider in enabled():
        if not ReconciliationRun.objects.filter(provider=provider.name, day=day, error="").exists():
            runs.append(reconcile(provider.name, day))
    return runs


# --- electronic results -----------------------------------------------------------------------


def deliver_results(dossier) -> list[ElectronicResult]:
    """Register every result paper of ``dossier`` for electronic delivery (hash + verification token);
    idempotent."""
    out = []
    for paper in dossier_services.result_papers(dossier):
        digest = hashlib.sha256()
        with paper.file.open("rb") as handle:
            for chunk in iter(lambda h=handle: h.read(65536), b""):
                digest.update(chunk)
        try:
            with transaction.atomic():
                result, created = ElectronicResult.objects.get_or_create(
                    dossier=dossier,
                    paper_id=paper.pk,
                    defaults={
                        "file_name": paper.original_name[:255] or f"ket-qua-{paper.pk}",
                        "sha256": digest.hexdigest(),
                        "token": uuid.uuid4().hex,
                    },
                )
        except IntegrityError:
            result, created = ElectronicResult.objects.get(dossier=dossier, paper_id=paper.pk), False
        if created:
            audit.record("payments.result.deliver", result, changes={"dossier": dossier.code})
        out.append(result)
    return out


def results_for_applicant(user, dossier) -> list[ElectronicResult]:
    if not permissions.can_pay(user, dossier) or dossier.status not in (
        Status.RESULT_READY,
        Status.RESULT_RETURNED,
    ):
        return []
    return deliver_results(dossier)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_sha256(text: str) -> bool:
    """Whether ``text`` is a SHA-256 digest as the pages write it (64 lowercase hexadecimal digits)."""
    return bool(_SHA256.fullmatch(text))


def result_check_max_bytes() -> int:
    """The largest file the public check reads: the largest a result can be (an uploaded paper)."""
    return settings.CONGSO_UPLOAD_MAX_BYTES


def file_sha256(upload) -> str:
    """The SHA-256 of an uploaded file, read in chunks (the file is not kept)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def verify_result(token: str, sha256: str = "") -> ElectronicResult | None:
    """The public check: the result behind ``token``; when ``sha256`` is given it must match too."""
    result = ElectronicResult.objects.select_related("dossier").filter(token=token).first()
    if result is None or (sha256 and sha256.strip().lower() != result.sha256):
        return None
    return result


# --- reporting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnlinePaymentShare:
    """Decision 766: of the dossiers that had a fee to pay in the period, how many paid it online."""

    dossiers_with_fee: int
    paid_online: int

    @property
    def share(self) -> float:
        return self.paid_online / self.dossiers_with_fee if self.dossiers_with_fee else 0.0


def online_payment_share(start: date, end: date) -> OnlinePaymentShare:
    """Dossiers asked to pay (4 → 6) between ``start`` and ``end`` (inclusive, Vietnam days), and those
    of them whose payment was settled online by a provider."""
    since, _ = _day_bounds(start)
    _, until = _day_bounds(end)
    asked = set(dossier_services.dossiers_asked_to_pay(since, until))
    paid = set(
        PaymentIntent.objects.filter(
            dossier_id__in=asked, status__in=[IntentStatus.PAID, IntentStatus.REFUNDED]
        ).values_list("dossier_id", flat=True)
    )
    return OnlinePaymentShare(len(asked), len(paid))


def applicant_summary(user, dossier) -> dict:
    """What "my dossiers" shows about payments of ``dossier``: whether online payment is offered, the
    receipts, the intent awaiting confirmation and the electronic results."""
    if not permissions.can_pay(user, dossier):
        return {}
    intents = intents_of(dossier)
    return {
        "online": bool(enabled()) and amount_due(dossier) is not None,
        "waiting": next(
            (i for i in intents if i.status in (IntentStatus.CREATED, IntentStatus.PENDING)), None
        ),
        "receipts": [i.receipt for i in intents if hasattr(i, "receipt")],
        "results": results_for_applicant(user, dossier),
    }
