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

import json
import math
from dataclasses import dataclass

from django.conf import settings

from congso.core.configuration import refusal

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


def check_weights() -> None:
    """Refuse (``ImproperlyConfigured``, at start-up: ``ReportingConfig.ready``) a
    ``CONGSO_REPORTING_INDEX_WEIGHTS`` the dashboard would fail on or misread: anything but a JSON object
    of the five groups' keys to positive numbers. A misspelt group would otherwise be ignored without a
    word, and a weight of 0 divides by zero."""
    configured = getattr(settings, "CONGSO_REPORTING_INDEX_WEIGHTS", None) or {}
    held = f"CONGSO_REPORTING_INDEX_WEIGHTS={json.dumps(configured, ensure_ascii=False)}"
    keys = ", ".join(INDEX_GROUPS)
    if not isinstance(configured, dict):
        raise refusal(
            f'{held} phải là một đối tượng JSON, ví dụ {{"progress": 20}} (nhóm: {keys}).',
            f'{held} must be a JSON object, for example {{"progress": 20}} (groups: {keys}).',
        )
    unknown = ", ".join(sorted(str(key) for key in configured if key not in INDEX_GROUPS))
    if unknown:
        raise refusal(
            f"{held}: không có nhóm {unknown} (các nhóm: {keys}).",
            f"{held}: there is no group {unknown} (the groups: {keys}).",
        )
    for key, value in configured.items():
        try:  # a number, or its text ("20"), as ``weights`` reads it
            number = None if isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not math.isfinite(number) or number <= 0:
            raise refusal(
                f"{held}: điểm của nhóm {key} phải là một số lớn hơn 0, không phải {value!r}.",
                f"{held}: the points of group {key} must be a number above 0, not {value!r}.",
            )


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
