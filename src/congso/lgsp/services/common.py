"""What every LGSP change does besides changing rows: its audit line and the ``lgsp.registry_changed``
event, in the caller's transaction; and the one error type for refused input."""

from congso.core import audit, events

REGISTRY_CHANGED = "lgsp.registry_changed"


class RegistryError(ValueError):
    """Input a registry service refuses; ``message`` says why in Vietnamese and nothing was changed."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def changed(action: str, obj, *, changes: dict | None = None, by=None) -> None:
    """Audit ``action`` on ``obj`` and tell the gateway its snapshot is stale."""
    audit.record(action, obj, changes=changes or {}, actor=by)
    events.publish(
        REGISTRY_CHANGED,
        {"action": action, "object_type": obj._meta.label_lower, "object_id": str(obj.pk)},
        aggregate=obj,
    )
