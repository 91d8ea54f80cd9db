"""Uploads: type by content, size limit, storage path, and the clamd INSTREAM client against a small
fake clamd speaking the real protocol on a local Unix socket (and on TCP)."""

import io
import os
import re
import shutil
import socket
import struct
import tempfile
import threading

import pytest

from congso.dossiers import files
from congso.dossiers.files import UploadRejected, validate_upload
from congso.dossiers.models import ScanStatus
from tests.samples import JPEG_BYTES, PDF_BYTES, PNG_BYTES, pdf

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    """Accepts connections, reads ``zINSTREAM\\0`` and length-prefixed chunks up to the zero-length one,
    and answers like clamd: ``stream: OK`` or ``stream: Eicar-Test-Signature FOUND`` (null-terminated)."""

    def __init__(self, server: socket.socket):
        self.server = server
        self.commands: list[bytes] = []
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exact(self, conn, size):
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def _serve(self):
        while True:
            try:
                conn, _address = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read_exact(conn, 1)
                self.commands.append(command)
                body = b""
                while True:
                    (length,) = struct.unpack("!L", self._read_exact(conn, 4))
                    if length == 0:
                        break
                    body += self._read_exact(conn, length)
                self.received.append(body)
                verdict = b"Eicar-Test-Signature FOUND" if EICAR in body else b"OK"
                conn.sendall(b"stream: " + verdict + b"\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd_unix(settings):
    # A short directory: Unix socket paths are limited to about 100 bytes, pytest's tmp_path can be longer.
    directory = tempfile.mkdtemp(prefix="clamd-")
    path = os.path.join(directory, "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    fake = FakeClamd(server)
    settings.CONGSO_CLAMAV_SOCKET = path
    settings.CONGSO_CLAMAV_TIMEOUT = 5
    yield fake
    fake.close()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def clamd_tcp(settings):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    fake = FakeClamd(server)
    settings.CONGSO_CLAMAV_HOST = "127.0.0.1"
    settings.CONGSO_CLAMAV_PORT = server.getsockname()[1]
    settings.CONGSO_CLAMAV_TIMEOUT = 5
    yield fake
    fake.close()


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF_BYTES, "application/pdf"), (PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg")],
)
def test_accepted_types_are_recognised_by_content(content, expected):
    checked = validate_upload(io.BytesIO(content))
    assert checked.content_type == expected
    assert checked.size == len(content)
    assert checked.scan_status == ScanStatus.NOT_SCANNED  # no scanner in tests, not required


def test_a_disguised_file_is_refused():
    html = b"<html><script>alert(1)</script></html>"
    with pytest.raises(UploadRejected) as error:
        validate_upload(pdf("giay-khai-sinh.pdf", html))
    assert "không đúng định dạng" in error.value.messages[0]


def test_a_real_png_renamed_pdf_is_a_png_and_refused_where_only_pdf_is_allowed():
    renamed = pdf("ban-sao.pdf", PNG_BYTES)
    assert validate_upload(renamed).content_type == "image/png"
    with pytest.raises(UploadRejected):
        validate_upload(renamed, allowed=("application/pdf",))


def test_oversized_and_empty_files_are_refused(settings):
    with pytest.raises(UploadRejected, match="vượt quá dung lượng"):
        validate_upload(io.BytesIO(PDF_BYTES + b"0" * 2000), max_bytes=1000)
    settings.CONGSO_UPLOAD_MAX_BYTES = 100
    with pytest.raises(UploadRejected, match="vượt quá dung lượng"):
        validate_upload(io.BytesIO(PDF_BYTES + b"0" * 200))
    with pytest.raises(UploadRejected, match="rỗng"):
        validate_upload(io.BytesIO(b""))


def test_sha256_and_rewind():
    import hashlib

    upload = io.BytesIO(PDF_BYTES)
    checked = validate_upload(upload)
    assert checked.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert upload.tell() == 0  # ready to be stored


def test_storage_name_is_random_and_ignores_the_users_name():
    first, second = files.storage_name("application/pdf"), files.storage_name("application/pdf")
    assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", first)
    assert first != second


def test_clean_file_through_clamd_on_a_unix_socket(clamd_unix):
    checked = validate_upload(io.BytesIO(PDF_BYTES))
    assert checked.scan_status == ScanStatus.CLEAN
    assert clamd_unix.commands == [b"zINSTREAM\0"]
    assert clamd_unix.received == [PDF_BYTES]


def test_large_file_is_streamed_in_chunks(clamd_unix):
    content = PDF_BYTES + b"1" * (files.CHUNK_SIZE * 2 + 17)
    assert validate_upload(io.BytesIO(content)).scan_status == ScanStatus.CLEAN
    assert clamd_unix.received == [content]


def test_infected_file_is_refused(clamd_unix):
    with pytest.raises(UploadRejected, match="mã độc"):
        validate_upload(io.BytesIO(PDF_BYTES + EICAR))


def test_clamd_over_tcp(clamd_tcp):
    assert validate_upload(io.BytesIO(PDF_BYTES)).scan_status == ScanStatus.CLEAN
    with pytest.raises(UploadRejected):
        validate_upload(io.BytesIO(PDF_BYTES + EICAR))


def test_configured_but_unreachable_scanner_refuses(settings, tmp_path):
    settings.CONGSO_CLAMAV_SOCKET = str(tmp_path / "nobody-listens.sock")
    with pytest.raises(UploadRejected, match="Không kiểm tra được mã độc"):
        validate_upload(io.BytesIO(PDF_BYTES))


def test_required_scanner_missing_refuses(settings):
    settings.CONGSO_CLAMAV_REQUIRED = True
    with pytest.raises(UploadRejected, match="chưa sẵn sàng kiểm tra mã độc"):
        validate_upload(io.BytesIO(PDF_BYTES))


@pytest.mark.parametrize(
    ("reply", "clean", "signature"),
    [
        (b"stream: OK\0", True, ""),
        (b"stream: Win.Test.EICAR_HDB-1 FOUND\0", False, "Win.Test.EICAR_HDB-1"),
    ],
)
def test_parse_reply(reply, clean, signature):
    assert files.parse_reply(reply) == files.ScanResult(clean=clean, signature=signature)


def test_unexpected_reply_is_an_error():
    with pytest.raises(files.ScannerUnavailable):
        files.parse_reply(b"INSTREAM size limit exceeded. ERROR\0")


# --- the name a download is served under ----------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "content_type", "expected"),
    [
        ("ho-so.hta", "application/pdf", "ho-so.pdf"),
        ("ho-so.pdf.hta", "application/pdf", "ho-so.pdf"),
        ("ảnh chụp.PNG", "image/png", "ảnh chụp.png"),
        ("giấy.khai.sinh.exe", "image/jpeg", "giấy.khai.sinh.jpg"),
        ("to-khai", "application/pdf", "to-khai.pdf"),
        ("..\\thu-muc\\ban-chup.html", "image/png", "ban-chup.png"),
        (".hta", "application/pdf", "giay-to-7.pdf"),
        ("", "application/pdf", "giay-to-7.pdf"),
        ("la.svg", "image/svg+xml", "la.bin"),
    ],
)
def test_download_name_takes_the_extension_from_the_detected_type(original, content_type, expected):
    assert files.download_name(original, content_type, "giay-to-7") == expected
