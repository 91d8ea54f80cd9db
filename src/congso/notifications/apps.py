from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "congso.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # Channels, the workspace's header item and navigation entry, the dossier page's timeline rows
        # and the periodic jobs register themselves when their modules are imported; so do the senders
        # of identity's one-time codes (SMS and e-mail for local accounts).
        from . import channels, dossier_pages, jobs, one_time_codes, workspace_entries  # noqa: F401
