"""Settings of the dossier block, each read with its default so the block works with no configuration.

Read through these functions (not at import time) so tests and ``override_settings`` take effect.

- ``CONGSO_DOSSIER_CODE_PATTERN`` — ``str.format`` pattern of the dossier code over ``agency_code``,
  ``date`` and ``seq``; default ``"{agency_code}-{date:%y%m%d}-{seq:04d}"`` (STANDARDS §1; [verify]
  whether Circular 03/2025 changed it).
- ``CONGSO_DOSSIER_AT_RISK_HOURS`` — the largest at-risk window: working hours before the appointment
  when an open dossier is flagged at risk and form 04 is prompted; default ``8``.
- ``CONGSO_DOSSIER_AT_RISK_SHARE`` — the window as a share of the working time a dossier was allotted at
  receipt (capped by the above), so that it scales with the time limit; default ``1/3``.
- ``CONGSO_DOSSIER_AT_RISK_MIN_HOURS`` — the smallest window, in working hours; default ``1``.
- ``CONGSO_DOSSIER_LOOKUP_PIN_LENGTH`` — length of the lookup PIN printed on form 01; default ``8``.
- ``CONGSO_DOSSIER_DUPLICATE_MINUTES`` — at counter intake, a dossier of the same applicant for the same
  procedure received this many minutes ago or less is shown before a new one is created (an officer
  whose submit seemed to fail may be about to create it twice); default ``30``, ``0`` turns it off.
- ``CONGSO_UPLOAD_MAX_BYTES`` — largest accepted file; default 10 MB (``10485760``).
- ``CONGSO_UPLOAD_ALLOWED_TYPES`` — accepted content types, checked by content; default PDF, JPEG, PNG.
- ``CONGSO_CLAMAV_SOCKET`` — clamd Unix socket path; or ``CONGSO_CLAMAV_HOST`` and ``CONGSO_CLAMAV_PORT``
  (default ``3310``) for TCP; unset by default. ``CONGSO_CLAMAV_TIMEOUT`` seconds, default ``30``.
- ``CONGSO_CLAMAV_REQUIRED`` — with no scanner configured, refuse every upload (``True``, what production
  must set) or accept it marked "not scanned" (``False``, the default for the demo and tests).

The close of a day-counted appointment and the office hours come from the calendar's
``CONGSO_OFFICE_HOURS`` (``core.working_days``).
"""

from datetime import date

from django.conf import settings

from congso.core.configuration import refusal

DEFAULT_CODE_PATTERN = "{agency_code}-{date:%y%m%d}-{seq:04d}"
DEFAULT_ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png")


def code_pattern() -> str:
    return getattr(settings, "CONGSO_DOSSIER_CODE_PATTERN", DEFAULT_CODE_PATTERN)


def check_code_pattern() -> None:
    """Refuse (``ImproperlyConfigured``, at start-up: ``DossiersConfig.ready``) a code pattern that would
    fail or collide on the first intake: one that does not format over ``agency_code``, ``date`` and
    ``seq``, that leaves one of them out (two agencies, two days or two dossiers would get one code), or
    whose codes do not fit the column."""
    from .models import Dossier

    pattern = code_pattern()
    longest_stored = Dossier._meta.get_field("code").max_length
    held = f"CONGSO_DOSSIER_CODE_PATTERN={pattern!r}"

    def code(agency_code="000.00.12.H08", day=date(2026, 12, 31), seq=1):
        return pattern.format(agency_code=agency_code, date=day, seq=seq)

    try:
        first = code()
        others = (code(agency_code="000.00.13.H08"), code(day=date(2026, 12, 30)), code(seq=2))
        longest = code(agency_code="000.00.12.H08.A1.B2", seq=99999)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        raise refusal(
            f"{held} không dùng được ({type(exc).__name__}: {exc}); mẫu chỉ được dùng {{agency_code}}, "
            f"{{date}} và {{seq}}, ví dụ {DEFAULT_CODE_PATTERN}.",
            f"{held} cannot be used ({type(exc).__name__}: {exc}); the pattern may use only {{agency_code}}, "
            f"{{date}} and {{seq}}, for example {DEFAULT_CODE_PATTERN}.",
        ) from None
    if first in others:
        raise refusal(
            f"{held} phải chứa mã cơ quan, ngày và số thứ tự ({{agency_code}}, {{date}}, {{seq}}) để mỗi hồ "
            "sơ có một mã riêng.",
            f"{held} must hold the agency's code, the day and the number ({{agency_code}}, {{date}}, "
            "{seq}) so that every dossier gets a code of its own.",
        )
    if len(longest) > longest_stored:
        raise refusal(
            f"{held} cho mã dài hơn {longest_stored} ký tự ({longest!r}).",
            f"{held} makes codes longer than {longest_stored} characters ({longest!r}).",
        )


def at_risk_hours() -> int:
    return int(getattr(settings, "CONGSO_DOSSIER_AT_RISK_HOURS", 8))


def at_risk_share() -> float:
    return float(getattr(settings, "CONGSO_DOSSIER_AT_RISK_SHARE", 1 / 3))


def at_risk_min_hours() -> float:
    return float(getattr(settings, "CONGSO_DOSSIER_AT_RISK_MIN_HOURS", 1))


def lookup_pin_length() -> int:
    return int(getattr(settings, "CONGSO_DOSSIER_LOOKUP_PIN_LENGTH", 8))


def duplicate_minutes() -> int:
    return int(getattr(settings, "CONGSO_DOSSIER_DUPLICATE_MINUTES", 30))


def upload_max_bytes() -> int:
    return int(getattr(settings, "CONGSO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def upload_allowed_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "CONGSO_UPLOAD_ALLOWED_TYPES", DEFAULT_ALLOWED_TYPES))


def clamav_socket() -> str:
    return getattr(settings, "CONGSO_CLAMAV_SOCKET", "") or ""


def clamav_host() -> str:
    return getattr(settings, "CONGSO_CLAMAV_HOST", "") or ""


def clamav_port() -> int:
    return int(getattr(settings, "CONGSO_CLAMAV_PORT", 3310))


def clamav_timeout() -> float:
    return float(getattr(settings, "CONGSO_CLAMAV_TIMEOUT", 30))


def clamav_required() -> bool:
    return bool(getattr(settings, "CONGSO_CLAMAV_REQUIRED", False))
