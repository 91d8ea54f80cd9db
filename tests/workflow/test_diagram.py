"""BPMN DI → SVG on the server: shapes, flows, lanes, highlighting, escaping, and no XXE."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree

from congso.workflow import diagram

BPMN_DIR = Path(diagram.__file__).resolve().parent / "bpmn"
SVG = "{http://www.w3.org/2000/svg}"


def default_file(name: str) -> str:
    return (BPMN_DIR / name).read_text(encoding="utf-8")


def svg_tree(markup: str):
    """The rendered SVG parsed back (it must be well-formed XML)."""
    return etree.fromstring(markup.encode("utf-8"))


def group(tree, element_id: str):
    (found,) = tree.xpath(f'//*[@data-bpmn-id="{element_id}"]')
    return found


def draw(xml, **kwargs):
    parsed = diagram.parse(xml)
    assert parsed is not None
    kwargs.setdefault("title", "Quy trình")
    kwargs.setdefault("description", "Mô tả")
    return diagram.render(parsed, **kwargs)


def test_parse_reads_shapes_edges_and_labels_from_the_di():
    parsed = diagram.parse(default_file("giai-quyet-tai-so.bpmn"))
    kinds = {s.element_id: s.kind for s in parsed.shapes}
    assert kinds["Participant_giai_quyet_tai_so"] == "participant"
    assert kinds["Lane_leader"] == "lane"
    assert kinds["receive"] == "userTask" and kinds["issue_result"] == "serviceTask"
    assert kinds["approved"] == "exclusiveGateway"
    assert (kinds["start"], kinds["end"]) == ("startEvent", "endEvent")
    assert len(parsed.edges) == 11
    rework = next(e for e in parsed.edges if e.element_id == "f_gw_rework")
    assert rework.name == "Xử lý lại" and rework.points[0] == (1110.0, 295.0) and len(rework.points) == 4
    assert rework.label == diagram.Box(940, 448, 60, 14)
    assert parsed.bounds == diagram.Box(160, 60, 1830, 420)
    assert parsed.tasks[:2] == ("receive", "assign")


def test_render_draws_each_kind_of_element():
    tree = svg_tree(draw(default_file("lien-thong-khai-sinh.bpmn")))
    assert tree.tag == f"{SVG}svg"
    # Tasks are rounded rectangles with their names.
    task = group(tree, "register_birth")
    rect = task.find(f"{SVG}rect")
    assert rect.get("rx") == "10" and (rect.get("width"), rect.get("height")) == ("100", "80")
    assert "Đăng ký khai sinh" in " ".join(task.itertext())

    # The leader's signature has its own lane, and its refusal flow goes back to the draft.
    def text_of(element_id):
        return " ".join(group(tree, element_id).itertext()).replace("\n", " ")

    assert "Phê duyệt, ký giấy khai sinh" in text_of("sign_birth")
    assert "Lãnh đạo @ Cơ quan tiếp nhận" in text_of("Lane_leader")
    assert "Không đồng ý" in " ".join(group(tree, "f_gw_rework").itertext())
    # Parallel gateways are diamonds with a +; the end event has the thick stroke.
    split = group(tree, "split")
    assert len(split.find(f"{SVG}polygon").get("points").split()) == 4
    assert split.find(f"{SVG}path").get("d").count("M") == 2
    assert group(tree, "end").find(f"{SVG}circle").get("stroke-width") == "5"
    assert group(tree, "start").find(f"{SVG}circle").get("stroke-width") == "2"
    # Sequence flows are polylines ending in the one arrowhead marker.
    marker = tree.find(f".//{SVG}defs/{SVG}marker")
    flows = tree.findall(f".//{SVG}polyline")
    assert len(flows) == len(diagram.parse(default_file("lien-thong-khai-sinh.bpmn")).edges)
    assert {f.get("marker-end") for f in flows} == {f"url(#{marker.get('id')})"}
    # Lanes carry their names, written along their left band.
    lane = group(tree, "Lane_police")
    assert "Chuyên viên @ Công an" in " ".join(lane.itertext()).replace("\n", " ")
    assert lane.find(f"{SVG}g").get("transform").startswith("rotate(-90")


def test_exclusive_gateway_has_an_x_and_flows_keep_their_names():
    tree = svg_tree(draw(default_file("giai-quyet-tai-so.bpmn")))
    marker = group(tree, "approved").find(f"{SVG}path")
    assert marker.get("class") == "bpmn-gateway-marker"
    # Two diagonal strokes: both coordinates change in each.
    coordinates = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", marker.get("d"))]
    assert coordinates[0] != coordinates[2] and coordinates[1] != coordinates[3]
    assert "Đạt" in " ".join(group(tree, "f_gw_approve").itertext())
    assert group(tree, "issue_result").find(f"{SVG}text").text == "⚙"


def test_accessible_name_and_description_and_nothing_the_csp_would_block():
    markup = draw(
        default_file("chung-thuc-trong-ngay.bpmn"), title="Sơ đồ A", description="Hai bước", id_prefix="x1"
    )
    tree = svg_tree(markup)
    assert tree.get("role") == "img"
    assert tree.get("aria-labelledby") == "x1-title x1-desc"
    assert tree.find(f"{SVG}title").get("id") == "x1-title" and tree.find(f"{SVG}title").text == "Sơ đồ A"
    assert tree.find(f"{SVG}desc").get("id") == "x1-desc" and tree.find(f"{SVG}desc").text == "Hai bước"
    assert tree.find(f".//{SVG}marker").get("id") == "x1-arrow"
    for element in tree.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert etree.QName(element).localname not in {"script", "foreignObject", "style", "a", "image"}


def test_done_and_current_steps_are_highlighted_and_annotated():
    markup = draw(
        default_file("giai-quyet-tai-so.bpmn"),
        states={"receive": "done", "assign": "current"},
        notes={"receive": "3,5 giờ", "assign": "20 phút"},
        flagged={"assign"},
    )
    tree = svg_tree(markup)
    done, current, untouched = group(tree, "receive"), group(tree, "assign"), group(tree, "review")
    assert "bpmn-node--done" in done.get("class").split()
    assert done.find(f"{SVG}rect").get("fill") == diagram.DONE_FILL
    assert "bpmn-node--current" in current.get("class").split()
    assert current.find(f"{SVG}rect").get("stroke-width") == "4"
    assert current.find(f"{SVG}rect").get("stroke") == diagram.CURRENT_STROKE
    assert current.find(f"{SVG}text").get("font-weight") == "700"
    assert "bpmn-node--" not in untouched.get("class")
    assert untouched.find(f"{SVG}rect").get("fill") == diagram.PAPER
    notes = {
        g: [t for t in g.iter(f"{SVG}text") if "bpmn-note" in (t.get("class") or "")] for g in (done, current)
    }
    assert "".join(notes[done][0].itertext()) == "3,5 giờ" and notes[done][0].get("fill") == diagram.INK
    assert "".join(notes[current][0].itertext()) == "20 phút"
    assert notes[current][0].get("fill") == diagram.LATE_INK


HOSTILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:userTask id="t1"
      name="&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; &amp; y"/>
    <bpmn:sequenceFlow id="f1" name="&lt;img src=x onerror=alert(1)&gt;"
      sourceRef="t1" targetRef="t1"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
    <bpmndi:BPMNShape id="t1_di" bpmnElement="t1">
      <dc:Bounds x="10" y="10" width="300" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="bad_di" bpmnElement="t1">
      <dc:Bounds x="NaN" y="1e400" width="10" height="10"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1">
      <di:waypoint x="10" y="10"/><di:waypoint x="50" y="50"/>
      <bpmndi:BPMNLabel><dc:Bounds x="20" y="95" width="300" height="14"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def test_names_are_escaped_and_bad_coordinates_skipped():
    markup = draw(HOSTILE, title='T "<b>', description="<desc>&")
    assert "<script" not in markup and "<img" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup
    tree = svg_tree(markup)
    assert "".join(group(tree, "f1").itertext()).replace("\n", "") == "<img src=x onerror=alert(1)>"
    assert "".join(group(tree, "t1").itertext()).startswith("</text><script>alert(1)</script>")
    assert tree.find(f"{SVG}title").text == 'T "<b>'
    assert tree.find(f"{SVG}desc").text == "<desc>&"
    assert [
        etree.QName(e).localname for e in tree.iter() if etree.QName(e).localname in {"script", "img"}
    ] == []
    assert len(tree.xpath('//*[@data-bpmn-id="t1"]')) == 1  # the shape with NaN / 1e400 bounds is dropped
    assert diagram.parse(HOSTILE).bounds == diagram.Box(10, 10, 310, 99)


XXE = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
  <bpmn:process id="p"><bpmn:task id="t" name="&xxe;"/></bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
    <bpmndi:BPMNShape id="t_di" bpmnElement="t">
      <dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:task id="t" name="&c;"/></bpmn:definitions>"""


@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["external-entity", "entity-expansion"])
def test_files_with_a_doctype_or_entities_are_not_drawn(xml):
    assert diagram.parse(xml) is None


def test_without_di_or_not_bpmn_there_is_no_drawing():
    without = default_file("giai-quyet-tai-so.bpmn").split("<bpmndi:BPMNDiagram")[0] + "</bpmn:definitions>"
    assert diagram.parse(without) is None
    assert diagram.parse("<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert diagram.parse("not xml at all <") is None


def test_of_version_caches_per_file(db):
    from congso.workflow import services

    version = next(v for v in services.load_default_processes() if v.definition.key == "giai-quyet-tai-so")
    assert diagram.of_version(version) is diagram.of_version(version)
    assert diagram.of_version(version).bounds.width == 1830


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (timedelta(minutes=44, seconds=40), "45 phút"),
        (timedelta(hours=3, minutes=30), "3,5 giờ"),
        (timedelta(hours=2, minutes=1), "2 giờ"),
        (timedelta(hours=52, minutes=36), "52,6 giờ"),
        (timedelta(seconds=-5), "0 phút"),
    ],
)
def test_format_duration_in_vietnamese(value, text):
    with translation.override("vi"):
        assert diagram.format_duration(value) == text


def test_wrap_breaks_long_names_and_cuts_with_an_ellipsis():
    assert diagram.wrap("Tiếp nhận, chuyển hồ sơ", 90, 3) == ["Tiếp nhận,", "chuyển hồ sơ"]
    assert diagram.wrap("a" * 30, 65, 5) == ["a" * 10, "a" * 10, "a" * 10]
    cut = diagram.wrap("một hai ba bốn năm sáu bảy tám chín mười", 65, 2)
    assert len(cut) == 2 and cut[-1].endswith("…")


def test_weekly_chart_draws_a_bar_per_week_with_its_late_part():
    markup = diagram.weekly_chart(
        [("Tuần 9/2026", 0, 0), ("Tuần 10/2026", 4, 1), ("Tuần 11/2026", 2, 2)],
        title="Xu hướng <tuần>",
        description="Mô tả",
        id_prefix="trend",
    )
    tree = svg_tree(markup)
    assert tree.get("role") == "img" and tree.get("aria-labelledby") == "trend-title trend-desc"
    assert tree.find(f"{SVG}title").text == "Xu hướng <tuần>"
    bars = tree.findall(f".//{SVG}g[@class='wf-chart-bars']/{SVG}rect")
    late = [b for b in bars if "wf-chart-bar--late" in b.get("class")]
    # Week 10: an on-time part (3/4 of the tallest bar) and a late part; week 11: only a late part,
    # half the height; week 9: nothing.
    heights = {(b.get("class"), b.get("x")): float(b.get("height")) for b in bars}
    assert len(late) == 2
    tallest = max(float(b.get("height")) for b in late)
    assert tallest == pytest.approx((diagram.CHART_HEIGHT - diagram.CHART_BOTTOM - diagram.CHART_TOP) / 2)
    assert sum(h for (css, _x), h in heights.items() if "late" not in css) == pytest.approx(tallest * 3 / 2)
    assert all("style" not in e.attrib for e in tree.iter())
