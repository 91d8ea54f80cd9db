"""HTML → PDF for the documents the platform issues (standard forms, registers, reports), and QR codes.

Rendering uses xhtml2pdf (pure Python, so the demo runs on a machine with nothing but Python) and the
Noto Sans family from the ``fontpkg-noto-sans`` package, which covers every Vietnamese letter with its
diacritics as a precomposed glyph.

Fonts. The package ships Noto Sans only as *variable* fonts (one file per style, weight as an axis).
ReportLab, under xhtml2pdf, reads a variable font's default outlines only — the regular weight — so a
bold face has to be made: ``font_files()`` cuts static Regular / Bold / Italic / Bold Italic instances
out of the variable files with fontTools (subset to Latin, Vietnamese, Greek, Cyrillic and common
symbols; no OpenType layout tables, which ReportLab ignores anyway), once, into a cache directory
(``CONGSO_PDF_FONT_DIR``, default ``<VAR_DIR>/fonts``). The first render in a fresh installation takes
about two seconds for that; later ones read the cache. Without fontTools the variable files are used as
they are and bold text falls back to the regular weight (a warning is logged once).

Vietnamese administrative documents are conventionally set in Times New Roman (Decree 30/2020); Noto
Sans is wider, so templates use slightly smaller sizes than the decree's 13–14 pt to keep its
proportions (see ``dossiers/templates/dossiers/standard_forms/base.html``).

Text is normalised to Unicode NFC before rendering: ReportLab does not position combining marks, so a
name typed with decomposed diacritics (NFD, as some keyboards and macOS produce) would print its tone
marks beside the letters instead of on them.

Security: templates are ours, but they print applicant-supplied text. Django autoescaping keeps that
text from becoming markup, and the render runs under an xhtml2pdf resource policy that fetches nothing
over the network and reads local files only from the font directory, so even markup that slipped
through could not read the server's files or reach internal addresses. Images are inlined as
``data:`` URIs (see ``qr_png_data_uri``).

This module belongs to ``core``: it knows nothing of dossiers or agencies.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import tempfile
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

log = logging.getLogger(__name__)

__all__ = [
    "FONT_FAMILY",
    "FontFiles",
    "PdfRenderError",
    "font_face_css",
    "font_files",
    "pdf_response",
    "qr_png_data_uri",
    "qr_svg",
    "render_html",
    "render_template",
]

#: The CSS font-family name under which the embedded Noto Sans faces are declared.
FONT_FAMILY = "Noto Sans"

# Code points kept in the static instances: Basic Latin, Latin-1, Latin Extended-A/B, combining marks,
# Greek, Cyrillic, Latin Extended Additional (all of Vietnamese), general punctuation, currency signs
# (₫), letterlike symbols (№), the minus sign and the dotted circle. Noto Sans has no arrows or boxes.
_KEPT_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x04FF),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20C0),
    (0x2100, 0x215F),
    (0x2212, 0x2212),
    (0x25CC, 0x25CC),
)
# Bumped whenever ``_make_instance`` changes what it writes, so caches built by older code are not reused.
_BUILD_VERSION = "v1"
# (style name, variable source file, weight)
_FACES = {
    "regular": ("Regular", "NotoSans[wdth,wght].ttf", 400),
    "bold": ("Bold", "NotoSans[wdth,wght].ttf", 700),
    "italic": ("Italic", "NotoSans-Italic[wdth,wght].ttf", 400),
    "bold_italic": ("Bold Italic", "NotoSans-Italic[wdth,wght].ttf", 700),
}

_font_lock = threading.Lock()
_font_files: FontFiles | None = None


class PdfRenderError(Exception):
    """The HTML could not be turned into a PDF (xhtml2pdf reported errors)."""


@dataclass(frozen=True)
class FontFiles:
    """The four TrueType faces embedded in every PDF. ``static`` is False when they are the variable
    source files (no fontTools): then ``bold`` and ``bold_italic`` are regular-weight stand-ins."""

    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    static: bool

    @property
    def directories(self) -> tuple[Path, ...]:
        return tuple(sorted({p.parent for p in (self.regular, self.bold, self.italic, self.bold_italic)}))


def _source_dir() -> Path:
    import fontpkg_noto_sans

    return Path(fontpkg_noto_sans.ROOT) / "files"


def _cache_dir() -> Path:
    configured = getattr(settings, "CONGSO_PDF_FONT_DIR", None)
    if configured:
        return Path(configured)
    var_dir = getattr(settings, "VAR_DIR", None)
    return Path(var_dir) / "fonts" if var_dir else Path(tempfile.gettempdir()) / "congso-fonts"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _rename(font, style_name: str) -> None:
    """Give an instance its own names. An instance keeps the names of the variable font's default
    (Regular or Italic); ReportLab tells embedded faces apart by their PostScript name, so a Bold
    instance still called "NotoSans-Regular" would be dropped in favour of the regular face."""
    family = "Noto Sans"
    values = {
        1: family,
        2: style_name,
        4: f"{family} {style_name}",
        6: f"NotoSans-{style_name.replace(' ', '')}",
        16: family,
        17: style_name,
    }
    table = font["name"]
    table.names = [record for record in table.names if record.nameID != 25]  # variations PS prefix
    for record in table.names:
        if record.nameID in values:
            record.string = values[record.nameID]


def _make_instance(source: Path, weight: int, style_name: str, target: Path) -> None:
    """Write a static instance of the variable font ``source`` at ``weight``, named ``style_name``
    ("Bold Italic"), to ``target``, atomically (another process may be building the same file)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(source)
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in _KEPT_RANGES for c in range(low, high + 1)])
    subsetter.subset(font)
    instancer.instantiateVariableFont(
        font, {"wght": weight, "wdth": 100}, inplace=True, updateFontNames=False
    )
    _rename(font, style_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.stem, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            font.save(out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _quiet(logger_name: str):
    """Silence a chatty library logger (fontTools logs every table it touches at INFO)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _build_font_files() -> FontFiles:
    source_dir = _source_dir()
    try:
        import fontTools  # noqa: F401
    except ImportError:
        log.warning(
            "fontTools is not installed: PDFs use the variable Noto Sans files as they are, and bold "
            "text is printed in the regular weight. Install fonttools to get real bold faces."
        )
        regular = source_dir / _FACES["regular"][1]
        italic = source_dir / _FACES["italic"][1]
        return FontFiles(regular=regular, bold=regular, italic=italic, bold_italic=italic, static=False)
    cache = _cache_dir()
    paths = {}
    digests: dict[str, str] = {}
    for key, (style_name, filename, weight) in _FACES.items():
        source = source_dir / filename
        digest = digests.setdefault(filename, _digest(source))
        target = cache / f"NotoSans-{style_name.replace(' ', '')}-{_BUILD_VERSION}-{digest}.ttf"
        if not target.exists():
            log.info("Building the static %s face of Noto Sans into %s", style_name, target)
            with _quiet("fontTools"):
                _make_instance(source, weight, style_name, target)
        paths[key] = target
    return FontFiles(**paths, static=True)


def font_files() -> FontFiles:
    """The Noto Sans faces to embed, building the static instances on first use (see the module
    docstring). Thread-safe; the result is kept for the life of the process.
    Errors: ``OSError`` when the cache directory cannot be written."""
    global _font_files
    if _font_files is None:
        with _font_lock:
            if _font_files is None:
                _font_files = _build_font_files()
    return _font_files


def font_face_css() -> str:
    """``@font-face`` rules declaring the four faces under ``FONT_FAMILY``."""
    files = font_files()
    rules = []
    for path, weight, style in (
        (files.regular, "normal", "normal"),
        (files.bold, "bold", "normal"),
        (files.italic, "normal", "italic"),
        (files.bold_italic, "bold", "italic"),
    ):
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_posix()}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def _policy(files: FontFiles):
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    directories = files.directories
    return ResourceAccessPolicy.server(
        base_dir=directories[0],
        extra_roots=directories[1:],
        allow_remote=False,
        max_render_seconds=float(getattr(settings, "CONGSO_PDF_MAX_SECONDS", 120)),
        max_document_bytes=20 * 1024 * 1024,
    )


def _inject_fonts(html: str, css: str) -> str:
    """Put the font declarations and the default family first in the document's head, so the
    document's own styles come after them and win."""
    style = f"<style>\n{css}\n</style>"
    lower = html.lower()
    index = lower.find("<head>")
    if index >= 0:
        index += len("<head>")
        return html[:index] + style + html[index:]
    return style + html


def render_html(html: str, *, title: str = "", author: str = "", subject: str = "") -> bytes:
    """Render an HTML document (xhtml2pdf's dialect of HTML and CSS) to PDF bytes.

    Inputs: ``html``, a whole document or a fragment, set in Noto Sans (``FONT_FAMILY``) unless its
    own styles name another family — which it must then embed itself, since the built-in PDF faces
    have no Vietnamese letters; ``title``/``author``/``subject`` go into the PDF's metadata.
    Effects: none besides building the font cache on first use.
    Errors: ``PdfRenderError`` when xhtml2pdf reports an error or hits its time limit.
    """
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import RenderLimitError

    files = font_files()
    css = font_face_css() + f'\nhtml, body {{ font-family: "{FONT_FAMILY}"; }}'
    source = unicodedata.normalize("NFC", _inject_fonts(html, css))
    out = io.BytesIO()
    meta = {
        key: value for key, value in (("title", title), ("author", author), ("subject", subject)) if value
    }
    try:
        status = pisa.pisaDocument(
            source,
            dest=out,
            encoding="utf-8",
            context_meta=meta or None,
            resource_policy=_policy(files),
        )
    except RenderLimitError as exc:
        raise PdfRenderError(str(exc)) from exc
    if status.err:
        messages = "; ".join(str(entry[2]) for entry in status.log if entry[0] == "error")
        raise PdfRenderError(messages or "xhtml2pdf reported an error")
    return out.getvalue()


def render_template(
    template_name, context: dict | None = None, *, title: str = "", author: str = ""
) -> bytes:
    """Render a Django template (a name, or a list of names tried in order as ``select_template``
    does) to PDF bytes. Errors: ``TemplateDoesNotExist``, ``PdfRenderError``."""
    html = render_to_string(template_name, context or {})
    return render_html(html, title=title, author=author)


# --- QR codes ---------------------------------------------------------------------------------


def qr_png_data_uri(data: str, *, scale: int = 4, border: int = 2, error: str = "m") -> SafeString:
    """A QR code of ``data`` as a ``data:image/png;base64,…`` URI, for an ``<img src>`` in a template
    rendered to PDF (xhtml2pdf draws raster images; it needs no file or network access for a data URI).
    ``scale`` is pixels per module; ``error`` the correction level (l, m, q, h)."""
    import segno

    buffer = io.BytesIO()
    segno.make(data, error=error, micro=False).save(buffer, kind="png", scale=scale, border=border)
    return mark_safe("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"))  # noqa: S308 — base64 text only


def qr_svg(data: str, *, scale: int = 4, border: int = 2, error: str = "m", title: str = "") -> SafeString:
    """A QR code of ``data`` as inline SVG markup, for HTML pages (sharp at any zoom, no extra request).
    ``title`` becomes the SVG's accessible name."""
    import segno

    buffer = io.BytesIO()
    segno.make(data, error=error, micro=False).save(
        buffer,
        kind="svg",
        scale=scale,
        border=border,
        xmldecl=False,
        svgns=True,
        title=title or None,
        svgclass="qr",
        lineclass=None,
    )
    return mark_safe(buffer.getvalue().decode("utf-8"))  # noqa: S308 — generated by segno, title escaped by it


# --- HTTP -------------------------------------------------------------------------------------


def pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """An ``HttpResponse`` carrying ``pdf``: shown in the browser (``inline``) or downloaded
    (``attachment``) under ``filename`` (sent both as ASCII and as RFC 5987 UTF-8). Not cached by
    shared caches, since the documents carry personal data."""
    from urllib.parse import quote

    response = HttpResponse(pdf, content_type="application/pdf")
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in ascii_name) or "document.pdf"
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
