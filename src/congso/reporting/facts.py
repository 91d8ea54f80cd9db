"""One fact per dossier, rewritten from the dossier as it stands whenever one of its events arrives.

Rewriting from the source instead of applying the event's change makes the fact right whatever order
the events arrive in, however late, and however often (the outbox delivers at least once). Each day a
fact counts on, before and after the change, is marked stale so its figures are recomputed.
"""

from django.db import transaction
from django.utils import timezone

from congso.dossiers import services as dossier_services
from congso.portal import services as portal_services
from congso.registries import services as registry_services

from .models import DossierFact, StaleDay


def _local_day(moment):
    return timezone.localdate(moment) if moment is not None else None


def build_facts(dossier_ids) -> list[DossierFact]:
    """The facts of ``dossier_ids`` computed from the dossiers and their ratings (not saved)."""
    ids = list(dossier_ids)
    rows = dossier_services.reporting_rows(ids)
    unsatisfied = portal_services.unsatisfied_dossier_ids(ids)
    digitised = dossier_services.digitised_dossier_ids(ids)
    reused = registry_services.dossiers_reusing_data({row["id"]: row["code"] for row in rows})
    facts = []
    for row in rows:
        facts.append(
            DossierFact(
                dossier_id=row["id"],
                code=row["code"],
                agency_id=row["receiving_agency_id"],
                procedure_code=row["procedure_code"],
                field_code=row["field_code"] or "",
                channel=row["channel"],
                status=row["status"],
                received_day=_local_day(row["submitted_at"]),
                # Set when the result was recorded (status 9): a refused, withdrawn or stopped dossier
                # ended without being resolved and counts in no on-time or satisfaction figure.
                finished_day=_local_day(row["finished_at"]),
                timeliness=row["timeliness"] or "",
                rated_unsatisfied=row["id"] in unsatisfied,
                papers_digitised=row["id"] in digitised["papers"],
                result_electronic=row["id"] in digitised["result"],
                reused_data=row["id"] in reused,
            )
        )
    return facts


def _days(fact) -> set[tuple]:
    days = {(fact.received_day, fact.agency_id)}
    if fact.finished_day is not None:
        days.add((fact.finished_day, fact.agency_id))
    return days


def refresh(dossier_ids) -> int:
    """Rewrite the facts of ``dossier_ids`` and mark every day they counted on, before or after, as
    stale. A dossier that no longer exists loses its fact. Returns the number of facts written."""
    ids = list(dossier_ids)
    with transaction.atomic():
        before = {f.dossier_id: f for f in DossierFact.objects.select_for_update().filter(dossier_id__in=ids)}
        facts = build_facts(ids)
        stale = set()
        for fact in facts:
            stale |= _days(fact)
            if fact.dossier_id in before:
                stale |= _days(before[fact.dossier_id])
        gone = set(before) - {f.dossier_id for f in facts}
        for dossier_id in gone:
            stale |= _days(before[dossier_id])
        DossierFact.objects.filter(dossier_id__in=gone).delete()
        DossierFact.objects.bulk_create(
            facts,
            update_conflicts=True,
            unique_fields=["dossier_id"],
            update_fields=[
                "code",
                "agency_id",
                "procedure_code",
                "field_code",
                "channel",
                "status",
                "received_day",
                "finished_day",
                "timeliness",
                "rated_unsatisfied",
                "papers_digitised",
                "result_electronic",
                "reused_data",
                "updated_at",
            ],
        )
        StaleDay.objects.bulk_create(
            [StaleDay(day=day, agency_id=agency_id) for day, agency_id in stale], ignore_conflicts=True
        )
    return len(facts)
