"""A small HTTP client of the two national registers the mandates rely on: the national business
registry (who legally represents a business) and the national population database (whose children a
parent's household holds). Configured by settings (``CONGSO_BUSINESS_REGISTRY_URL``,
``CONGSO_POPULATION_REGISTRY_URL``, ``CONGSO_REGISTRY_TOKEN``): the LGSP gateway's addresses in
production, the sandbox simulators in the demo. Both answer in the LGSP envelope
``{errorCode, message, data}`` (docs/sandbox.md)."""

import re

import httpx
from django.conf import settings

from ..validators import NATIONAL_ID_RE

# Tax code as the registry takes it: 10 digits, or 10 digits and a branch suffix.
TAX_CODE_RE = re.compile(r"[0-9]{10}(-[0-9]{3})?")
NOT_FOUND = 201  # the LGSP's RECORD_NOT_FOUND


class RegisterUnavailable(Exception):
    """The register could not be asked (not configured, unreachable, or an unexpected answer)."""


def _get(base_url: str, path: str) -> dict | None:
    if not base_url:
        raise RegisterUnavailable("not configured")
    try:
        response = httpx.get(
            base_url.rstrip("/") + path,
            headers={
                "Authorization": f"Bearer {settings.CONGSO_REGISTRY_TOKEN}",
                "Accept": "application/json",
            },
            timeout=settings.CONGSO_REGISTRY_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise RegisterUnavailable(str(exc)) from exc
    if response.status_code == 404 and body.get("errorCode") == NOT_FOUND:
        return None
    if response.status_code != 200 or body.get("errorCode") != 0 or not isinstance(body.get("data"), dict):
        raise RegisterUnavailable(f"HTTP {response.status_code}, errorCode {body.get('errorCode')!r}")
    return body["data"]


def business(tax_code: str) -> dict | None:
    """The registry's record of a business (``MaSoDoanhNghiep``, ``TenDoanhNghiep``,
    ``TinhTrangHoatDong``, ``NguoiDaiDienPhapLuat``…), or ``None`` when it has none."""
    if not TAX_CODE_RE.fullmatch(tax_code or ""):
        return None
    return _get(settings.CONGSO_BUSINESS_REGISTRY_URL, f"/api/v1/doanh-nghiep/{tax_code}")


def citizen(national_id: str) -> dict | None:
    """The population database's record of a citizen (with ``HoGiaDinh``), or ``None``."""
    if not NATIONAL_ID_RE.fullmatch(national_id or ""):
        return None
    return _get(settings.CONGSO_POPULATION_REGISTRY_URL, f"/api/v1/cong-dan/{national_id}")
