"""The figures of a period broken down by receiving agency, procedure, field (lĩnh vực) or commune
(đơn vị hành chính cấp xã), and the late dossiers by agency and procedure. Sums of the pre-aggregated
figures (monthly for whole months, daily otherwise), grouped by one column; reads only.

The commune of a dossier is the commune of the agency that received it (``agencies.services.communes_of``):
the figures are grouped by agency and each agency's sums go to its commune, so a commune's figures follow
the map of communes as it stands (after the 2025 mergers, a former commune's agency counts in the unit it
belonged to). Dossiers received by provincial agencies form their own row.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.agencies import services as agency_services
from congso.catalog import services as catalog_services

from . import aggregates
from .indicators import Period, Scope, Value, figure_parts, satisfaction_value
from .models import MonthlyFigures

# The address's name of each breakdown, its label, and the column of the figures it groups by.
DIMENSIONS = {
    "co-quan": (gettext_lazy("Cơ quan tiếp nhận"), "agency_id"),
    "thu-tuc": (gettext_lazy("Thủ tục hành chính"), "procedure_code"),
    "linh-vuc": (gettext_lazy("Lĩnh vực"), "field_code"),
    "xa": (gettext_lazy("Xã, phường, đặc khu"), "agency_id"),
}
DEFAULT_DIMENSION = "co-quan"
# The filter of the drill-down list that each breakdown's row narrows to.
DRILL_PARAMS = {"co-quan": "co_quan", "thu-tuc": "thu_tuc", "linh-vuc": "linh_vuc", "xa": "xa"}
NOT_A_COMMUNE = "tinh"  # the commune row of dossiers received by provincial (or former district) agencies
LATE_PAIRS_LIMIT = 50


@dataclass(frozen=True)
class Row:
    key: str  # the value the drill-down filters on: agency id, procedure or field code, commune unit id
    name: str
    counts: dict

    def _share(self, numerator: str, denominator: str) -> Value:
        return Value(self.counts[numerator], self.counts[denominator])

    @property
    def on_time(self) -> Value:
        return Value(self.counts["finished_early"] + self.counts["finished_on_time"], self.counts["finished"])

    @property
    def satisfaction(self) -> Value:
        return satisfaction_value(self.counts)

    @property
    def rates(self) -> tuple[Value, ...]:
        """On time, satisfaction, digitised papers, electronic results, data re-use: the table's order."""
        return (
            self.on_time,
            self.satisfaction,
            self.digitised_papers,
            self.digitised_results,
            self.data_reuse,
        )

    @property
    def digitised_papers(self) -> Value:
        return self._share("received_digitised", "received")

    @property
    def digitised_results(self) -> Value:
        return self._share("finished_electronic", "finished")

    @property
    def data_reuse(self) -> Value:
        return self._share("received_reused", "received")


def _sums_by(period: Period, scope: Scope, *columns: str) -> dict[tuple, Counter]:
    by_procedure = bool({"procedure_code", "field_code"} & set(columns))
    sums: dict[tuple, Counter] = {}
    for part in figure_parts(period, scope, by_procedure=by_procedure):
        rows = (
            part.order_by()
            .values(*columns)
            .annotate(**{f"sum_{name}": Sum(name) for name in aggregates.FIGURES})
        )
        for row in rows:
            counts = sums.setdefault(tuple(row[c] for c in columns), Counter())
            counts.update({name: row[f"sum_{name}"] or 0 for name in aggregates.FIGURES})
    return sums


def _rank_key(row: Row) -> tuple:
    on_time = row.on_time.percent
    return (-(on_time if on_time is not None else -1), -row.counts["received"], row.name)


def breakdown(dimension: str, period: Period, scope: Scope) -> list[Row]:
    """The figures of ``period`` in ``scope`` per agency, procedure, field or commune, best on-time rate
    first (then most dossiers received)."""
    column = DIMENSIONS[dimension][1]
    sums = {key[0]: counts for key, counts in _sums_by(period, scope, column).items()}
    if dimension == "xa":
        rows = _by_commune(sums)
    else:
        names = _names(dimension, list(sums))
        rows = [
            Row(str(key), names.get(key) or str(key) or _("(không rõ)"), counts)
            for key, counts in sums.items()
        ]
    return sorted(rows, key=_rank_key)


def _names(dimension: str, keys: list) -> dict:
    if dimension == "co-quan":
        return {a.pk: a.name for a in agency_services.agencies_by_name(keys)}
    found = catalog_services.names_by_code(
        procedure_codes=keys if dimension == "thu-tuc" else (),
        field_codes=keys if dimension == "linh-vuc" else (),
    )
    return found["procedures"] if dimension == "thu-tuc" else found["fields"]


def _by_commune(by_agency: dict[int, Counter]) -> list[Row]:
    communes = agency_services.communes_of(by_agency)
    sums: dict[str, Counter] = defaultdict(Counter)
    names = {NOT_A_COMMUNE: _("Cơ quan cấp tỉnh (không thuộc xã)")}
    for agency_id, counts in by_agency.items():
        unit = communes.get(agency_id)
        key = str(unit.pk) if unit is not None else NOT_A_COMMUNE
        if unit is not None:
            names[key] = unit.name
        sums[key].update(counts)
    return [
        Row(key, names[key], {name: counts[name] for name in aggregates.FIGURES})
        for key, counts in sums.items()
    ]


def agencies_of_commune(key: str, scope: Scope) -> frozenset[int]:
    """The agencies of ``scope`` whose dossiers count in the commune row ``key`` (a drill-down filter)."""
    if scope.is_province:  # every agency that ever received a dossier: the monthly figures name them
        agency_ids = set(MonthlyFigures.objects.order_by().values_list("agency_id", flat=True).distinct())
    else:
        agency_ids = set(scope.agency_ids)
    communes = agency_services.communes_of(agency_ids)
    if key == NOT_A_COMMUNE:
        return frozenset(a for a in agency_ids if a not in communes)
    return frozenset(a for a in agency_ids if a in communes and str(communes[a].pk) == key)


@dataclass(frozen=True)
class LatePair:
    agency_id: int
    agency_name: str
    procedure_code: str
    procedure_name: str
    finished: int
    finished_late: int

    @property
    def late_share(self) -> Value:
        return Value(self.finished_late, self.finished)


def late_by_agency_and_procedure(period: Period, scope: Scope) -> list[LatePair]:
    """The (agency, procedure) pairs with dossiers finished late in ``period``, most late first; at most
    ``LATE_PAIRS_LIMIT``."""
    sums = _sums_by(period, scope, "agency_id", "procedure_code")
    late = sorted(
        ((key, counts) for key, counts in sums.items() if counts["finished_late"]),
        key=lambda item: (-item[1]["finished_late"], -item[1]["finished"], item[0][1]),
    )[:LATE_PAIRS_LIMIT]
    agencies = {a.pk: a.name for a in agency_services.agencies_by_name({key[0] for key, _c in late})}
    procedures = catalog_services.names_by_code(procedure_codes={key[1] for key, _c in late})["procedures"]
    return [
        LatePair(
            agency_id,
            agencies.get(agency_id, str(agency_id)),
            procedure_code,
            procedures.get(procedure_code, procedure_code),
            counts["finished"],
            counts["finished_late"],
        )
        for (agency_id, procedure_code), counts in late
    ]
