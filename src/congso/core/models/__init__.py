"""Models of the shared kernel, one module per concern."""

from .audit import AuditEntry
from .outbox import DeliveryStatus, EventDelivery, OutboxEvent
from .worker import PeriodicJob, WorkerHeartbeat

__all__ = [
    "AuditEntry",
    "DeliveryStatus",
    "EventDelivery",
    "OutboxEvent",
    "PeriodicJob",
    "WorkerHeartbeat",
]
