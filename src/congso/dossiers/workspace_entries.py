"""What the dossiers block adds to the officers' workspace shell (``workspace.registry``): its links in
the navigation, its half of the officer's to-do, and the home page's "Việc đang chờ" panel."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congso.workspace import registry

from . import inbox
from .models import Status
from .services import can_receive_somewhere

registry.navigation.add(
    "dossiers.inbox", registry.NavigationEntry(label=_("Hộp việc"), url_name="dossiers:inbox", order=20)
)
registry.navigation.add(
    "dossiers.intake",
    registry.NavigationEntry(
        label=_("Tiếp nhận tại quầy"),
        url_name="dossiers:intake",
        order=40,
        current_views=("dossiers:intake_form",),
        shown_to=can_receive_somewhere,
    ),
)
registry.navigation.add(
    "dossiers.logbook",
    registry.NavigationEntry(label=_("Sổ theo dõi hồ sơ"), url_name="dossiers:logbook", order=50),
)
registry.todo_counters.add("dossiers.todo", inbox.todo_count_for)


def waiting_panel(request) -> dict | None:
    """What waits for the officer: their whole to-do and the open dossiers now at their agencies by
    deadline state, each with the inbox link that lists them. None when the account sees no agency's
    dossiers."""
    counts = inbox.summary_for(request.user)
    if not counts.agency_ids:
        return None
    inbox_url = reverse("dossiers:inbox")
    return {
        "inbox_url": inbox_url,
        "work_items": registry.todo_count(request.user),
        "open": counts.open,
        "lines": [
            (counts.late, _("quá hạn"), f"{inbox_url}?han={inbox.RISK_LATE}", "late"),
            (counts.at_risk, _("sắp đến hạn"), f"{inbox_url}?han={inbox.RISK_AT_RISK}", "warn"),
            (
                counts.awaiting_reception,
                _("chờ tiếp nhận"),
                f"{inbox_url}?trang_thai={Status.SUBMITTED.value}",
                "",
            ),
            (
                counts.awaiting_supplement,
                _("chờ người nộp bổ sung"),
                f"{inbox_url}?trang_thai={Status.SUPPLEMENT_REQUESTED.value}",
                "",
            ),
        ],
    }


registry.home_panels.add(
    "dossiers.waiting",
    registry.HomePanel(template="dossiers/workspace_waiting.html", order=10, context=waiting_panel),
)
