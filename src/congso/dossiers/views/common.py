"""What every page of the officers' back office shares: finding a dossier the officer may see, the
refusal page, the error summary, the officer's agencies for a permission, and file responses."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, services
from ..models import Dossier


def refuse_page(request, reason, *, status=403, dossier=None):
    """The page of a refused action, in the workspace frame (403 forbidden, 409 not now)."""
    return render(
        request,
        "dossiers/refused.html",
        {"reason": reason, "dossier": dossier, "conflict": status == 409},
        status=status,
    )


def get_visible(user, code: str) -> Dossier:
    """The dossier ``code`` if ``user`` may see it; otherwise 404 — the same answer whether it does not
    exist or is not theirs."""
    return visible_with_permissions(user, code)[0]


def visible_with_permissions(user, code: str) -> tuple[Dossier, set]:
    """The dossier ``code`` and everything ``user`` may do with it (``permissions.permissions_for``), if
    that includes seeing it; otherwise 404, as ``get_visible``. The dossier is read by code and the
    rule checked on it (``can(VIEW)``, which ``visible_to`` is derived from), so a page that needs the
    permissions as well works them out once."""
    try:
        dossier = services.find_by_code(code, with_applicant=True)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    granted = permissions.permissions_for(user, dossier)
    if permissions.VIEW not in granted:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier, granted


def error_summary(*forms_) -> list[dict]:
    """Every error of ``forms_`` for the error summary, each linking to its field."""
    summary = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            summary.append({"href": "", "message": message})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            for message in errors:
                summary.append(
                    {"href": f"#{bound.id_for_label}" if not bound.is_hidden else "", "message": message}
                )
    return summary


def moment(value, tz=None) -> str:
    """A moment as the pages write it ("09:30 27/03/2026", local time), "" for none. A list passes
    ``tz`` (the current time zone, read once) rather than having it looked up again for every cell."""
    return timezone.localtime(value, tz).strftime("%H:%M %d/%m/%Y") if value else ""


def officer_agencies_granting(request, permission, relation) -> list:
    """The agencies where the signed-in officer holds a role granting ``permission`` through
    ``relation``, by name, from the memberships the workspace guard has read already (both the
    membership and its agency in force)."""
    held: dict[int, set[str]] = {}
    agencies = {}
    for membership in request.officer.memberships:
        held.setdefault(membership.agency_id, set()).add(membership.role)
        agencies[membership.agency_id] = membership.agency
    ids = permissions.agency_ids_granting(held, permission, relation)
    return sorted((agencies[i] for i in ids), key=lambda a: (a.name, a.pk))


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
