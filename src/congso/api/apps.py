from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "congso.api"
    label = "api"
    verbose_name = _("API mở cho hệ thống của cơ quan")

    def ready(self) -> None:
        from . import jobs, schema  # noqa: F401 — the periodic purge; the OpenAPI security schemes
