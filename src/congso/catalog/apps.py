from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "congso.catalog"
    label = "catalog"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the search-text receivers)
