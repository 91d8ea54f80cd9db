from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "congso.documents"
    label = "documents"
    verbose_name = _("Văn bản, điều hành")

    def ready(self):
        # The file-owner declarations for the orphan sweep, the signature providers, and the outbox
        # subscriber (discovered by core at start-up through subscribers.py).
        from . import dossier_panel, files, signing, workspace_entries  # noqa: F401
