from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "congso.core"
    label = "core"
    verbose_name = _("Nền tảng dùng chung")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import net, postgresql, working_days

        # Settings parsed when first used are checked now: a wrong value stops the process at start,
        # with the variable named in both languages, instead of failing each request that reads it.
        net.trusted_proxies()
        working_days.check_settings()

        connection_created.connect(
            postgresql.use_compiled_timestamptz_loader, dispatch_uid="congso.timestamptz"
        )
        # Register the kernel's periodic jobs and tasks, then every block's event subscribers.
        from . import ratelimit, scheduling, stored_files, tasks, worker  # noqa: F401

        autodiscover_modules("subscribers")
