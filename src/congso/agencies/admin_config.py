"""The Django admin's app configuration, pointing ``admin.site`` at ``CongsoAdminSite``.

A module of its own because INSTALLED_APPS imports it before any model is loaded."""

from django.contrib.admin.apps import AdminConfig


class CongsoAdminConfig(AdminConfig):
    """Listed in INSTALLED_APPS instead of ``django.contrib.admin``."""

    default_site = "congso.agencies.admin_site.CongsoAdminSite"
