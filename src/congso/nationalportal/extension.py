"""The panel on the officer's dossier page (``dossiers.extensions``): the dossier's sync state with the
national portal, the reports waiting, and, for who may, a "send now" button."""

from django.conf import settings
from django.urls import reverse

from congso.dossiers.extensions import DossierPanel, OfficerPagesExtension, officer_pages
from congso.dossiers.models import Status

from . import permissions, services


class NationalPortalPanel(OfficerPagesExtension):
    def dossier_panels(self, request, dossier) -> list[DossierPanel]:
        if not settings.CONGSO_NATIONALPORTAL_LINK:
            return []
        summary = services.sync_summary(dossier)
        if summary is None:
            return []
        state = summary.state
        return [
            DossierPanel(
                "nationalportal/dossier_panel.html",
                {
                    "state": state,
                    "status": summary.status,
                    "status_label": summary.label,
                    "reported_label": Status(state.reported_status).label if state.reported_status else "",
                    "waiting": summary.waiting,
                    "retry_url": reverse("nationalportal:retry", args=[state.pk])
                    if permissions.can_retry(request.user, dossier)
                    else "",
                },
            )
        ]


officer_pages.add("nationalportal", NationalPortalPanel())
