"""``Idempotency-Key`` on POST transitions: the same key and the same request → the stored answer, with no
second change; the same key with another request → 422. Records are per caller (the LGSP system, or the
officer's session) and kept ``CONGSO_API_IDEMPOTENCY_HOURS`` (``jobs``).

The request's hash covers the method, the path, the acting officer and the body — for a multipart upload
its fields and each file's SHA-256, so that a retry with a new multipart boundary is the same request.
"""

import hashlib
import json
import re

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from rest_framework.response import Response

from . import conf
from .models import IdempotencyRecord
from .problems import ApiProblem

KEY = re.compile(r"^[!-~]{1,200}$")  # visible ASCII, as documented in the OpenAPI document


def key_of(request) -> str:
    key = request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip()
    if not KEY.fullmatch(key):
        raise ApiProblem(
            400,
            _(
                "Thao tác cần tiêu đề {header} (1–200 ký tự ASCII nhìn thấy được), duy nhất cho mỗi thao tác."
            ).format(header=conf.IDEMPOTENCY_HEADER),
            code="idempotency-key-required",
        )
    return key


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return "sha256:" + digest.hexdigest()


def _canonical(data):
    if hasattr(data, "lists"):  # a QueryDict (multipart or form)
        return {
            key: [_file_digest(v) if isinstance(v, UploadedFile) else str(v) for v in values]
            for key, values in sorted(data.lists())
        }
    return data


def request_hash(request) -> str:
    officer = getattr(request.user, "username", "") or ""
    payload = [request.method, request.path, officer, _canonical(request.data)]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def find(caller: str, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(caller=caller, key=key).first()


def replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_hash != digest:
        raise ApiProblem(
            422,
            _("Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. Hãy dùng khóa mới."),
            code="idempotency-key-reused",
        )
    headers = {"Idempotent-Replayed": "true"}
    if record.etag:
        headers["ETag"] = record.etag
    return Response(record.body, status=record.status, headers=headers)


def store(request, caller: str, key: str, digest: str, status: int, body: dict, etag: str) -> None:
    IdempotencyRecord.objects.create(
        caller=caller,
        key=key,
        request_hash=digest,
        method=request.method,
        path=request.path[:500],
        status=status,
        body=body,
        etag=etag,
    )
