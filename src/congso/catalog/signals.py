"""Keep ``Procedure.search_extra`` and ``updated_at`` true when versions, papers or agencies change.

Bulk writers (the importer) wrap their work in ``deferred_search_refresh()`` so each procedure is
refreshed once at the end instead of once per paper.
"""

import contextvars
from contextlib import contextmanager

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Field, LifeEvent, Procedure, ProcedureVersion, RequiredPaper

_deferred: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "catalog_deferred_refresh", default=None
)


def _refresh(procedure_id) -> None:
    from .services import refresh_search_extra

    if procedure_id is None:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.add(procedure_id)
    else:
        refresh_search_extra(procedure_id)


@contextmanager
def deferred_search_refresh():
    """Collect the procedures touched inside the block and refresh each once when it ends normally."""
    from .services import refresh_search_extra

    if _deferred.get() is not None:  # nested: the outer block refreshes
        yield
        return
    pending: set = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for procedure_id in sorted(pending):
        refresh_search_extra(procedure_id)


@receiver([post_save, post_delete], sender=ProcedureVersion, dispatch_uid="catalog.version_search")
def _version_changed(sender, instance, **kwargs):
    _refresh(instance.procedure_id)


@receiver([post_save, post_delete], sender=RequiredPaper, dispatch_uid="catalog.paper_search")
def _paper_changed(sender, instance, **kwargs):
    _refresh(
        ProcedureVersion.objects.filter(pk=instance.version_id).values_list("procedure_id", flat=True).first()
    )


@receiver(
    m2m_changed, sender=ProcedureVersion.implementing_agencies.through, dispatch_uid="catalog.agency_search"
)
def _agencies_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove") and not pk_set:
        return  # nothing actually changed (e.g. set() with the same agencies)
    if isinstance(instance, ProcedureVersion):
        if action.startswith("post_"):
            _refresh(instance.procedure_id)
        return
    # Changed from the agency's side: refresh every version touched (before a clear, while still linked).
    if action in ("post_add", "post_remove"):
        versions = ProcedureVersion.objects.filter(pk__in=pk_set or [])
    elif action == "pre_clear":
        versions = ProcedureVersion.objects.filter(implementing_agencies=instance)
    else:
        return
    for procedure_id in set(versions.values_list("procedure_id", flat=True)):
        _refresh(procedure_id)


@receiver(m2m_changed, sender=Procedure.life_events.through, dispatch_uid="catalog.life_event_search")
def _life_events_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove") and not pk_set:
        return
    if isinstance(instance, Procedure):
        if action.startswith("post_"):
            _refresh(instance.pk)
        return
    if action in ("post_add", "post_remove"):
        procedure_ids = set(pk_set or [])
    elif action == "pre_clear":
        procedure_ids = set(instance.procedures.values_list("pk", flat=True))
    else:
        return
    for procedure_id in procedure_ids:
        _refresh(procedure_id)


@receiver(post_save, sender=LifeEvent, dispatch_uid="catalog.life_event_name_search")
def _life_event_renamed(sender, instance, created, **kwargs):
    if created:
        return
    for procedure_id in instance.procedures.values_list("pk", flat=True):
        _refresh(procedure_id)


@receiver(post_save, sender=Field, dispatch_uid="catalog.field_search")
def _field_changed(sender, instance, created, **kwargs):
    if created:
        return
    for procedure_id in instance.procedures.values_list("pk", flat=True):
        _refresh(procedure_id)
