from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "congso.workflow"
    label = "workflow"
    verbose_name = _("Quy trình nghiệp vụ")

    def ready(self):
        # Register the platform actions, the periodic jobs (timers, monitoring snapshot), the block's
        # entries in the workspace shell and the work items shown on the dossiers' officer pages at start-up.
        from . import actions, inbox, snapshots, timers, workspace_entries  # noqa: F401
