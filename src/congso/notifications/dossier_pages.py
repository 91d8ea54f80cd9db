"""The notifications' lines on the officer's dossier page (``dossiers.extensions``): what the applicant
was sent, on which channel, and whether it reached them — contact details masked."""

from django.utils.translation import gettext as _

from congso.dossiers.extensions import OfficerPagesExtension, TimelineNote, officer_pages

from . import services
from .masking import mask_address
from .models import ChannelName, NotificationStatus

STATUS_CSS = {
    NotificationStatus.QUEUED: "warn",
    NotificationStatus.SENT: "",
    NotificationStatus.DELIVERED: "ontime",
    NotificationStatus.FAILED: "late",
}


class NotificationsOnDossierPage(OfficerPagesExtension):
    def timeline(self, dossier) -> list[TimelineNote]:
        channel_labels = dict(ChannelName.choices)
        status_labels = dict(NotificationStatus.choices)
        notes = []
        for notification in services.of_dossier(dossier.pk):
            lines = []
            if notification.address:
                lines.append(_("Gửi tới: %(address)s") % {"address": mask_address(notification.address)})
            if notification.subject:
                lines.append(notification.subject)
            if notification.status == NotificationStatus.FAILED and notification.failure_reason:
                lines.append(_("Lý do: %(reason)s") % {"reason": notification.failure_reason[:300]})
            if notification.attempts > 1:
                lines.append(_("Số lần gửi: %(n)s") % {"n": notification.attempts})
            notes.append(
                TimelineNote(
                    at=notification.created_at,
                    title=_("Thông báo cho người nộp — %(channel)s")
                    % {"channel": channel_labels.get(notification.channel, notification.channel)}
                    if notification.recipient_id is None or notification.event_key.startswith("dossier.")
                    else _("Thông báo cho cán bộ — %(channel)s")
                    % {"channel": channel_labels.get(notification.channel, notification.channel)},
                    lines=tuple(lines),
                    tag=str(status_labels.get(notification.status, notification.status)),
                    tag_css=STATUS_CSS.get(notification.status, ""),
                )
            )
        return notes


officer_pages.add("notifications", NotificationsOnDossierPage())
