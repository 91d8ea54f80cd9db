"""Finding official documents by their words: number and symbol, summary, issuer and the full text of
their attachments, with or without Vietnamese diacritics ("quyet dinh" finds "quyết định").

What is searched. Each document has one ``SearchEntry`` whose ``folded`` column holds its metadata and
the text of its files, folded by ``core.text.fold`` (lower case, no diacritics, ``đ`` → ``d``). It is
rewritten when the document is saved (a ``post_save`` receiver, so every writer in ``services`` keeps
it without knowing) and when the text of one of its files has been read.

Reading the files. Extracting a PDF's text can take seconds, so the upload does not wait for it:
storing an attachment publishes ``documents.attachment_stored`` and the worker's subscriber
``documents.extract_text`` reads the text with pypdf (at most ``MAX_PAGES`` pages), keeps it in
``AttachmentText`` (with the reason when there is none: an encrypted or damaged PDF) and rewrites the
document's entry. A scan without a text layer is read by OCR (``documents.ocr``: poppler draws each page,
Tesseract reads it in Vietnamese) when the programs are installed. At least once: extracting twice gives
the same row.

The seam. ``matching_entries(text)`` is the one entry point; the backend is chosen by the database:

- PostgreSQL: ``to_tsvector('simple', folded)`` served by a GIN index (migration 0004); every query
  word must match a word of the document as a prefix (``quyet:* & dinh:*``). The ``simple``
  configuration does no stemming, which Vietnamese does not need, and the folding done before storing
  is the "unaccent" step, the same on both sides.
- SQLite (the demo, the tests): every query word must appear in the folded column (``LIKE``).

Who sees what is not decided here: callers narrow a queryset they already limited to what the officer
may read (``services.incoming_for`` / ``outgoing_for``) with ``narrow``.
"""

import io
import logging
import subprocess

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from congso.core import events
from congso.core.text import fold

from . import ocr
from .models import Attachment, AttachmentText, IncomingDocument, OutgoingDocument, SearchEntry

logger = logging.getLogger(__name__)

MAX_PAGES = 500
# A PostgreSQL tsvector holds at most 1 MB; the first 600,000 folded characters of a document are
# searched (a 300-page report), which leaves room for the position data.
MAX_FOLDED = 600_000
# The files whose text is worth reading: the draft's rendering repeats the content already indexed.
READ_KINDS = (Attachment.Kind.SCAN, Attachment.Kind.ATTACHMENT, Attachment.Kind.SIGNED)


# --- Writing the index --------------------------------------------------------------------------


def _metadata(document) -> list[str]:
    if isinstance(document, IncomingDocument):
        return [
            str(document.arrival_number),
            document.number_symbol,
            document.sender_name,
            document.sender_code,
            document.summary,
            document.signer_name,
        ]
    return [document.number_symbol, document.symbol, document.summary, document.signer_name, document.content]


def _owner_field(document) -> str:
    return "incoming" if isinstance(document, IncomingDocument) else "outgoing"


def reindex(document) -> SearchEntry:
    """Rewrite what ``document`` is found by, from its fields and its files' text read so far."""
    field = _owner_field(document)
    texts = AttachmentText.objects.filter(**{f"attachment__{field}": document}).order_by("attachment_id")
    parts = [fold(p) for p in _metadata(document) if p] + [
        t for t in texts.values_list("folded", flat=True) if t
    ]
    folded = " ".join(parts)[:MAX_FOLDED]
    entry, _created = SearchEntry.objects.update_or_create(**{field: document}, defaults={"folded": folded})
    return entry


@receiver(post_save, sender=IncomingDocument, dispatch_uid="documents.search.incoming")
@receiver(post_save, sender=OutgoingDocument, dispatch_uid="documents.search.outgoing")
def _document_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        reindex(instance)


def attachment_stored(attachment: Attachment) -> None:
    """Ask the worker to read ``attachment``'s text (in the transaction that stores it)."""
    if attachment.kind in READ_KINDS and attachment.content_type == "application/pdf":
        events.publish("documents.attachment_stored", {"attachment_id": attachment.pk})


def _read_pdf(data: bytes) -> tuple[str, int, str]:
    """(text, pages, why there is none) of a PDF; never raises on a bad file."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return "", len(reader.pages), "encrypted"
        pages = reader.pages
        text = "\n".join((page.extract_text() or "") for page in list(pages)[:MAX_PAGES])
        return text, len(pages), "" if text.strip() else NO_TEXT_LAYER
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        return "", 0, f"unreadable: {exc}"[:300]


NO_TEXT_LAYER = "no text layer"


def _read_scan(data: bytes, pages: int) -> tuple[str, str]:
    """(text, why there is none) of a scan, read by OCR (``documents.ocr``)."""
    try:
        text = ocr.read_scan(data, pages)
    except ocr.OcrUnavailable:
        return "", f"{NO_TEXT_LAYER}; OCR not installed or switched off"
    except (OSError, subprocess.SubprocessError) as exc:
        return "", f"{NO_TEXT_LAYER}; OCR failed: {exc}"[:300]
    return text, "" if text.strip() else f"{NO_TEXT_LAYER}; OCR read no words"


def extract(attachment_id) -> AttachmentText | None:
    """Read the text of one attachment and rewrite its document's entry (the worker's job)."""
    attachment = Attachment.objects.select_related("incoming", "outgoing").filter(pk=attachment_id).first()
    if attachment is None:
        return None
    with attachment.file.open("rb") as handle:
        data = handle.read()
    text, pages, error = _read_pdf(data)
    if error == NO_TEXT_LAYER:
        text, error = _read_scan(data, pages)
    if error:
        logger.info("documents: no text from attachment %s (%s)", attachment.pk, error)
    with transaction.atomic():
        row, _created = AttachmentText.objects.update_or_create(
            attachment=attachment,
            defaults={"folded": fold(text)[:MAX_FOLDED], "pages": pages, "error": error},
        )
        reindex(attachment.incoming or attachment.outgoing)
    return row


# --- Reading it ---------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(fold(text).split()))[:12]


class SqliteBackend:
    """Every word a substring of the folded column (the demo's volumes: a full scan is fine)."""

    def entries(self, words: list[str]):
        qs = SearchEntry.objects.all()
        for word in words:
            qs = qs.filter(folded__contains=word)
        return qs


class PostgresBackend:
    """Every word a prefix of a word of the document, through the GIN index of migration 0004."""

    def entries(self, words: list[str]):
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(" & ".join(f"{w}:*" for w in words), config="simple", search_type="raw")
        return SearchEntry.objects.annotate(vector=vector()).filter(vector=query)


def vector():
    """The indexed expression; migration 0004 builds the GIN index over exactly this."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("folded", config="simple")


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


def matching_entries(text: str):
    """The ``SearchEntry`` rows matching every word of ``text``; none for a text without words."""
    words = _words(text)
    if not words:
        return SearchEntry.objects.none()
    return backend().entries(words)


def narrow(queryset, text: str):
    """``queryset`` (incoming or outgoing documents the reader may see) to those matching ``text``."""
    field = "incoming_id" if queryset.model is IncomingDocument else "outgoing_id"
    return queryset.filter(pk__in=matching_entries(text).exclude(**{field: None}).values(field))
