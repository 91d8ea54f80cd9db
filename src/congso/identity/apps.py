from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "congso.identity"
    label = "identity"
    verbose_name = _("Tài khoản và đăng nhập")

    def ready(self):
        from . import signals
        from .contrib.password import plugin  # noqa: F401  (registers the password sign-in method)
        from .contrib.vneid import plugin as vneid_plugin  # noqa: F401  (registers the VNeID method)

        signals.connect()

        from .oidc import signals as oidc_signals

        oidc_signals.connect()
