from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalPortalConfig(AppConfig):
    name = "congso.nationalportal"
    label = "nationalportal"
    verbose_name = _("Kết nối Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        # The configuration checks, the DVCQG adapter, the outbox subscriber, the periodic jobs, the
        # workspace entries and the panel on the dossier page register themselves on import.
        from . import checks, dvcqg, extension, jobs, subscribers, workspace_entries  # noqa: F401

        subscribers.register_if_linked()
