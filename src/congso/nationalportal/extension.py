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
        state = services.state_of(dossier)
        if state is None:
            return []
        return [
            DossierPanel(
                "nationalportal/dossier_panel.html",
                {
                    "state": state,
                    "reported_label": Status(state.reported_status).label if state.reported_status else "",
                    "waiting": services.waiting_reports(dossier),
                    "retry_url": reverse("nationalportal:retry", args=[state.pk])
                    if permissions.can_retry(request.user, dossier)
                    else "",
                },
            )
        ]


officer_pages.add("nationalportal", NationalPortalPanel())
