"""How the production signature providers read their settings: a Django setting, else the environment
variable of the same name (read at each use, so ``override_settings`` and a changed environment take
effect); ``a=x,b=y`` lists (or a dict) for the per-signer and per-agency names."""

import os

from django.conf import settings


def setting(name: str, default=""):
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def pairs(value) -> dict[str, str]:
    """``a=x,b=y`` (or a dict) as a dict."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    found = {}
    for part in str(value or "").split(","):
        key, sep, label = part.partition("=")
        if sep and key.strip() and label.strip():
            found[key.strip()] = label.strip()
    return found
