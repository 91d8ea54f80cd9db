from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "congso.payments"
    label = "payments"
    verbose_name = "Thanh toán phí, lệ phí"

    def ready(self) -> None:
        from . import checks, extensions, jobs, providers  # noqa: F401 — registrations

        providers.register_builtin()
        extensions.register()
