"""Drawing a process version's BPMN diagram (``diagram_model.Diagram``) as inline SVG (``render``), with
the words the monitoring pages share (the SVG primitives are ``core.svg``). Re-exported by ``diagram``,
whose docstring says why the SVG is inline and how it stays safe.

``render(diagram, …)`` draws it: pools and lanes with their names written along the left band, tasks as
rounded rectangles, events as circles (end events thicker, intermediate ones doubled, timers with a
clock), gateways as diamonds (X exclusive, + parallel, O inclusive), sequence flows as polylines ending
in an arrowhead (one SVG ``<marker>``), message flows dashed, names where the modeller put them. Steps can
be marked ``done`` (green fill) or ``current`` (thick blue outline, bold name) and annotated with a line
of text (the time spent, e.g. “3,5 giờ”).
"""

import xml.etree.ElementTree as ET  # noqa: S405 — used only to *build* the SVG, never to parse input
from datetime import timedelta

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from congso.core.svg import INK, MUTED, num, sub, svg_root

from .diagram_model import EVENTS, GATEWAYS, TASKS, Box, Diagram, Edge, Shape

MARGIN = 20
FONT_SIZE = 12
CHAR_WIDTH = 6.4  # average advance of a 12 px sans-serif glyph, for wrapping names
CHAR_WIDTH_BOLD = 7.4
LINE_HEIGHT = 14
LANE_BAND = 30

PAPER = "#ffffff"
DONE_FILL, DONE_STROKE = "#e2f3e6", "#1e6b34"
CURRENT_FILL, CURRENT_STROKE = "#e3eefa", "#0a4d8c"
LATE_INK = "#8e1b14"


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


def _text_block(parent, lines, x, y_center, *, anchor="middle", css="bpmn-label", weight=None, fill=INK):
    if not lines:
        return None
    first = y_center - (len(lines) - 1) * LINE_HEIGHT / 2
    text = sub(
        parent,
        "text",
        {
            "x": num(x),
            "y": num(first),
            "text-anchor": anchor,
            "dominant-baseline": "middle",
            "font-size": str(FONT_SIZE),
            "font-weight": weight,
            "fill": fill,
            "class": css,
        },
    )
    for i, line in enumerate(lines):
        sub(text, "tspan", {"x": num(x), "dy": "0" if i == 0 else str(LINE_HEIGHT)}, line)
    return text


def _vertical_label(parent, text: str, band: Box):
    lines = wrap(text, band.height - 8, 2, bold=True)
    cx, cy = band.cx, band.cy
    group = sub(parent, "g", {"transform": f"rotate(-90 {num(cx)} {num(cy)})"})
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
    group = sub(parent, "g", {"class": css, "data-bpmn-id": shape.element_id})
    sub(
        group,
        "rect",
        {
            "x": num(box.x),
            "y": num(box.y),
            "width": num(box.width),
            "height": num(box.height),
            "fill": "none",
            "stroke": MUTED,
            "stroke-width": "1.5",
        },
    )
    if shape.name and box.width > LANE_BAND:
        band = Box(box.x, box.y, LANE_BAND, box.height)
        if shape.kind == "participant":
            sub(
                group,
                "line",
                {
                    "x1": num(box.x + LANE_BAND),
                    "y1": num(box.y),
                    "x2": num(box.x + LANE_BAND),
                    "y2": num(box.y + box.height),
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
    group = sub(parent, "g", {"class": " ".join(classes), "data-bpmn-id": shape.element_id})
    sub(
        group,
        "rect",
        {
            "x": num(box.x),
            "y": num(box.y),
            "width": num(box.width),
            "height": num(box.height),
            "rx": "10",
            "ry": "10",
            "fill": fill if shape.kind != "subProcess" or not shape.expanded else "none",
            "stroke": stroke,
            "stroke-width": width,
        },
    )
    if shape.kind == "serviceTask":
        sub(group, "text", {"x": num(box.x + 6), "y": num(box.y + 14), "font-size": "13", "fill": MUTED}, "⚙")
    if shape.kind == "subProcess":
        lines = wrap(shape.name, box.width - 12, 2)
        _text_block(
            group, lines, box.x + 8, box.y + 14, anchor="start", weight="700" if state == "current" else None
        )
        if not shape.expanded:
            sub(
                group,
                "text",
                {
                    "x": num(box.cx),
                    "y": num(box.y + box.height - 6),
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
    group = sub(parent, "g", {"class": classes, "data-bpmn-id": shape.element_id})
    circle = {"cx": num(box.cx), "cy": num(box.cy), "fill": fill, "stroke": stroke}
    sub(group, "circle", {**circle, "r": num(max(r - 1, 1)), "stroke-width": width})
    if shape.kind in {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}:
        sub(group, "circle", {**circle, "r": num(max(r - 4, 1)), "stroke-width": "1.5", "fill": "none"})
    if shape.event_definition == "terminateEventDefinition":
        sub(group, "circle", {"cx": num(box.cx), "cy": num(box.cy), "r": num(max(r - 8, 1)), "fill": stroke})
    elif shape.event_definition == "timerEventDefinition":
        inner = max(r - 8, 2)
        sub(group, "circle", {**circle, "r": num(inner), "stroke-width": "1.5"})
        sub(
            group,
            "path",
            {
                "d": (
                    f"M{num(box.cx)} {num(box.cy - inner + 2)} V{num(box.cy)} "
                    f"L{num(box.cx + inner / 2)} {num(box.cy + 2)}"
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
    group = sub(
        parent, "g", {"class": f"bpmn-node bpmn-gateway bpmn-{shape.kind}", "data-bpmn-id": shape.element_id}
    )
    corners = [(cx, box.y), (box.x + box.width, cy), (cx, box.y + box.height), (box.x, cy)]
    diamond = " ".join(f"{num(x)},{num(y)}" for x, y in corners)
    sub(group, "polygon", {"points": diamond, "fill": PAPER, "stroke": INK, "stroke-width": "2"})
    k = 0.35
    marker = None
    if shape.kind == "exclusiveGateway":
        marker = (
            f"M{num(cx - hw * k)} {num(cy - hh * k)} L{num(cx + hw * k)} {num(cy + hh * k)} "
            f"M{num(cx + hw * k)} {num(cy - hh * k)} L{num(cx - hw * k)} {num(cy + hh * k)}"
        )
    elif shape.kind == "parallelGateway":
        marker = (
            f"M{num(cx)} {num(cy - hh * 0.5)} V{num(cy + hh * 0.5)} "
            f"M{num(cx - hw * 0.5)} {num(cy)} H{num(cx + hw * 0.5)}"
        )
    if marker is not None:
        sub(
            group,
            "path",
            {"d": marker, "stroke": INK, "stroke-width": "4", "fill": "none", "class": "bpmn-gateway-marker"},
        )
    elif shape.kind in {"inclusiveGateway", "eventBasedGateway", "complexGateway"}:
        sub(
            group,
            "circle",
            {
                "cx": num(cx),
                "cy": num(cy),
                "r": num(min(hw, hh) * 0.45),
                "fill": "none",
                "stroke": INK,
                "stroke-width": "3",
            },
        )
    _outer_label(group, shape)


def _draw_other(parent, shape: Shape):
    box = shape.box
    group = sub(parent, "g", {"class": f"bpmn-node bpmn-{shape.kind}", "data-bpmn-id": shape.element_id})
    if shape.kind == "textAnnotation":
        d = f"M{num(box.x + 12)} {num(box.y)} H{num(box.x)} V{num(box.y + box.height)} H{num(box.x + 12)}"
        sub(group, "path", {"d": d, "fill": "none", "stroke": MUTED, "stroke-width": "1.5"})
        lines = wrap(shape.name, box.width - 8, max(int(box.height // LINE_HEIGHT), 1))
        _text_block(group, lines, box.x + 6, box.cy, anchor="start", fill=MUTED)
        return
    sub(
        group,
        "rect",
        {
            "x": num(box.x),
            "y": num(box.y),
            "width": num(box.width),
            "height": num(box.height),
            "fill": PAPER,
            "stroke": MUTED,
            "stroke-dasharray": "4 3",
        },
    )
    _outer_label(group, shape)


def _draw_edge(parent, edge: Edge, arrow_id: str):
    points = " ".join(f"{num(x)},{num(y)}" for x, y in edge.points)
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
    group = sub(parent, "g", {"data-bpmn-id": edge.element_id})
    sub(group, "polyline", attrs)
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
    arrow_id = f"{id_prefix}-arrow"
    viewbox = f"{num(b.x - MARGIN)} {num(b.y - MARGIN)} {num(width)} {num(height)}"
    svg = svg_root(viewbox, num(width), num(height), "bpmn-diagram", id_prefix, title, description)
    defs = sub(svg, "defs")
    marker = sub(
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
    sub(marker, "path", {"d": "M0 0 L10 5 L0 10 z", "fill": INK})
    containers = sub(svg, "g", {"class": "bpmn-containers"})
    flows = sub(svg, "g", {"class": "bpmn-flows"})
    nodes = sub(svg, "g", {"class": "bpmn-nodes"})
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
