"""The breakdowns' chart: one horizontal bar per agency, procedure, field or commune (their names are
too long to sit under columns), the dossiers with a result, the late part in red at its start. Drawn on
the server as inline SVG (``core.svg``); the page shows the same figures in a table beside it."""

from django.utils.safestring import SafeString, mark_safe

from congso.core.charts import BAR_FILL, LATE_FILL
from congso.core.svg import INK, num, sub, svg_root, to_markup

WIDTH = 720
LABEL_WIDTH = 300  # the names, cut to LABEL_CHARS with an ellipsis; the table has them whole
LABEL_CHARS = 44
ROW_HEIGHT, TOP, BOTTOM = 22, 8, 8
MAX_BARS = 15


def _cut(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    bars: list[tuple[str, int, int]], *, title: str, description: str, id_prefix: str
) -> SafeString:
    """Horizontal bars of ``bars`` (name, total, of which bad), at most ``MAX_BARS`` of the largest
    totals, largest first; each bar's figure written at its end."""
    shown = sorted(bars, key=lambda bar: -bar[1])[:MAX_BARS]
    height = TOP + BOTTOM + ROW_HEIGHT * max(len(shown), 1)
    svg = svg_root(f"0 0 {WIDTH} {height}", str(WIDTH), str(height), "chart", id_prefix, title, description)
    plot_w = WIDTH - LABEL_WIDTH - 60
    top = max([total for _name, total, _bad in shown] + [1])
    sub(
        svg,
        "line",
        {
            "x1": str(LABEL_WIDTH),
            "y1": str(TOP),
            "x2": str(LABEL_WIDTH),
            "y2": num(height - BOTTOM),
            "stroke": INK,
        },
    )
    group = sub(svg, "g", {"class": "chart-bars"})
    for i, (name, total, bad) in enumerate(shown):
        y = TOP + i * ROW_HEIGHT
        width = plot_w * total / top
        bad_w = plot_w * min(bad, total) / top
        sub(
            group,
            "text",
            {
                "x": str(LABEL_WIDTH - 6),
                "y": num(y + ROW_HEIGHT / 2),
                "text-anchor": "end",
                "dominant-baseline": "middle",
                "font-size": "12",
                "fill": INK,
            },
            _cut(name),
        )
        if bad_w > 0:
            sub(
                group,
                "rect",
                {
                    "x": str(LABEL_WIDTH),
                    "y": num(y + 4),
                    "width": num(bad_w),
                    "height": str(ROW_HEIGHT - 8),
                    "fill": LATE_FILL,
                    "class": "chart-bar chart-bar--late",
                },
            )
        if width - bad_w > 0:
            sub(
                group,
                "rect",
                {
                    "x": num(LABEL_WIDTH + bad_w),
                    "y": num(y + 4),
                    "width": num(width - bad_w),
                    "height": str(ROW_HEIGHT - 8),
                    "fill": BAR_FILL,
                    "class": "chart-bar",
                },
            )
        sub(
            group,
            "text",
            {
                "x": num(LABEL_WIDTH + width + 6),
                "y": num(y + ROW_HEIGHT / 2),
                "dominant-baseline": "middle",
                "font-size": "12",
                "fill": INK,
            },
            f"{total} ({bad})" if bad else str(total),
        )
    return mark_safe(to_markup(svg))  # noqa: S308 — built by the XML serializer, every text escaped
