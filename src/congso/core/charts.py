"""Server-drawn column charts as inline SVG (``column_chart``): one column per period, the part that
went wrong (late dossiers, failed calls…) drawn in red at its foot. Shared by the workflow's weekly
monitoring and the LGSP's traffic pages; pages show the same figures in a table beside the chart."""

import math
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

from .svg import INK, MUTED, num, sub, svg_root, to_markup

CHART_WIDTH, CHART_HEIGHT = 720, 240
CHART_LEFT, CHART_BOTTOM, CHART_TOP = 44, 36, 16
BAR_FILL, LATE_FILL = "#0a4d8c", "#b3261e"


def column_chart(
    columns: list[tuple[str, int, int]],
    *,
    title: str,
    description: str,
    id_prefix: str,
    axis_label: str,
    css: str = "chart",
    tick: Callable[[str], str] = str,
) -> SafeString:
    """A column chart of ``columns`` (label, total, of which bad): one column per entry, its bad part
    in red at the bottom; about 13 ticks at most under the axis, each ``tick(label)``. The ``<svg>`` has
    class ``css``, its columns ``<css>-bar`` (and ``<css>-bar--late`` for the red part);
    ``role="img"`` with ``<title>`` and ``<desc>``."""
    viewbox = f"0 0 {CHART_WIDTH} {CHART_HEIGHT}"
    svg = svg_root(viewbox, str(CHART_WIDTH), str(CHART_HEIGHT), css, id_prefix, title, description)
    plot_w = CHART_WIDTH - CHART_LEFT - 8
    plot_h = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    base = CHART_TOP + plot_h
    top = max([total for _label, total, _bad in columns] + [1])
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
    slot = plot_w / max(len(columns), 1)
    bar_w = max(slot * 0.6, 2)
    every = max(1, math.ceil(len(columns) / 13))
    bars = sub(svg, "g", {"class": f"{css}-bars"})
    for i, (label, total, bad) in enumerate(columns):
        x = CHART_LEFT + i * slot + (slot - bar_w) / 2
        height = plot_h * total / top
        bad_h = plot_h * min(bad, total) / top
        if height - bad_h > 0:
            sub(
                bars,
                "rect",
                {
                    "x": num(x),
                    "y": num(base - height),
                    "width": num(bar_w),
                    "height": num(height - bad_h),
                    "fill": BAR_FILL,
                    "class": f"{css}-bar",
                },
            )
        if bad_h > 0:
            sub(
                bars,
                "rect",
                {
                    "x": num(x),
                    "y": num(base - bad_h),
                    "width": num(bar_w),
                    "height": num(bad_h),
                    "fill": LATE_FILL,
                    "class": f"{css}-bar {css}-bar--late",
                },
            )
        if i % every == 0 or i == len(columns) - 1:
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
                tick(label),
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
        axis_label,
    )
    return mark_safe(to_markup(svg))  # noqa: S308 — built by the XML serializer, every text escaped
