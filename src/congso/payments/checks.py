"""System check of the payment configuration (``manage.py check``, ``congso check``): a provider offered
in ``CONGSO_PAYMENTS_PROVIDERS`` whose merchant keys are empty is not offered to citizens and verifies no
notification (``Provider.configured``) — the operator is told which settings to fill, or to take the
provider off the list."""

from django.conf import settings
from django.core import checks

from .providers import providers


@checks.register()
def check_providers(app_configs=None, **kwargs):
    found = []
    for name in settings.CONGSO_PAYMENTS_PROVIDERS:
        if name not in providers:
            found.append(
                checks.Error(
                    f"CONGSO_PAYMENTS_PROVIDERS names {name!r}, which is not a payment provider plugin "
                    f"(installed: {', '.join(sorted(providers)) or 'none'}).",
                    id="payments.E001",
                )
            )
            continue
        missing = providers[name].missing_settings()
        if missing:
            found.append(
                checks.Warning(
                    f"Payment provider {name!r} is listed but its keys are not set ({', '.join(missing)}): "
                    "it is not offered and none of its notifications is accepted.",
                    hint=f"Set the merchant's keys, or remove {name!r} from CONGSO_PAYMENTS_PROVIDERS.",
                    id="payments.W001",
                )
            )
    return found
