"""Primitives for drawing inline SVG on the server (diagrams and charts of any block): the root element
named for screen readers (``svg_root``), child elements (``sub``), coordinates as text (``num``) and the
ink colours. Inline because the strict Content-Security-Policy allows no script or inline style, and an
``<svg>`` built with ``xml.etree`` has every text escaped by the serializer."""

import xml.etree.ElementTree as ET  # noqa: S405 — used only to *build* SVG, never to parse input

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "system-ui, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"

INK = "#1b1f24"
MUTED = "#4a5563"


def num(value: float) -> str:
    """A coordinate as SVG text: one decimal at most, none when whole."""
    text = f"{round(value, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


def sub(parent, tag: str, attrs: dict | None = None, text: str | None = None):
    """A child element of ``parent``; attributes whose value is ``None`` are left out."""
    node = ET.SubElement(parent, tag, {k: v for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        node.text = text
    return node


def svg_root(viewbox: str, width: str, height: str, css: str, id_prefix: str, title: str, description: str):
    """An ``<svg role="img">`` element named by its ``<title>`` and ``<desc>`` (ids ``<id_prefix>-title``
    and ``<id_prefix>-desc``), the start of every drawing and chart."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": viewbox,
            "width": width,
            "height": height,
            "role": "img",
            "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
            "focusable": "false",
            "class": css,
            "font-family": FONT_FAMILY,
        },
    )
    sub(svg, "title", {"id": f"{id_prefix}-title"}, title)
    sub(svg, "desc", {"id": f"{id_prefix}-desc"}, description)
    return svg


def to_markup(svg) -> str:
    """The element as markup (every text and attribute escaped by the serializer)."""
    return ET.tostring(svg, encoding="unicode")
