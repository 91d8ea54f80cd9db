from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "congso.workspace"
    label = "workspace"

    def ready(self):
        _name_admin_site()


def _name_admin_site():
    """Give the Django admin (at /quan-tri/) congso's Vietnamese names; English comes from locale/en."""
    from django.conf import settings
    from django.contrib import admin
    from django.urls import reverse_lazy
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    admin.site.site_title = _("Quản trị congso")
    admin.site.site_header = format_lazy("{} · {}", _("Quản trị congso"), settings.CONGSO_PROVINCE_NAME)
    admin.site.index_title = _("Quản trị hệ thống")
    admin.site.site_url = reverse_lazy("portal:home")
