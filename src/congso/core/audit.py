"""The audit log: ``record(action, obj, changes)`` appends who did what to which object, when, from where.

The acting user and client address come from the current request (bound by
``core.middleware.RequestContextMiddleware``) unless given explicitly, so services need not carry the
request around. Entries are written in the caller's transaction: if the change rolls back, so does
its audit line.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from .net import client_address

_current = contextvars.ContextVar("congso_request_context", default=None)


@dataclass(frozen=True)
class RequestContext:
    user: object | None
    ip_address: str | None
    user_agent: str
    request_id: str


@contextmanager
def bind_request(request):
    ctx = RequestContext(
        user=getattr(request, "user", None),
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def current_context() -> RequestContext | None:
    return _current.get()


def record(action: str, obj=None, *, changes: dict | None = None, actor=None, label: str = ""):
    """Append one audit entry and return it.

    ``action`` is a dotted verb such as ``"identity.login"`` or ``"agencies.membership.add"``;
    ``obj`` is the model instance acted on (optional); ``changes`` is a JSON-serialisable dict.
    The actor defaults to the signed-in user of the current request, if any.
    """
    entry = unsaved_entry(action, obj, changes=changes, actor=actor, label=label)
    entry.save(force_insert=True)
    return entry


def unsaved_entry(action: str, obj=None, *, changes: dict | None = None, actor=None, label: str = ""):
    """The audit entry ``record`` would append, not yet saved: for a caller that writes it together with
    the change's other rows in one statement (``core.events.publish_many(rows=…)``)."""
    from .models import AuditEntry

    ctx = current_context()
    if actor is None and ctx is not None:
        actor = ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry(
        actor=actor,
        actor_label=str(actor)[:200] if actor is not None else (label or "system"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        changes=changes or {},
        ip_address=ctx.ip_address if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
        request_id=ctx.request_id if ctx else "",
    )
