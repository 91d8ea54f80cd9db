"""The payments block's periodic jobs (``core.scheduling``): recover intents whose notification never
came (status query) every few minutes, and reconcile yesterday's statements once a day."""

from congso.core.scheduling import periodic


@periodic("payments.recover_pending", every=300)
def recover_pending():
    from . import services

    services.recover_pending()


@periodic("payments.reconcile_daily", every=3600)
def reconcile_daily():
    # Hourly, but each provider's day is reconciled once (services.reconcile_yesterday).
    from . import services

    services.reconcile_yesterday()
