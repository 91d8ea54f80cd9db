"""Models of the shared kernel, one module per concern."""

from .audit import AuditEntry
from .calendar import CalendarDay, CalendarYear, DaySource
from .effective import EffectiveDated, EffectiveDatedQuerySet, valid_on_q
from .outbox import DeliveryStatus, EventDelivery, OutboxEvent
from .ratelimit import RateCounter
from .worker import PeriodicJob, WorkerHeartbeat

__all__ = [
    "AuditEntry",
    "CalendarDay",
    "CalendarYear",
    "DaySource",
    "DeliveryStatus",
    "EffectiveDated",
    "EffectiveDatedQuerySet",
    "EventDelivery",
    "OutboxEvent",
    "PeriodicJob",
    "RateCounter",
    "WorkerHeartbeat",
    "valid_on_q",
]
