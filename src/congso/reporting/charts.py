"""The breakdowns' chart: one horizontal bar per agency, procedure, field or commune, its name written
above it (names are too long to sit under columns or beside bars on a phone), the dossiers with a result,
the late part in red at its start. Drawn on the server as inline SVG (``core.svg``), narrow enough to
stay legible when a phone scales it down; the page shows the same figures in a table beside it."""

from django.utils.safestring import SafeString, mark_safe

from congso.core.charts import BAR_FILL, LATE_FILL
from congso.core.svg import INK, num, sub, svg_root, to_markup

WIDTH = 420
LABEL_CHARS = 52  # names are cut with an ellipsis; the table has them whole
ROW_HEIGHT, BAR_HEIGHT, TOP, BOTTOM = 36, 12, 4, 4
FIGURE_ROOM = 64  # for the figure written after the longest bar
FONT_SIZE = "13"
MAX_BARS = 15


def _cut(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    bars: list[tuple[str, int, int]], *, title: str, description: str, id_prefix: str
) -> SafeString:
    """Horizontal bars of ``bars`` (name, total, of which bad), at most ``MAX_BARS`` of the largest
    totals, largest first; each bar's figure written at its end, "total (bad)" when some are bad."""
    shown = sorted(bars, key=lambda bar: -bar[1])[:MAX_BARS]
    height = TOP + BOTTOM + ROW_HEIGHT * max(len(shown), 1)
    svg = svg_root(f"0 0 {WIDTH} {height}", str(WIDTH), str(height), "chart", id_prefix, title, description)
    plot_w = WIDTH - FIGURE_ROOM
    top = max([total for _name, total, _bad in shown] + [1])
    group = sub(svg, "g", {"class": "chart-bars"})
    for i, (name, total, bad) in enumerate(shown):
        y = TOP + i * ROW_HEIGHT
        bar_y = y + ROW_HEIGHT - BAR_HEIGHT - 6
        width, bad_w = plot_w * total / top, plot_w * min(bad, total) / top
        sub(group, "text", {"x": "0", "y": num(bar_y - 4), "font-size": FONT_SIZE, "fill": INK}, _cut(name))
        for x, w, fill, css in (
            (0, bad_w, LATE_FILL, "chart-bar chart-bar--late"),
            (bad_w, width - bad_w, BAR_FILL, "chart-bar"),
        ):
            if w > 0:
                attrs = {"x": num(x), "y": num(bar_y), "width": num(w), "height": str(BAR_HEIGHT)}
                sub(group, "rect", {**attrs, "fill": fill, "class": css})
        figure = f"{total} ({bad})" if bad else str(total)
        attrs = {"x": num(width + 6), "y": num(bar_y + BAR_HEIGHT - 1), "font-size": FONT_SIZE, "fill": INK}
        sub(group, "text", attrs, figure)
    return mark_safe(to_markup(svg))  # noqa: S308 — built by the XML serializer, every text escaped
