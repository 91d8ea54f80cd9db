"""Once-only: the national registries (population, business, land) reached through the LGSP gateway,
the form prefill they give, the registry lookups and verifications recorded for dossiers, the citizen's
electronic data store and "who used my data".

It owns its adapters (``registries.adapters``, a plugin registry), the lookups, the data store and their
rules; it fills ``formengine.prefill`` and ``dossiers.extensions`` from ``apps.py``. It calls national
systems only over HTTP through the LGSP gateway (never the sandbox directly) and never imports ``portal``
or ``workflow``, which sit above it: the portal calls ``registries.services``.
"""
