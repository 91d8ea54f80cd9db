"""A process version's BPMN drawing as SVG, made on the server from the file's diagram interchange (DI).

``parse(xml)`` reads the drawing from a BPMN file's diagram interchange into boxes, shapes and edges
(``diagram_model``, which says how the file is read safely); ``render(diagram, …)`` draws it as SVG
(``diagram_svg``, which lists what is drawn and how steps are marked); ``weekly_chart`` draws the
monitoring pages' bar chart (``charts``). A file without DI gives ``None``: the caller shows the text
table alone. What follows holds for the drawing and the chart alike.

Why the SVG is put **inline** in the page rather than served as ``image/svg+xml`` from its own URL: the
page is same-origin HTML under the strict CSP already, the SVG carries no script, no ``style`` attribute
and no foreign content, and every text in it is escaped by the XML serializer; inline, its ``<title>`` and
``<desc>`` reach assistive technology (an ``<img>`` would expose only its ``alt``), the page's stylesheet
styles it (print, forced colours), and the drawing needs no second request nor a second authorisation
check that could drift from the page's. It is ``role="img"`` with ``<title>`` and ``<desc>``; pages put
a table of the same information beside it, since a drawing alone is not accessible.

Colours and strokes are SVG presentation attributes (``fill=``, ``stroke=``), which the CSP allows;
classes (``bpmn-node--done``…) let the stylesheet adjust them.

This module re-exports the public names of the three.
"""

from .charts import (
    BAR_FILL,
    CHART_BOTTOM,
    CHART_HEIGHT,
    CHART_LEFT,
    CHART_TOP,
    CHART_WIDTH,
    LATE_FILL,
    weekly_chart,
)
from .diagram_model import EVENTS, GATEWAYS, TASKS, Box, Diagram, Edge, Shape, of_version, parse
from .diagram_svg import (
    CURRENT_FILL,
    CURRENT_STROKE,
    DONE_FILL,
    DONE_STROKE,
    INK,
    LATE_INK,
    MUTED,
    PAPER,
    format_duration,
    render,
    wrap,
)

__all__ = [
    "BAR_FILL",
    "CHART_BOTTOM",
    "CHART_HEIGHT",
    "CHART_LEFT",
    "CHART_TOP",
    "CHART_WIDTH",
    "CURRENT_FILL",
    "CURRENT_STROKE",
    "DONE_FILL",
    "DONE_STROKE",
    "EVENTS",
    "GATEWAYS",
    "INK",
    "LATE_FILL",
    "LATE_INK",
    "MUTED",
    "PAPER",
    "TASKS",
    "Box",
    "Diagram",
    "Edge",
    "Shape",
    "format_duration",
    "of_version",
    "parse",
    "render",
    "weekly_chart",
    "wrap",
]
