"""Assertions on markup through its structure, not its spelling: pages are parsed as a browser parses them
(html5lib) and queried with CSS selectors (cssselect2), so attribute order, quoting and whitespace do not
matter, and a test names what it looks for.

    one(page, 'a[aria-current="page"]').text == "Trang làm việc"
    has_link(page, "/can-bo/ho-so/", "Hồ sơ")
    one(page, "#f-so_trang").attrs["value"] == "2"
"""

from dataclasses import dataclass

import cssselect2
import html5lib


@dataclass(frozen=True)
class Element:
    """What a test reads of an element: its tag, attributes and text (whitespace collapsed)."""

    tag: str
    attrs: dict
    text: str
    node: object  # the parsed element, for ``select(element, ...)``

    def __getitem__(self, attribute):
        return self.attrs[attribute]

    def get(self, attribute, default=None):
        return self.attrs.get(attribute, default)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


def _root(markup):
    if isinstance(markup, Element):
        return cssselect2.ElementWrapper.from_html_root(markup.node)
    if hasattr(markup, "content"):  # a test client's response
        markup = markup.content
    if isinstance(markup, bytes):
        markup = markup.decode()
    tree = html5lib.parse(markup, namespaceHTMLElements=False)
    return cssselect2.ElementWrapper.from_html_root(tree)


def _text(node) -> str:
    """The text of ``node`` as a reader sees it: comments left out, a line break read as a space."""
    parts = []

    def walk(element):
        if not isinstance(element.tag, str):  # a comment
            return
        if element.tag == "br":
            parts.append(" ")
        parts.append(element.text or "")
        for child in element:
            walk(child)
            parts.append(child.tail or "")

    walk(node)
    return " ".join("".join(parts).split())


def _element(wrapper) -> Element:
    node = wrapper.etree_element
    return Element(tag=node.tag, attrs=dict(node.attrib), text=_text(node), node=node)


def select(markup, selector: str) -> list[Element]:
    """The elements of ``markup`` (text, bytes, a response or an ``Element``) matching ``selector``."""
    return [_element(wrapper) for wrapper in _root(markup).query_all(selector)]


def one(markup, selector: str) -> Element:
    """The only element matching ``selector``; fails the test if there are none or several."""
    found = select(markup, selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}: {[e.text for e in found]}"
    return found[0]


def texts(markup, selector: str) -> list[str]:
    """The text of each element matching ``selector``, in document order."""
    return [element.text for element in select(markup, selector)]


def links(markup, selector: str = "a[href]") -> list[tuple[str, str]]:
    """(href, text) of each link, in document order."""
    return [(element.attrs["href"], element.text) for element in select(markup, selector)]


def has_link(markup, href: str, text: str | None = None) -> bool:
    """Whether a link to ``href`` is there (with exactly the text ``text`` when given)."""
    return any(
        found_href == href and (text is None or found_text == text)
        for found_href, found_text in links(markup)
    )
