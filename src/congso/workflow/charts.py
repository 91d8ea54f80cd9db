"""The weekly bar chart of the monitoring pages as inline SVG (``weekly_chart``), drawn with the
primitives of ``diagram_svg``. Re-exported by ``diagram``."""

import math
import xml.etree.ElementTree as ET  # noqa: S405 — used only to *build* the SVG, never to parse input

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .diagram_svg import INK, MUTED, num, sub, svg_root

CHART_WIDTH, CHART_HEIGHT = 720, 240
CHART_LEFT, CHART_BOTTOM, CHART_TOP = 44, 36, 16
BAR_FILL, LATE_FILL = "#0a4d8c", "#b3261e"


def weekly_chart(
    weeks: list[tuple[str, int, int]], *, title: str, description: str, id_prefix: str
) -> SafeString:
    """A bar chart of ``weeks`` (label, completed, of which late): one bar per week, its late part in
    red at the bottom. ``role="img"`` with ``<title>`` and ``<desc>``; pages show the same figures in a
    table next to it."""
    viewbox = f"0 0 {CHART_WIDTH} {CHART_HEIGHT}"
    svg = svg_root(viewbox, str(CHART_WIDTH), str(CHART_HEIGHT), "wf-chart", id_prefix, title, description)
    plot_w = CHART_WIDTH - CHART_LEFT - 8
    plot_h = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    base = CHART_TOP + plot_h
    top = max([done for _label, done, _late in weeks] + [1])
    sub(
        svg,
        "line",
        {"x1": str(CHART_LEFT), "y1": num(base), "x2": str(CHART_WIDTH - 8), "y2": num(base), "stroke": INK},
    )
    sub(
        svg,
        "line",
        {"x1": str(CHART_LEFT), "y1": str(CHART_TOP), "x2": str(CHART_LEFT), "y2": num(base), "stroke": INK},
    )
    for value, y in ((top, CHART_TOP), (0, base)):
        sub(
            svg,
            "text",
            {
                "x": str(CHART_LEFT - 6),
                "y": num(y),
                "text-anchor": "end",
                "dominant-baseline": "middle",
                "font-size": "11",
                "fill": INK,
            },
            str(value),
        )
    slot = plot_w / max(len(weeks), 1)
    bar_w = max(slot * 0.6, 2)
    every = max(1, math.ceil(len(weeks) / 13))
    bars = sub(svg, "g", {"class": "wf-chart-bars"})
    for i, (label, done, late) in enumerate(weeks):
        x = CHART_LEFT + i * slot + (slot - bar_w) / 2
        height = plot_h * done / top
        late_h = plot_h * min(late, done) / top
        if height - late_h > 0:
            sub(
                bars,
                "rect",
                {
                    "x": num(x),
                    "y": num(base - height),
                    "width": num(bar_w),
                    "height": num(height - late_h),
                    "fill": BAR_FILL,
                    "class": "wf-chart-bar",
                },
            )
        if late_h > 0:
            sub(
                bars,
                "rect",
                {
                    "x": num(x),
                    "y": num(base - late_h),
                    "width": num(bar_w),
                    "height": num(late_h),
                    "fill": LATE_FILL,
                    "class": "wf-chart-bar wf-chart-bar--late",
                },
            )
        if i % every == 0 or i == len(weeks) - 1:
            short = label.split()[-1].split("/")[0] if label else ""
            sub(
                svg,
                "text",
                {
                    "x": num(x + bar_w / 2),
                    "y": num(base + 14),
                    "text-anchor": "middle",
                    "font-size": "11",
                    "fill": INK,
                },
                short,
            )
    sub(
        svg,
        "text",
        {
            "x": num(CHART_LEFT + plot_w / 2),
            "y": str(CHART_HEIGHT - 4),
            "text-anchor": "middle",
            "font-size": "11",
            "fill": MUTED,
        },
        _("Tuần (ISO)"),
    )
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 — built by the XML serializer, every text escaped
