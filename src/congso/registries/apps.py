from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "congso.registries"
    label = "registries"
    verbose_name = "Cơ sở dữ liệu quốc gia, kho dữ liệu điện tử"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each adds itself to a lower block's registry: the prefill sources, the dossier page's panel.
        from . import adapters, dossier_panels, prefill_sources  # noqa: F401
        from .services import register_paper_source

        register_paper_source()
