"""What payments adds to other blocks' pages: the payment panel on the officer's dossier page
(``dossiers.extensions``) and the reconciliation entry in the workspace navigation
(``workspace.registry``)."""

from django.utils.translation import gettext_lazy as _

from congso.dossiers.extensions import DossierPanel, OfficerPagesExtension, officer_pages
from congso.dossiers.models import Status
from congso.workspace.registry import NavigationEntry, navigation

from . import permissions, services
from .providers import providers

# How an attempt's outcome became known (``PaymentIntent.settled_by``), as the officer reads it.
SETTLED_BY = {
    "ipn": _("kênh thanh toán báo về"),
    "query": _("tra cứu kênh thanh toán"),
    "reconciliation": _("đối soát"),
}


def _row(intent) -> dict:
    """One attempt as the panel shows it: the channel by its name, the amount in đồng, why it failed."""
    return {
        "intent": intent,
        "provider": providers[intent.provider].label if intent.provider in providers else intent.provider,
        "amount": services.format_vnd(intent.amount),
        "failure_reason": services.failure_reason(intent),
        "settled_by": SETTLED_BY.get(intent.settled_by, intent.settled_by),
    }


class PaymentPanel(OfficerPagesExtension):
    def dossier_panels(self, request, dossier) -> list[DossierPanel]:
        # One query for a dossier that never had anything to pay; the permission is asked only then.
        intents = services.intents_of(dossier)
        if not intents and dossier.status != Status.AWAITING_PAYMENT:
            return []
        if not permissions.can_view(request.user, dossier):
            return []
        due = services.amount_due(dossier)
        refunds = [r for i in intents for r in i.refunds.all()]
        for refund in refunds:
            refund.amount_text = services.format_vnd(refund.amount)
        context = {
            "intents": intents,
            "rows": [_row(intent) for intent in intents],
            "due": services.format_vnd(due) if due else "",
            "refunds": refunds,
            "can_refund": permissions.can_request_refund(request.user, dossier),
            "decidable": {r.pk for r in refunds if permissions.can_decide_refund(request.user, r)},
        }
        return [DossierPanel("payments/officer_panel.html", context)]


def register() -> None:
    if "payments" not in officer_pages:
        officer_pages.add("payments", PaymentPanel())
    if "payments" not in navigation:
        navigation.add(
            "payments",
            NavigationEntry(
                label=_("Đối soát thanh toán"),
                url_name="payments-office:reconciliation",
                order=80,
                current_namespace="payments-office",
                shown_to=permissions.can_reconcile,
            ),
        )
