"""The weekly bar chart of the monitoring pages as inline SVG (``weekly_chart``), drawn by
``core.charts.column_chart``. Re-exported by ``diagram``."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from congso.core.charts import (
    BAR_FILL,
    CHART_BOTTOM,
    CHART_HEIGHT,
    CHART_LEFT,
    CHART_TOP,
    CHART_WIDTH,
    LATE_FILL,
    column_chart,
)

__all__ = [
    "BAR_FILL",
    "CHART_BOTTOM",
    "CHART_HEIGHT",
    "CHART_LEFT",
    "CHART_TOP",
    "CHART_WIDTH",
    "LATE_FILL",
    "weekly_chart",
]


def _week_tick(label: str) -> str:
    # "Tuần 12/2026" → "12"
    return label.split()[-1].split("/")[0] if label else ""


def weekly_chart(
    weeks: list[tuple[str, int, int]], *, title: str, description: str, id_prefix: str
) -> SafeString:
    """A bar chart of ``weeks`` (label, completed, of which late): one bar per week, its late part in
    red at the bottom. ``role="img"`` with ``<title>`` and ``<desc>``; pages show the same figures in a
    table next to it."""
    return column_chart(
        weeks,
        title=title,
        description=description,
        id_prefix=id_prefix,
        axis_label=_("Tuần (ISO)"),
        css="wf-chart",
        tick=_week_tick,
    )
