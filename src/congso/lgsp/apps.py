from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LgspConfig(AppConfig):
    name = "congso.lgsp"
    label = "lgsp"
    verbose_name = _("Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)")

    def ready(self) -> None:
        from . import jobs, workspace_entries  # noqa: F401 — periodic jobs; the catalogue in the workspace
