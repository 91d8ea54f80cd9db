"""The public status page (``tra-cuu/``): for a dossier code alone it shows nothing personal — the code,
the procedure, the status in plain words, the receiving agency and the appointment. With the second
factor — the lookup PIN printed on the receipt, or the phone number the applicant gave — it adds the
history (steps, dates, units; no officer's name, no free text) and the applicant's initials, and writes
an audit entry. Lookups are limited per client address and wrong factors per address that tried
(``portal.services`` names the settings), counted in the database so every web process shares them.
"""

import hmac
import re

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from congso.core import audit, ratelimit
from congso.core.net import client_address
from congso.dossiers import services as dossier_services

from .. import services
from .dossier_display import deadline_state, history

# Rate-limit scopes of the public status page (counted by ``core.ratelimit``, per client address).
LOOKUP_SCOPE = "portal.lookup"
FACTOR_SCOPE = "portal.lookup.wrong_factor"

_CODE_SHAPE = re.compile(r"^[0-9A-Z.\-]{5,40}$")
_DUMMY_SECRET = b"--------"


def _client_ip(request) -> str:
    # The address the audit log uses (core.net: behind trusted proxies, the forwarded client address).
    return client_address(request) or "unknown"


def normalise_code(value: str) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


def _normalise_pin(value: str) -> str:
    return re.sub(r"[\s\-]", "", value).upper()


def _normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def second_factor(dossier, given: str) -> str:
    """ "pin" or "phone" when ``given`` is the dossier's lookup PIN or the applicant's full phone number,
    else "". Compared in constant time; with no dossier, a dummy comparison keeps the timing alike."""
    pin = _normalise_pin(given).encode()
    phone = _normalise_phone(given).encode()
    if dossier is None:
        hmac.compare_digest(pin, _DUMMY_SECRET)
        hmac.compare_digest(phone, _DUMMY_SECRET)
        return ""
    known_pin = (dossier.lookup_pin or "").upper().encode()
    known_phone = _normalise_phone(dossier.applicant_phone).encode()
    pin_ok = hmac.compare_digest(pin, known_pin) and bool(known_pin)
    phone_ok = hmac.compare_digest(phone, known_phone) and len(known_phone) >= 9
    return "pin" if pin_ok else "phone" if phone_ok else ""


def initials(name: str) -> str:
    """ "Nguyễn Văn An" → "N. V. A." — all the status page says about who applied."""
    return " ".join(f"{part[0].upper()}." for part in str(name or "").split() if part)


def _find(code: str):
    if not _CODE_SHAPE.match(code):
        return None
    try:
        return dossier_services.find_by_code(code)
    except ObjectDoesNotExist:
        return None


def _too_many(request, *, scope: str, window: int):
    response = render(
        request,
        "portal/lookup/too_many.html",
        {"scope": scope, "minutes": max(1, round(window / 60))},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


def _own_dossier_url(request, dossier) -> str:
    if not request.user.is_authenticated:
        return ""
    try:
        dossier_services.get_for_applicant(request.user, dossier.public_id)
    except ObjectDoesNotExist:
        return ""
    return reverse("portal:my-dossier", kwargs={"public_id": dossier.public_id})


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request, code=""):
    """The public status page. GET shows the form, or looks up the code given in the address
    (``tra-cuu/<code>/``, printed with a QR code on the receipt, or ``?ma-ho-so=``); POST looks up the
    code and, with the second factor, the history."""
    if request.method == "POST":
        code_text = request.POST.get("code", "")
    else:
        code_text = code or request.GET.get("ma-ho-so", "")
    factor_text = request.POST.get("second_factor", "").strip() if request.method == "POST" else ""
    context = {"code": code_text.strip(), "code_error": "", "factor_error": "", "error_summary": []}
    if request.method == "GET" and not code_text:
        return render(request, "portal/lookup/form.html", context)
    ip = _client_ip(request)
    # Counted and checked in one step (``take``), so parallel requests cannot overshoot the limit.
    if not ratelimit.take(
        LOOKUP_SCOPE, ip, limit=services.lookup_ip_limit(), window=services.lookup_ip_window()
    ):
        return _too_many(request, scope="ip", window=services.lookup_ip_window())
    code = normalise_code(code_text)
    if not code:
        message = _("Vui lòng nhập mã hồ sơ.")
        context["code_error"] = message
        context["error_summary"] = [{"href": "#ma-ho-so", "message": message}]
        return render(request, "portal/lookup/form.html", context, status=400)
    dossier = _find(code)
    factor = ""
    if factor_text:
        # Wrong second factors are limited per address that tried, never per dossier: a stranger's
        # guesses must not lock the owner out. Each try is counted as wrong before it is checked (so
        # parallel guesses cannot exceed the limit) and given back when it was right.
        window, now = services.lookup_code_window(), timezone.now()
        limit = services.lookup_code_failure_limit()
        if not ratelimit.take(FACTOR_SCOPE, ip, limit=limit, window=window, now=now):
            return _too_many(request, scope="factor", window=window)
        factor = second_factor(dossier, factor_text)
        if factor:
            ratelimit.give_back(FACTOR_SCOPE, ip, window=window, now=now)
    if dossier is None:
        message = _(
            "Không tìm thấy hồ sơ có mã này. Kiểm tra lại mã hồ sơ in trên biên nhận, "
            "gồm cả dấu chấm và gạch ngang."
        )
        context["code_error"] = message
        context["error_summary"] = [{"href": "#ma-ho-so", "message": message}]
        return render(request, "portal/lookup/form.html", context, status=404)
    context.update(
        {
            "dossier": dossier,
            "procedure": dossier.procedure_version.procedure,
            "status_label": services.status_label(dossier.status),
            "sentence": services.status_explanation(dossier.status),
            "deadline": deadline_state(dossier),
            "own_url": _own_dossier_url(request, dossier),
        }
    )
    if factor_text and not factor:
        message = _("Mã tra cứu hoặc số điện thoại không khớp với hồ sơ này.")
        context["factor_error"] = message
        context["error_summary"] = [{"href": "#ma-xac-thuc", "message": message}]
    elif factor:
        audit.record(
            "portal.dossier_lookup",
            dossier,
            changes={"factor": factor},
            label="tra cứu công khai",
        )
        context.update(
            {
                "verified": True,
                "initials": initials(dossier.applicant_name),
                "history": history(dossier_services.timeline(dossier), with_text=False),
            }
        )
    return render(request, "portal/lookup/form.html", context)
