"""The daily figures, kept from the facts: ``refresh_stale`` recomputes the days marked stale (the
periodic job ``reporting.refresh`` runs it), ``rebuild`` makes every fact and figure again from the
dossiers, and ``compare_with_rebuild`` checks, without changing anything, that what is stored equals a
rebuild from scratch (``manage.py reporting_rebuild --check``).

Recomputing a whole day of one agency from its facts, rather than adding and subtracting, is what makes
late, repeated and corrected events harmless: the figures are always a function of the facts.
"""

from collections import Counter, defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, Sum

from congso.dossiers import services as dossier_services

from . import facts as fact_rows
from .models import DailyFigures, DossierFact, MonthlyFigures, MonthlyProcedureFigures, StaleDay

FIGURES = (
    "received",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "unsatisfied",
    "unsatisfied_late",
    "received_digitised",
    "received_reused",
    "finished_electronic",
)
BATCH = 2000


def _figures_of(fact_list, days: set[tuple] | None = None) -> dict[tuple, Counter]:
    """Figures keyed (day, agency, procedure, field, channel) of ``fact_list``; only the (day, agency)
    pairs in ``days`` when given."""
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for fact in fact_list:
        base = (fact.agency_id, fact.procedure_code, fact.field_code, fact.channel)
        if days is None or (fact.received_day, fact.agency_id) in days:
            cell = cells[(fact.received_day, *base)]
            cell["received"] += 1
            cell["received_digitised"] += fact.papers_digitised
            cell["received_reused"] += fact.reused_data
        if fact.finished_day is not None and (days is None or (fact.finished_day, fact.agency_id) in days):
            cell = cells[(fact.finished_day, *base)]
            cell["finished"] += 1
            cell[f"finished_{fact.timeliness}"] += fact.timeliness in ("early", "on_time", "late")
            cell["unsatisfied"] += fact.rated_unsatisfied
            cell["unsatisfied_late"] += fact.rated_unsatisfied and fact.timeliness == "late"
            cell["finished_electronic"] += fact.result_electronic
    return cells


def _rows(cells: dict[tuple, Counter]) -> list[DailyFigures]:
    return [
        DailyFigures(
            day=day,
            agency_id=agency_id,
            procedure_code=procedure,
            field_code=field,
            channel=channel,
            **{name: counts[name] for name in FIGURES},
        )
        for (day, agency_id, procedure, field, channel), counts in cells.items()
    ]


def _recompute(days: set[tuple]) -> None:
    """Replace the figures of the (day, agency) pairs ``days`` by the sums of their facts."""
    if not days:
        return
    pairs = Q()
    for day, agency_id in days:
        pairs |= Q(day=day, agency_id=agency_id)
    touching = Q()
    for day, agency_id in days:
        touching |= Q(agency_id=agency_id) & (Q(received_day=day) | Q(finished_day=day))
    DailyFigures.objects.filter(pairs).delete()
    DailyFigures.objects.bulk_create(_rows(_figures_of(DossierFact.objects.filter(touching), days)))
    _recompute_months({(day.replace(day=1), agency_id) for day, agency_id in days})


def _month_end(first):
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _recompute_months(months: set[tuple]) -> None:
    """Replace the monthly figures, per channel and per procedure, of the (first day of month, agency)
    pairs by the sums of their days."""
    sums_of = {f"sum_{name}": Sum(name) for name in FIGURES}
    for month, agency_id in sorted(months):
        days = DailyFigures.objects.filter(agency_id=agency_id, day__gte=month, day__lte=_month_end(month))
        cell = {"month": month, "agency_id": agency_id}
        MonthlyFigures.objects.filter(**cell).delete()
        MonthlyFigures.objects.bulk_create(
            MonthlyFigures(**cell, channel=row["channel"], **_counts(row))
            for row in days.order_by().values("channel").annotate(**sums_of)
        )
        MonthlyProcedureFigures.objects.filter(**cell).delete()
        MonthlyProcedureFigures.objects.bulk_create(
            MonthlyProcedureFigures(
                **cell, procedure_code=row["procedure_code"], field_code=row["field_code"], **_counts(row)
            )
            for row in days.order_by().values("procedure_code", "field_code").annotate(**sums_of)
        )


def _counts(row: dict) -> dict:
    return {name: row[f"sum_{name}"] or 0 for name in FIGURES}


def refresh_stale(limit: int = 200) -> int:
    """Recompute up to ``limit`` stale days (the oldest marks first); returns how many. Concurrent runs
    take different days (``skip_locked``)."""
    with transaction.atomic():
        marks = list(StaleDay.objects.select_for_update(skip_locked=True).order_by("id")[:limit])
        if not marks:
            return 0
        _recompute({(m.day, m.agency_id) for m in marks})
        StaleDay.objects.filter(pk__in=[m.pk for m in marks]).delete()
    return len(marks)


def refresh_all_stale() -> int:
    total = 0
    while count := refresh_stale():
        total += count
    return total


def _all_dossier_ids():
    last = 0
    while ids := dossier_services.dossier_ids_after(last, BATCH):
        yield ids
        last = ids[-1]


def rebuild() -> int:
    """Every fact and figure made again from the dossiers; returns the number of facts."""
    with transaction.atomic():
        DossierFact.objects.all().delete()
        DailyFigures.objects.all().delete()
        MonthlyFigures.objects.all().delete()
        MonthlyProcedureFigures.objects.all().delete()
        StaleDay.objects.all().delete()
        count = 0
        for ids in _all_dossier_ids():
            count += fact_rows.refresh(ids)
        refresh_all_stale()
    return count


def _stored() -> dict[tuple, Counter]:
    stored = {}
    for row in DailyFigures.objects.all().iterator(chunk_size=BATCH):
        key = (row.day, row.agency_id, row.procedure_code, row.field_code, row.channel)
        stored[key] = Counter({name: getattr(row, name) for name in FIGURES})
    return stored


def _monthly_differences(rebuilt: dict[tuple, Counter]) -> list[str]:
    """Where the stored monthly figures (per channel, per procedure) differ from the month's sums of the
    rebuilt daily ones."""
    differences = []
    for label, model, columns, pick in (
        ("month", MonthlyFigures, ("channel",), lambda procedure, field, channel: (channel,)),
        (
            "month by procedure",
            MonthlyProcedureFigures,
            ("procedure_code", "field_code"),
            lambda procedure, field, channel: (procedure, field),
        ),
    ):
        want: dict[tuple, Counter] = defaultdict(Counter)
        for (day, agency_id, procedure, field, channel), counts in rebuilt.items():
            want[(day.replace(day=1), agency_id, *pick(procedure, field, channel))].update(counts)
        have = {
            (row.month, row.agency_id, *(getattr(row, c) for c in columns)): Counter(
                {name: getattr(row, name) for name in FIGURES}
            )
            for row in model.objects.all().iterator(chunk_size=BATCH)
        }
        for key in sorted(set(want) | set(have), key=str):
            wanted = {name: want.get(key, Counter())[name] for name in FIGURES}
            stored = {name: have.get(key, Counter())[name] for name in FIGURES}
            if wanted != stored:
                differences.append(f"{label} {key}: stored {stored}, rebuilt {wanted}")
    return differences


def compare_with_rebuild() -> list[str]:
    """The differences between the stored figures and a rebuild from the dossiers (nothing changed);
    empty when they agree. Stale days not yet refreshed show as differences."""
    rebuilt: dict[tuple, Counter] = defaultdict(Counter)
    for ids in _all_dossier_ids():
        for key, counts in _figures_of(fact_rows.build_facts(ids)).items():
            rebuilt[key].update(counts)
    stored = _stored()
    differences = _monthly_differences(rebuilt)
    for key in sorted(set(rebuilt) | set(stored), key=str):
        want = {name: rebuilt.get(key, Counter())[name] for name in FIGURES}
        have = {name: stored.get(key, Counter())[name] for name in FIGURES}
        if want != have:
            differences.append(f"{key}: stored {have}, rebuilt {want}")
    return differences
