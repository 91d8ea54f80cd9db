from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "congso.workflow"
    label = "workflow"
    verbose_name = _("Quy trình nghiệp vụ")

    def ready(self):
        # Register the platform actions and the periodic jobs (timers, monitoring snapshot) at start-up.
        from . import actions, snapshots, timers  # noqa: F401
