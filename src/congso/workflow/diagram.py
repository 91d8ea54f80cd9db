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
"""

import math
import xml.etree.ElementTree as ET  # noqa: S405 — used only to *build* the SVG, never to parse input
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from lxml import etree

from . import bpmn, conventions

DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
OMG_DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
SVG_NS = "http://www.w3.org/2000/svg"

MARGIN = 20
MAX_COORDINATE = 1_000_000
FONT_SIZE = 12
CHAR_WIDTH = 6.4  # average advance of a 12 px sans-serif glyph, for wrapping names
CHAR_WIDTH_BOLD = 7.4
LINE_HEIGHT = 14
LANE_BAND = 30

INK = "#1b1f24"
MUTED = "#4a5563"
PAPER = "#ffffff"
DONE_FILL, DONE_STROKE = "#e2f3e6", "#1e6b34"
CURRENT_FILL, CURRENT_STROKE = "#e3eefa", "#0a4d8c"
LATE_INK = "#8e1b14"

TASKS = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Shape:
    element_id: str
    kind: str  # the BPMN element's local name: userTask, lane, participant, exclusiveGateway…
    name: str
    box: Box
    label: Box | None = None
    event_definition: str = ""  # timerEventDefinition, terminateEventDefinition…
    expanded: bool = True


@dataclass(frozen=True)
class Edge:
    element_id: str
    kind: str  # sequenceFlow, messageFlow, association
    name: str
    points: tuple[tuple[float, float], ...]
    label: Box | None = None


@dataclass(frozen=True)
class Diagram:
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]
    bounds: Box
    tasks: tuple[str, ...] = field(default=())  # ids of the activities, in drawing order


# --- Reading the DI -----------------------------------------------------------------------------------


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or abs(number) > MAX_COORDINATE:
        return None
    return number


def _bounds(node) -> Box | None:
    found = node.find(f"{{{DC_NS}}}Bounds")
    if found is None:
        return None
    values = [_number(found.get(a)) for a in ("x", "y", "width", "height")]
    if any(v is None for v in values) or values[2] < 0 or values[3] < 0:
        return None
    return Box(*values)


def _label_bounds(node) -> Box | None:
    label = node.find(f"{{{DI_NS}}}BPMNLabel")
    return _bounds(label) if label is not None else None


def _name(element) -> str:
    if element is None:
        return ""
    name = element.get("name")
    if name is None and _local(element) == "textAnnotation":
        text = element.find(f"{{{conventions.BPMN_NS}}}text")
        name = text.text if text is not None else ""
    return " ".join((name or "").split())


def _event_definition(element) -> str:
    for child in element if element is not None else ():
        name = _local(child)
        if name.endswith("EventDefinition"):
            return name
    return ""


def parse(xml) -> Diagram | None:
    """The drawing of a BPMN file (text or bytes), or ``None`` when it has no usable DI or is not a BPMN
    file. Raises nothing."""
    root = bpmn.parse_xml(xml)
    if root is None:
        return None
    semantic = {
        el.get("id"): el
        for el in root.iter()
        if isinstance(el.tag, str) and el.get("id") and etree.QName(el).namespace == conventions.BPMN_NS
    }
    plane = next(root.iter(f"{{{DI_NS}}}BPMNPlane"), None)
    if plane is None:
        return None
    shapes, edges = [], []
    for node in plane:
        kind = _local(node)
        element = semantic.get(node.get("bpmnElement") or "")
        if kind == "BPMNShape":
            box = _bounds(node)
            if box is None:
                continue
            element_kind = _local(element) if element is not None else "unknown"
            shapes.append(
                Shape(
                    element_id=node.get("bpmnElement") or "",
                    kind=element_kind,
                    name=_name(element),
                    box=box,
                    label=_label_bounds(node),
                    event_definition=_event_definition(element),
                    expanded=(node.get("isExpanded") or "true").lower() != "false",
                )
            )
        elif kind == "BPMNEdge":
            points = []
            for point in node.iter(f"{{{OMG_DI_NS}}}waypoint"):
                x, y = _number(point.get("x")), _number(point.get("y"))
                if x is not None and y is not None:
                    points.append((x, y))
            if len(points) >= 2:
                edges.append(
                    Edge(
                        element_id=node.get("bpmnElement") or "",
                        kind=_local(element) if element is not None else "unknown",
                        name=_name(element),
                        points=tuple(points),
                        label=_label_bounds(node),
                    )
                )
    if not shapes:
        return None
    return Diagram(
        shapes=tuple(shapes),
        edges=tuple(edges),
        bounds=_extent(shapes, edges),
        tasks=tuple(s.element_id for s in shapes if s.kind in TASKS or s.kind == "subProcess"),
    )


def _extent(shapes, edges) -> Box:
    xs, ys = [], []
    for shape in shapes:
        for box in (shape.box, shape.label):
            if box is not None:
                xs += [box.x, box.x + box.width]
                ys += [box.y, box.y + box.height]
    for edge in edges:
        xs += [p[0] for p in edge.points]
        ys += [p[1] for p in edge.points]
        if edge.label is not None:
            xs += [edge.label.x, edge.label.x + edge.label.width]
            ys += [edge.label.y, edge.label.y + edge.label.height]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


@lru_cache(maxsize=64)
def _parse_cached(version_pk, sha256: str, xml: str) -> Diagram | None:
    return parse(xml)


def of_version(version) -> Diagram | None:
    """The drawing of a ``ProcessVersion`` (cached per version and file hash)."""
    return _parse_cached(version.pk, version.sha256, version.bpmn_xml)


# --- Words ----------------------------------------------------------------------------------------------


def format_duration(value: timedelta | None) -> str:
    """A time spent as officers read it: “45 phút” under an hour, else hours with one decimal in the
    active language's notation (“3,5 giờ”, “2 giờ”); “—” when unknown."""
    if value is None:
        return "—"
    seconds = max(value.total_seconds(), 0)
    if seconds < 3600:
        return _("%(n)s phút") % {"n": int(round(seconds / 60))}
    value = round(seconds / 3600, 1)
    text = number_format(int(value)) if value == int(value) else number_format(value, 1)
    return _("%(n)s giờ") % {"n": text}


def wrap(text: str, width: float, max_lines: int, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines that fit ``width`` pixels (estimated), at most ``max_lines``; a cut
    last line ends with “…”."""
    per_line = max(int(width // (CHAR_WIDTH_BOLD if bold else CHAR_WIDTH)), 4)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > per_line:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= per_line:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(per_line - 1, 1)].rstrip() + "…"
    return lines


# --- Drawing -------------------------------------------------------------------------------------------


def _n(value: float) -> str:
    text = f"{round(value, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _sub(parent, tag: str, attrs: dict | None = None, text: str | None = None):
    node = ET.SubElement(parent, tag, {k: v for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        node.text = text
    return node


def _text_block(parent, lines, x, y_center, *, anchor="middle", css="bpmn-label", weight=None, fill=INK):
    if not lines:
        return None
    first = y_center - (len(lines) - 1) * LINE_HEIGHT / 2
    text = _sub(
        parent,
        "text",
        {
            "x": _n(x),
            "y": _n(first),
            "text-anchor": anchor,
            "dominant-baseline": "middle",
            "font-size": str(FONT_SIZE),
            "font-weight": weight,
            "fill": fill,
            "class": css,
        },
    )
    for i, line in enumerate(lines):
        _sub(text, "tspan", {"x": _n(x), "dy": "0" if i == 0 else str(LINE_HEIGHT)}, line)
    return text


def _vertical_label(parent, text: str, band: Box):
    lines = wrap(text, band.height - 8, 2, bold=True)
    cx, cy = band.cx, band.cy
    group = _sub(parent, "g", {"transform": f"rotate(-90 {_n(cx)} {_n(cy)})"})
    _text_block(group, lines, cx, cy, css="bpmn-lane-label", weight="700")


def _state_colours(state: str | None) -> tuple[str, str, str]:
    if state == "done":
        return DONE_FILL, DONE_STROKE, "2"
    if state == "current":
        return CURRENT_FILL, CURRENT_STROKE, "4"
    return PAPER, INK, "2"


def _draw_container(parent, shape: Shape):
    box = shape.box
    css = "bpmn-pool" if shape.kind == "participant" else "bpmn-lane"
    group = _sub(parent, "g", {"class": css, "data-bpmn-id": shape.element_id})
    _sub(
        group,
        "rect",
        {
            "x": _n(box.x),
            "y": _n(box.y),
            "width": _n(box.width),
            "height": _n(box.height),
            "fill": "none",
            "stroke": MUTED,
            "stroke-width": "1.5",
        },
    )
    if shape.name and box.width > LANE_BAND:
        band = Box(box.x, box.y, LANE_BAND, box.height)
        if shape.kind == "participant":
            _sub(
                group,
                "line",
                {
                    "x1": _n(box.x + LANE_BAND),
                    "y1": _n(box.y),
                    "x2": _n(box.x + LANE_BAND),
                    "y2": _n(box.y + box.height),
                    "stroke": MUTED,
                    "stroke-width": "1.5",
                },
            )
        _vertical_label(group, shape.name, band)


def _draw_task(parent, shape: Shape, state, note, flagged):
    box = shape.box
    fill, stroke, width = _state_colours(state)
    classes = ["bpmn-node", "bpmn-task", f"bpmn-{shape.kind}"]
    if state:
        classes.append(f"bpmn-node--{state}")
    group = _sub(parent, "g", {"class": " ".join(classes), "data-bpmn-id": shape.element_id})
    _sub(
        group,
        "rect",
        {
            "x": _n(box.x),
            "y": _n(box.y),
            "width": _n(box.width),
            "height": _n(box.height),
            "rx": "10",
            "ry": "10",
            "fill": fill if shape.kind != "subProcess" or not shape.expanded else "none",
            "stroke": stroke,
            "stroke-width": width,
        },
    )
    if shape.kind == "serviceTask":
        _sub(group, "text", {"x": _n(box.x + 6), "y": _n(box.y + 14), "font-size": "13", "fill": MUTED}, "⚙")
    if shape.kind == "subProcess":
        lines = wrap(shape.name, box.width - 12, 2)
        _text_block(
            group, lines, box.x + 8, box.y + 14, anchor="start", weight="700" if state == "current" else None
        )
        if not shape.expanded:
            _sub(
                group,
                "text",
                {
                    "x": _n(box.cx),
                    "y": _n(box.y + box.height - 6),
                    "text-anchor": "middle",
                    "font-size": "14",
                    "fill": INK,
                },
                "⊞",
            )
        return
    note_lines = 1 if note else 0
    room = max(int((box.height - 8) // LINE_HEIGHT) - note_lines, 1)
    lines = wrap(shape.name, box.width - 10, room, bold=state == "current")
    centre = box.cy - (LINE_HEIGHT / 2 if note else 0)
    _text_block(group, lines, box.cx, centre, weight="700" if state == "current" else None)
    if note:
        _text_block(
            group,
            [note],
            box.cx,
            box.y + box.height - 10,
            css="bpmn-note" + (" bpmn-note--late" if flagged else ""),
            weight="700",
            fill=LATE_INK if flagged else INK,
        )


def _outer_label(parent, shape: Shape, default_below: bool = True):
    if not shape.name:
        return
    label = shape.label
    if label is None:
        width = max(shape.box.width * 2.2, 90)
        label = Box(shape.box.cx - width / 2, shape.box.y + shape.box.height + 4, width, 28)
    lines = wrap(shape.name, max(label.width, 60), 3)
    _text_block(
        parent, lines, label.cx, label.y + (len(lines) * LINE_HEIGHT) / 2, css="bpmn-label bpmn-label--outer"
    )


def _draw_event(parent, shape: Shape, state):
    box = shape.box
    r = min(box.width, box.height) / 2
    fill, stroke, _width = _state_colours(state)
    width = {"endEvent": "5", "startEvent": "2"}.get(shape.kind, "1.5")
    classes = f"bpmn-node bpmn-event bpmn-{shape.kind}" + (f" bpmn-node--{state}" if state else "")
    group = _sub(parent, "g", {"class": classes, "data-bpmn-id": shape.element_id})
    circle = {"cx": _n(box.cx), "cy": _n(box.cy), "fill": fill, "stroke": stroke}
    _sub(group, "circle", {**circle, "r": _n(max(r - 1, 1)), "stroke-width": width})
    if shape.kind in {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}:
        _sub(group, "circle", {**circle, "r": _n(max(r - 4, 1)), "stroke-width": "1.5", "fill": "none"})
    if shape.event_definition == "terminateEventDefinition":
        _sub(group, "circle", {"cx": _n(box.cx), "cy": _n(box.cy), "r": _n(max(r - 8, 1)), "fill": stroke})
    elif shape.event_definition == "timerEventDefinition":
        inner = max(r - 8, 2)
        _sub(group, "circle", {**circle, "r": _n(inner), "stroke-width": "1.5"})
        _sub(
            group,
            "path",
            {
                "d": (
                    f"M{_n(box.cx)} {_n(box.cy - inner + 2)} V{_n(box.cy)} "
                    f"L{_n(box.cx + inner / 2)} {_n(box.cy + 2)}"
                ),
                "fill": "none",
                "stroke": stroke,
                "stroke-width": "1.5",
            },
        )
    _outer_label(group, shape)


def _draw_gateway(parent, shape: Shape):
    box = shape.box
    cx, cy, hw, hh = box.cx, box.cy, box.width / 2, box.height / 2
    group = _sub(
        parent, "g", {"class": f"bpmn-node bpmn-gateway bpmn-{shape.kind}", "data-bpmn-id": shape.element_id}
    )
    corners = [(cx, box.y), (box.x + box.width, cy), (cx, box.y + box.height), (box.x, cy)]
    diamond = " ".join(f"{_n(x)},{_n(y)}" for x, y in corners)
    _sub(group, "polygon", {"points": diamond, "fill": PAPER, "stroke": INK, "stroke-width": "2"})
    k = 0.35
    if shape.kind == "exclusiveGateway":
        d = (
            f"M{_n(cx - hw * k)} {_n(cy - hh * k)} L{_n(cx + hw * k)} {_n(cy + hh * k)} "
            f"M{_n(cx + hw * k)} {_n(cy - hh * k)} L{_n(cx - hw * k)} {_n(cy + hh * k)}"
        )
        _sub(
            group,
            "path",
            {"d": d, "stroke": INK, "stroke-width": "4", "fill": "none", "class": "bpmn-gateway-marker"},
        )
    elif shape.kind == "parallelGateway":
        d = (
            f"M{_n(cx)} {_n(cy - hh * 0.5)} V{_n(cy + hh * 0.5)} "
            f"M{_n(cx - hw * 0.5)} {_n(cy)} H{_n(cx + hw * 0.5)}"
        )
        _sub(
            group,
            "path",
            {"d": d, "stroke": INK, "stroke-width": "4", "fill": "none", "class": "bpmn-gateway-marker"},
        )
    elif shape.kind in {"inclusiveGateway", "eventBasedGateway", "complexGateway"}:
        _sub(
            group,
            "circle",
            {
                "cx": _n(cx),
                "cy": _n(cy),
                "r": _n(min(hw, hh) * 0.45),
                "fill": "none",
                "stroke": INK,
                "stroke-width": "3",
            },
        )
    _outer_label(group, shape)


def _draw_other(parent, shape: Shape):
    box = shape.box
    group = _sub(parent, "g", {"class": f"bpmn-node bpmn-{shape.kind}", "data-bpmn-id": shape.element_id})
    if shape.kind == "textAnnotation":
        d = f"M{_n(box.x + 12)} {_n(box.y)} H{_n(box.x)} V{_n(box.y + box.height)} H{_n(box.x + 12)}"
        _sub(group, "path", {"d": d, "fill": "none", "stroke": MUTED, "stroke-width": "1.5"})
        lines = wrap(shape.name, box.width - 8, max(int(box.height // LINE_HEIGHT), 1))
        _text_block(group, lines, box.x + 6, box.cy, anchor="start", fill=MUTED)
        return
    _sub(
        group,
        "rect",
        {
            "x": _n(box.x),
            "y": _n(box.y),
            "width": _n(box.width),
            "height": _n(box.height),
            "fill": PAPER,
            "stroke": MUTED,
            "stroke-dasharray": "4 3",
        },
    )
    _outer_label(group, shape)


def _draw_edge(parent, edge: Edge, arrow_id: str):
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in edge.points)
    attrs = {
        "points": points,
        "fill": "none",
        "stroke": INK,
        "stroke-width": "1.5",
        "class": f"bpmn-flow bpmn-{edge.kind}",
    }
    if edge.kind == "sequenceFlow":
        attrs["marker-end"] = f"url(#{arrow_id})"
    elif edge.kind == "messageFlow":
        attrs.update({"stroke-dasharray": "6 4", "marker-end": f"url(#{arrow_id})"})
    else:
        attrs.update({"stroke-dasharray": "2 3", "stroke": MUTED})
    group = _sub(parent, "g", {"data-bpmn-id": edge.element_id})
    _sub(group, "polyline", attrs)
    if edge.name:
        label = edge.label
        if label is None:
            (x1, y1), (x2, y2) = edge.points[0], edge.points[1]
            label = Box((x1 + x2) / 2 - 40, (y1 + y2) / 2 - 18, 80, 14)
        lines = wrap(edge.name, max(label.width, 60), 2)
        _text_block(
            group,
            lines,
            label.cx,
            label.y + (len(lines) * LINE_HEIGHT) / 2,
            css="bpmn-label bpmn-label--flow",
        )


def render(
    diagram: Diagram,
    *,
    title: str,
    description: str,
    id_prefix: str = "bpmn",
    states: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    flagged: set[str] | frozenset[str] = frozenset(),
) -> SafeString:
    """The SVG markup of ``diagram`` (safe to put in a template as is).

    ``title`` and ``description`` become ``<title>`` and ``<desc>`` (the accessible name and
    description); ``id_prefix`` keeps the ids unique when a page holds several drawings; ``states`` maps
    BPMN element ids to ``"done"`` or ``"current"``; ``notes`` maps task ids to one line written inside the
    task (e.g. the time spent); ``flagged`` task ids have their note in red (late or overdue).
    """
    states = states or {}
    notes = notes or {}
    b = diagram.bounds
    width, height = b.width + 2 * MARGIN, b.height + 2 * MARGIN
    title_id, desc_id, arrow_id = f"{id_prefix}-title", f"{id_prefix}-desc", f"{id_prefix}-arrow"
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"{_n(b.x - MARGIN)} {_n(b.y - MARGIN)} {_n(width)} {_n(height)}",
            "width": _n(width),
            "height": _n(height),
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "focusable": "false",
            "class": "bpmn-diagram",
            "font-family": "system-ui, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif",
        },
    )
    _sub(svg, "title", {"id": title_id}, title)
    _sub(svg, "desc", {"id": desc_id}, description)
    defs = _sub(svg, "defs")
    marker = _sub(
        defs,
        "marker",
        {
            "id": arrow_id,
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "8",
            "markerHeight": "8",
            "orient": "auto-start-reverse",
            "markerUnits": "userSpaceOnUse",
        },
    )
    _sub(marker, "path", {"d": "M0 0 L10 5 L0 10 z", "fill": INK})
    containers = _sub(svg, "g", {"class": "bpmn-containers"})
    flows = _sub(svg, "g", {"class": "bpmn-flows"})
    nodes = _sub(svg, "g", {"class": "bpmn-nodes"})
    for shape in diagram.shapes:
        if shape.kind in {"participant", "lane"}:
            _draw_container(containers, shape)
        elif shape.kind in TASKS or shape.kind == "subProcess":
            target = containers if shape.kind == "subProcess" and shape.expanded else nodes
            _draw_task(
                target,
                shape,
                states.get(shape.element_id),
                notes.get(shape.element_id),
                shape.element_id in flagged,
            )
        elif shape.kind in EVENTS:
            _draw_event(nodes, shape, states.get(shape.element_id))
        elif shape.kind in GATEWAYS:
            _draw_gateway(nodes, shape)
        else:
            _draw_other(nodes, shape)
    for edge in diagram.edges:
        _draw_edge(flows, edge, arrow_id)
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 — built by the XML serializer, every text escaped


# --- Charts --------------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 720, 240
CHART_LEFT, CHART_BOTTOM, CHART_TOP = 44, 36, 16
BAR_FILL, LATE_FILL = "#0a4d8c", "#b3261e"


def weekly_chart(
    weeks: list[tuple[str, int, int]], *, title: str, description: str, id_prefix: str
) -> SafeString:
    """A bar chart of ``weeks`` (label, completed, of which late): one bar per week, its late part in
    red at the bottom. ``role="img"`` with ``<title>`` and ``<desc>``; pages show the same figures in a
    table next to it."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {CHART_WIDTH} {CHART_HEIGHT}",
            "width": str(CHART_WIDTH),
            "height": str(CHART_HEIGHT),
            "role": "img",
            "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
            "focusable": "false",
            "class": "wf-chart",
            "font-family": "system-ui, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif",
        },
    )
    _sub(svg, "title", {"id": f"{id_prefix}-title"}, title)
    _sub(svg, "desc", {"id": f"{id_prefix}-desc"}, description)
    plot_w = CHART_WIDTH - CHART_LEFT - 8
    plot_h = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    base = CHART_TOP + plot_h
    top = max([done for _label, done, _late in weeks] + [1])
    _sub(
        svg,
        "line",
        {"x1": str(CHART_LEFT), "y1": _n(base), "x2": str(CHART_WIDTH - 8), "y2": _n(base), "stroke": INK},
    )
    _sub(
        svg,
        "line",
        {"x1": str(CHART_LEFT), "y1": str(CHART_TOP), "x2": str(CHART_LEFT), "y2": _n(base), "stroke": INK},
    )
    for value, y in ((top, CHART_TOP), (0, base)):
        _sub(
            svg,
            "text",
            {
                "x": str(CHART_LEFT - 6),
                "y": _n(y),
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
    bars = _sub(svg, "g", {"class": "wf-chart-bars"})
    for i, (label, done, late) in enumerate(weeks):
        x = CHART_LEFT + i * slot + (slot - bar_w) / 2
        height = plot_h * done / top
        late_h = plot_h * min(late, done) / top
        if height - late_h > 0:
            _sub(
                bars,
                "rect",
                {
                    "x": _n(x),
                    "y": _n(base - height),
                    "width": _n(bar_w),
                    "height": _n(height - late_h),
                    "fill": BAR_FILL,
                    "class": "wf-chart-bar",
                },
            )
        if late_h > 0:
            _sub(
                bars,
                "rect",
                {
                    "x": _n(x),
                    "y": _n(base - late_h),
                    "width": _n(bar_w),
                    "height": _n(late_h),
                    "fill": LATE_FILL,
                    "class": "wf-chart-bar wf-chart-bar--late",
                },
            )
        if i % every == 0 or i == len(weeks) - 1:
            short = label.split()[-1].split("/")[0] if label else ""
            _sub(
                svg,
                "text",
                {
                    "x": _n(x + bar_w / 2),
                    "y": _n(base + 14),
                    "text-anchor": "middle",
                    "font-size": "11",
                    "fill": INK,
                },
                short,
            )
    _sub(
        svg,
        "text",
        {
            "x": _n(CHART_LEFT + plot_w / 2),
            "y": str(CHART_HEIGHT - 4),
            "text-anchor": "middle",
            "font-size": "11",
            "fill": MUTED,
        },
        _("Tuần (ISO)"),
    )
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 — built by the XML serializer, every text escaped
