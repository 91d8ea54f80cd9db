"""An outgoing document as a PDF laid out per Decree 30/2020 (Appendix I), and where its signature goes.

The template (``documents/pdf/outgoing.html``) prints the nine mandatory parts: national title and
motto, issuing agency, number and symbol, place and date, type and summary, content, the signer's
authority, title and name, the space for the signature and seal, and the recipients.

The signature's place depends on the length of the content, so the template puts a blank marker image
(``MARKER_SIZE`` pixels, which nothing else has) where the signature image goes. ``signature_box``
finds that image on the last page by following the page's content stream (``q``/``Q``/``cm``) to the
``Do`` that paints it, and returns its box in page coordinates: the signer's signature field is put
exactly there, and the seal over the left third of it.
"""

import base64
import io
import re
from functools import cache

from django.template.loader import render_to_string

from congso.agencies import services as agencies
from congso.core import pdf

MARKER_SIZE = (37, 11)

_TOKEN = re.compile(
    rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>{}%]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'\"*]+|[\[\]{}]"
)
_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)$")


@cache
def marker_data_uri() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", MARKER_SIZE, (255, 255, 255)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def document_context(document) -> dict:
    header = agencies.document_settings_for(document.agency)
    paragraphs = [line.strip() for line in (document.content or "").splitlines() if line.strip()]
    return {
        "document": document,
        "header": header,
        "paragraphs": paragraphs,
        "authority_holder": header.authority_holder,
        "recipients": list(document.recipients.all()) if document.pk else [],
        "signature_marker": marker_data_uri(),
    }


def render_pdf(document) -> bytes:
    """The document's PDF as it is issued (number, symbol and date already set) or as a draft."""
    html = render_to_string("documents/pdf/outgoing.html", document_context(document))
    return pdf.render_html(html, title=document.summary[:200], subject=document.get_document_type_display())


def _multiply(a, b):
    """Matrix product a × b of two PDF matrices ``[a b c d e f]``."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _content_bytes(page) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, list) or hasattr(contents, "__iter__") and not hasattr(contents, "data"):
        return b"\n".join(part.get_object().data for part in contents)
    return contents.data


def _pages(node):
    """The page dictionaries of a page tree, in order."""
    if node.get("/Type") == "/Page":
        yield node
        return
    for kid in node.get("/Kids", []):
        yield from _pages(kid.get_object())


def signature_box(data: bytes):
    """``(page_index, (x1, y1, x2, y2))`` of the signature marker, or ``None`` when there is none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    pages = list(_pages(reader.root["/Pages"].get_object()))
    for index in range(len(pages) - 1, -1, -1):
        page = pages[index]
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        names = {
            name
            for name, ref in xobjects.items()
            if (ref.get_object().get("/Width"), ref.get_object().get("/Height")) == MARKER_SIZE
        }
        if not names:
            continue
        ctm, stack, operands = [1, 0, 0, 1, 0, 0], [], []
        for token in _TOKEN.findall(_content_bytes(page)):
            if _NUMBER.match(token):
                operands.append(float(token))
                continue
            if token.startswith(b"/"):
                operands.append(token.decode("latin-1"))
                continue
            if token == b"q":
                stack.append(ctm)
            elif token == b"Q":
                ctm = stack.pop() if stack else [1, 0, 0, 1, 0, 0]
            elif token == b"cm" and len(operands) >= 6:
                ctm = _multiply([float(v) for v in operands[-6:]], ctm)
            elif token == b"Do" and operands and operands[-1] in names:
                corners = [(x, y) for x in (0, 1) for y in (0, 1)]
                points = [
                    (ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]) for x, y in corners
                ]
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                return index, (min(xs), min(ys), max(xs), max(ys))
            operands = []
    return None
