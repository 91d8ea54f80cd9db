from django.apps import AppConfig
from django.conf import settings

from congso.core.configuration import refusal


class SandboxConfig(AppConfig):
    name = "congso.sandbox"
    label = "sandbox"
    verbose_name = "Mô phỏng hệ thống quốc gia"

    def ready(self) -> None:
        refuse_in_production()
        from . import sms  # noqa: F401 — registers the periodic job of delivery reports


def refuse_in_production() -> None:
    """Stop the process if the simulators are installed in the production profile.

    The settings already keep the app out of ``INSTALLED_APPS`` there; this catches the other ways in
    (``CONGSO_EXTRA_APPS=congso.sandbox``, a province's own settings module), so that fake national
    systems can never answer a production portal.
    """
    if settings.IS_PRODUCTION:
        raise refusal(
            "congso.sandbox (mô phỏng hệ thống quốc gia, dữ liệu giả) không được chạy ở cấu hình "
            "production: bỏ nó khỏi INSTALLED_APPS / CONGSO_EXTRA_APPS.",
            "congso.sandbox (simulators of national systems, fake data) must not run in the production "
            "profile: remove it from INSTALLED_APPS / CONGSO_EXTRA_APPS.",
        )
