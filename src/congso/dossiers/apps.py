from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "congso.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ một cửa")

    def ready(self):
        # Registers the periodic job ``dossiers.deadline_watch`` with the worker's scheduler.
        from . import deadlines  # noqa: F401
