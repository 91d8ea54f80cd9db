"""A BPMN file's drawing as data, read from its diagram interchange (DI): ``Box``, ``Shape``, ``Edge``,
``Diagram``; drawn by ``diagram_svg.render``. Re-exported by ``diagram``.

``parse(xml)`` reads the first ``bpmndi:BPMNDiagram`` of a BPMN file: each ``bpmndi:BPMNShape``'s
``dc:Bounds`` (and label bounds), each ``bpmndi:BPMNEdge``'s waypoints, joined to the BPMN element they
draw (pool, lane, task, event, gateway, flow…) for its kind and name. The file is parsed with
``bpmn.parse_xml`` — lxml without DTD loading, entity resolution or network access, and no DOCTYPE at
all — so a drawing cannot reach files or the network (no XXE) or expand entities. A file without DI gives
``None``: the caller shows the text table alone.
"""

import math
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from . import bpmn, conventions

DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
OMG_DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
MAX_COORDINATE = 1_000_000

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
