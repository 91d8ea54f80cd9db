"""Reading the words of a scan: a PDF without a text layer (a paper document the clerk scanned) is drawn
page by page with poppler's ``pdftoppm`` and read by Tesseract (Vietnamese and English models, the
Debian packages ``tesseract-ocr`` and ``tesseract-ocr-vie``), so that the full-text search finds scanned
documents by their content too.

It runs in the worker (``search.extract``), never in a request: a page takes a second or more. Both
programs are run without a shell, on a copy in a private temporary directory, with a time limit per page
and at most ``CONGSO_DOCUMENTS_OCR_MAX_PAGES`` pages. OCR is on when both programs are installed, unless
``CONGSO_DOCUMENTS_OCR`` is false; without them a scan keeps the reason "no text layer" and is found by
its metadata only.
"""

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# The long side of a drawn page in pixels: an A4 page at 300 dpi, what Tesseract reads printed text best
# at. A size, not a resolution, so a hostile page a few metres wide cannot make a gigantic image.
LONG_SIDE = 3508
PAGE_TIMEOUT = 120  # seconds, for drawing or reading one page


class OcrUnavailable(Exception):
    """OCR is switched off or its programs are not installed."""


def available() -> bool:
    wanted = getattr(settings, "CONGSO_DOCUMENTS_OCR", True)
    return bool(wanted) and shutil.which("pdftoppm") is not None and shutil.which("tesseract") is not None


def read_scan(data: bytes, pages: int) -> str:
    """The text Tesseract reads on the first pages of the PDF ``data`` (``pages`` of them at most,
    capped by the setting). Raises ``OcrUnavailable``, or ``OSError`` / ``subprocess.SubprocessError``
    when a program fails or runs out of time."""
    if not available():
        raise OcrUnavailable
    limit = min(pages, int(getattr(settings, "CONGSO_DOCUMENTS_OCR_MAX_PAGES", 50)))
    languages = getattr(settings, "CONGSO_DOCUMENTS_OCR_LANGUAGES", "vie+eng")
    with tempfile.TemporaryDirectory(prefix="congso-ocr-") as folder:
        scan = Path(folder) / "scan.pdf"
        scan.write_bytes(data)
        texts = []
        for page in range(1, limit + 1):
            image = _draw(scan, page, Path(folder))
            texts.append(_read(image, languages))
            image.unlink()
    return "\n".join(texts)


def _draw(scan: Path, page: int, folder: Path) -> Path:
    stem = folder / f"page-{page}"
    subprocess.run(  # noqa: S603 — fixed program, arguments are paths and numbers of ours
        [
            "pdftoppm",
            "-scale-to",
            str(LONG_SIDE),
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
        ]
        + [str(scan), str(stem)],
        check=True,
        capture_output=True,
        timeout=PAGE_TIMEOUT,
    )
    return stem.with_suffix(".png")


def _read(image: Path, languages: str) -> str:
    answer = subprocess.run(  # noqa: S603 — fixed program, arguments are a path and a setting
        ["tesseract", str(image), "stdout", "-l", languages, "--psm", "3"],
        check=True,
        capture_output=True,
        timeout=PAGE_TIMEOUT,
    )
    return answer.stdout.decode("utf-8", errors="replace")
