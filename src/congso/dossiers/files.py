"""Uploaded papers: checked by content, size-limited, scanned for malware, stored under a random name.

``validate_upload(fileobj)`` reads the file once and returns a ``CheckedUpload`` (detected type, size,
SHA-256, scan status) or raises ``UploadRejected`` with a Vietnamese message. The type comes from the
file's magic bytes (``filetype``), never from its name or the browser's declared type.

Malware scanning speaks the clamd ``INSTREAM`` protocol over a Unix or TCP socket (``CONGSO_CLAMAV_SOCKET``
or ``CONGSO_CLAMAV_HOST``/``_PORT``). When no scanner is configured, ``CONGSO_CLAMAV_REQUIRED`` decides:
refuse every upload (production: set it to True) or accept it marked ``not_scanned`` (demo, tests).
A configured scanner that cannot be reached refuses the upload: a scan that did not happen is not a pass.
"""

import hashlib
import socket
import struct
import uuid
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import conf
from .models import ScanStatus

CHUNK_SIZE = 64 * 1024
# Enough for every signature ``filetype`` knows (it reads at most 8 KiB).
SNIFF_BYTES = 8192

_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class UploadRejected(ValidationError):
    """The file was refused; ``messages`` holds the Vietnamese reason."""


class ScannerUnavailable(Exception):
    """clamd could not be reached or answered something unexpected."""


@dataclass(frozen=True)
class PaperUpload:
    """A file the applicant or an officer hands in. ``required_paper_code`` is the ``RequiredPaper.code``
    of the procedure version it answers (empty for an extra paper or a result file)."""

    required_paper_code: str
    name: str
    fileobj: object


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    scan_status: str
    original_name: str


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def storage_name(content_type: str, now=None) -> str:
    """A non-guessable storage path: ``dossiers/<yyyy>/<mm>/<uuid><ext>``, the extension from the
    detected type. Nothing the user typed ends up in it."""
    now = timezone.localtime(now)
    return f"dossiers/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{_EXTENSIONS.get(content_type, '')}"


def download_name(original_name: str, content_type: str, fallback: str) -> str:
    """The file name a download is served under: the readable base of ``original_name`` (or
    ``fallback``) with the extension of the type detected from the content at upload.

    The uploader's extension is never kept: a PDF that is also a valid HTA, uploaded as ``ho-so.hta``,
    must come back as ``ho-so.pdf`` so that opening it hands it to a PDF reader, not to the script host.
    """
    name = _original_name_text(original_name)
    base, dot, _suffix = name.rpartition(".")
    base = (base if dot else name).strip(" .") or fallback
    extension = _EXTENSIONS.get(content_type, ".bin")
    return base if base.lower().endswith(extension) else f"{base}{extension}"


def attachment_response(handle, original_name: str, content_type: str, fallback: str) -> FileResponse:
    """A stored upload sent to the browser: always as an attachment named by ``download_name``, with the
    type found from its content at upload and ``nosniff``, so the browser never runs it."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(original_name, content_type, fallback),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _original_name_text(name) -> str:
    return str(name or "").replace("\\", "/").rsplit("/", 1)[-1][:255]


def _chunks(fileobj):
    if hasattr(fileobj, "chunks"):
        yield from fileobj.chunks(CHUNK_SIZE)
        return
    while True:
        chunk = fileobj.read(CHUNK_SIZE)
        if not chunk:
            return
        yield chunk


def _rewind(fileobj) -> None:
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)


def _allowed_label(allowed) -> str:
    return ", ".join(_TYPE_LABELS.get(t, t) for t in allowed)


def validate_upload(fileobj, *, allowed=None, max_bytes=None) -> CheckedUpload:
    """Check one uploaded file and return what was learnt about it.

    Inputs: ``fileobj`` (a Django ``File``/``UploadedFile`` or any binary file object), ``allowed``
    content types (default ``CONGSO_UPLOAD_ALLOWED_TYPES``: PDF, JPEG, PNG), ``max_bytes`` (default
    ``CONGSO_UPLOAD_MAX_BYTES``, 10 MB).
    Effects: reads the whole file once, then rewinds it; talks to clamd when configured.
    Errors: ``UploadRejected`` for an empty, oversized, wrongly typed or infected file, or when scanning
    is required but impossible.
    """
    allowed = tuple(allowed or conf.upload_allowed_types())
    max_bytes = max_bytes if max_bytes is not None else conf.upload_max_bytes()
    _rewind(fileobj)
    digest = hashlib.sha256()
    head = b""
    size = 0
    for chunk in _chunks(fileobj):
        size += len(chunk)
        if size > max_bytes:
            raise UploadRejected(
                _("Tệp vượt quá dung lượng cho phép ({limit} MB).").format(
                    limit=round(max_bytes / 1048576, 1)
                ),
                code="too_large",
            )
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
    _rewind(fileobj)
    if size == 0:
        raise UploadRejected(_("Tệp rỗng, vui lòng chọn lại tệp."), code="empty")
    kind = filetype.guess(head)
    content_type = kind.mime if kind is not None else ""
    if content_type not in allowed:
        raise UploadRejected(
            _(
                "Nội dung tệp không đúng định dạng cho phép ({allowed}). Đổi tên phần mở rộng của tệp "
                "không làm thay đổi định dạng."
            ).format(allowed=_allowed_label(allowed)),
            code="bad_type",
        )
    scan_status = _scan_or_decide(fileobj)
    return CheckedUpload(
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        scan_status=scan_status,
        original_name=_original_name(fileobj),
    )


def _original_name(fileobj) -> str:
    # Keep only the last path component and cap it: it is shown, never used as a path.
    return _original_name_text(getattr(fileobj, "name", ""))


def _scan_or_decide(fileobj) -> str:
    if not scanner_configured():
        if conf.clamav_required():
            raise UploadRejected(
                _("Hệ thống chưa sẵn sàng kiểm tra mã độc nên chưa nhận tệp. Vui lòng thử lại sau."),
                code="scanner_missing",
            )
        return ScanStatus.NOT_SCANNED
    try:
        result = scan(fileobj)
    except ScannerUnavailable as exc:
        raise UploadRejected(
            _("Không kiểm tra được mã độc trong tệp. Vui lòng thử lại sau."), code="scanner_unavailable"
        ) from exc
    finally:
        _rewind(fileobj)
    if not result.clean:
        raise UploadRejected(_("Tệp có chứa mã độc và đã bị từ chối."), code="infected")
    return ScanStatus.CLEAN


def scanner_configured() -> bool:
    return bool(conf.clamav_socket() or conf.clamav_host())


def _connect() -> socket.socket:
    timeout = conf.clamav_timeout()
    path = conf.clamav_socket()
    try:
        if path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(path)
            return sock
        return socket.create_connection((conf.clamav_host(), conf.clamav_port()), timeout=timeout)
    except OSError as exc:
        raise ScannerUnavailable(f"cannot connect to clamd: {exc}") from exc


def scan(fileobj) -> ScanResult:
    """Send ``fileobj`` to clamd with ``zINSTREAM`` and parse the verdict.

    The protocol: the null-terminated command, then chunks each prefixed by its length as a 4-byte
    big-endian integer, then a zero-length chunk; clamd answers ``stream: OK`` or
    ``stream: <signature> FOUND`` (null-terminated), or ``... ERROR``.
    Errors: ``ScannerUnavailable`` on any network failure or an unexpected answer.
    """
    _rewind(fileobj)
    with _connect() as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for chunk in _chunks(fileobj):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = _read_reply(sock)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd conversation failed: {exc}") from exc
    return parse_reply(reply)


def _read_reply(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\0"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def parse_reply(reply: bytes) -> ScanResult:
    """Turn clamd's answer into a ``ScanResult``; anything but OK/FOUND raises ``ScannerUnavailable``."""
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    _prefix, _sep, verdict = text.partition(": ")
    if verdict == "OK":
        return ScanResult(clean=True)
    if verdict.endswith(" FOUND"):
        return ScanResult(clean=False, signature=verdict[: -len(" FOUND")])
    raise ScannerUnavailable(f"unexpected clamd reply: {text!r}")
