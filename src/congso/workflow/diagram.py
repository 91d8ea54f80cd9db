"""A process version's BPMN drawing as SVG, made on the server from the file's diagram interchange (DI).

``parse(xml)`` reads the first ``bpmndi:BPMNDiagram`` of a BPMN file: each ``bpmndi:BPMNShape``'s
``dc:Bounds`` (and label bounds), each ``bpmndi:BPMNEdge``'s waypoints, joined to the BPMN element they
draw (pool, lane, task, event, gateway, flow…) for its kind and name. The file is parsed with
``bpmn.parse_xml`` — lxml without DTD loading, entity resolution or network access, and no DOCTYPE at
all — so a drawing cannot reach files or the network (no XXE) or expand entities. A file without DI gives
``None``: the caller shows the text table alone.

``render(diagram, …)`` draws it: pools and lanes with their names written along the left band, tasks as
rounded rectangles, events as circles (end events thicker, intermediate ones doubled, timers with a
clock), gateways as diamonds (X exclusive, + parallel, O inclusive), sequence flows as polylines ending
in an arrowhead (one SVG ``<marker>``), message flows dashed, names where the modeller put them. Steps can
be marked ``done`` (green fill) or ``current`` (thick blue outline, bold name) and annotated with a line
of text (the time spent, e.g. “3,5 giờ”).

Why the SVG is put **inline** in the page rather than served as ``image/svg+xml`` from its own URL: the
page is same-origin HTML under the strict CSP already, the SVG carries no script, no ``style`` attribute
and no foreign content, and every text in it is escaped by the XML serializer; inline, its ``<title>`` and
``<desc>`` reach assistive technology (an ``<img>`` would expose only its ``alt``), the page's stylesheet
styles it (print, forced colours), and the drawing needs no second request nor a second authorisation
check that could drift from the page's. It is ``role="img"`` with ``<title>`` and ``<desc>``; pages put
a table of the same information beside it, since a drawing alone is not accessible.

Colours and strokes are SVG presentation attributes (``fill=``, ``stroke=``), which the CSP allows;
classes (``bpmn-node--done``…) let the stylesheet adjust them.

Where it lives: reading the DI in ``diagram_model``, drawing in ``diagram_svg``, the monitoring chart in
``charts``; this module re-exports their public names.
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
