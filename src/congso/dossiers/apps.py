from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "congso.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ một cửa")

    def ready(self):
        from . import conf

        conf.check_code_pattern()  # a wrong pattern stops the process now, not every intake later
        # Registers the periodic job ``dossiers.deadline_watch`` with the worker's scheduler, and the
        # block's navigation, to-do and home panel with the workspace shell.
        from . import deadlines, workspace_entries  # noqa: F401
