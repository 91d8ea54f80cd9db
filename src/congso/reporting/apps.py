from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "congso.reporting"
    label = "reporting"
    verbose_name = _("Báo cáo, chỉ số")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import jobs, service_index, subscribers, workspace_entries  # noqa: F401 — registration on import

        service_index.check_weights()  # a wrong weight stops the process now, not the dashboard later
