"""The service-quality index of Decision 766 (chỉ số phục vụ người dân, doanh nghiệp), computed from the
indicators of a period: each of the five groups is worth its points (transparency 18, processing
progress 20, digitisation 22, online service provision 22, satisfaction 18 — STANDARDS §2, the last
three [verify], so ``CONGSO_REPORTING_INDEX_WEIGHTS`` overrides them) and scores its points times the
mean rate of its indicators that have a value.

A group none of whose indicators has a value scores nothing and is left out of the maximum, so the index
says "of N points" instead of counting an unmeasured group as zero. The decision weighs each component
indicator separately; congso measures only some of them, so the mean of those it measures stands for the
group, and the page says so.
"""

from dataclasses import dataclass

from django.conf import settings

from .indicators import GROUPS

INDEX_GROUPS = ("transparency", "progress", "digitisation", "online", "satisfaction")
DEFAULT_WEIGHTS = {"transparency": 18, "progress": 20, "digitisation": 22, "online": 22, "satisfaction": 18}


@dataclass(frozen=True)
class GroupScore:
    key: str
    label: str
    weight: float
    measured: int  # indicators of the group that have a value
    points: float | None  # None: nothing measured

    @property
    def percent(self) -> float | None:
        return None if self.points is None else round(100 * self.points / self.weight, 2)


@dataclass(frozen=True)
class ServiceIndex:
    groups: tuple[GroupScore, ...]

    @property
    def points(self) -> float | None:
        scored = [group.points for group in self.groups if group.points is not None]
        return round(sum(scored), 2) if scored else None

    @property
    def max_points(self) -> float:
        return sum(group.weight for group in self.groups if group.points is not None)

    @property
    def complete(self) -> bool:
        return all(group.points is not None for group in self.groups)


def weights() -> dict[str, float]:
    configured = getattr(settings, "CONGSO_REPORTING_INDEX_WEIGHTS", None) or {}
    return {key: float(configured.get(key, DEFAULT_WEIGHTS[key])) for key in INDEX_GROUPS}


def service_index(rows) -> ServiceIndex:
    """The index from ``rows`` (``dashboard.indicator_rows`` of a period and scope)."""
    weight_of = weights()
    groups = []
    for key in INDEX_GROUPS:
        rates = [
            row.value.percent
            for row in rows
            if row.indicator.group == key and row.value.available and row.value.percent is not None
        ]
        points = round(weight_of[key] * sum(rates) / len(rates) / 100, 2) if rates else None
        groups.append(GroupScore(key, str(GROUPS[key]), weight_of[key], len(rates), points))
    return ServiceIndex(tuple(groups))
