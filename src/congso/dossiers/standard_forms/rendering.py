"""One dossier's forms 01–06: their template context and their PDF."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from ..errors import InvalidDossierInput
from ..models import Dossier, Extension, FormCode
from .control_sheet import _control_sheet
from .layout import FORM_TITLES, _render
from .notices import _apology, _refusal, _stop_notice, _supplement_request
from .receipt import _receipt

_DOSSIER_FORMS = (
    FormCode.RECEIPT,
    FormCode.SUPPLEMENT_REQUEST,
    FormCode.REFUSAL,
    FormCode.APOLOGY_EXTENSION,
    FormCode.STOP_NOTICE,
    FormCode.CONTROL_SHEET,
)


def form_context(
    dossier: Dossier,
    form_code: str,
    *,
    base_url: str | None = None,
    extension: Extension | None = None,
    context_overrides: dict | None = None,
) -> dict:
    """The template context of form ``form_code`` ("01"–"06") for ``dossier`` (read from the database;
    nothing is written).

    ``base_url`` is the site's address for the status page link of form 01; ``extension`` picks the
    extension letter of form 04 (default: the latest); ``context_overrides`` is merged last and may
    carry ``document_number`` for forms 04–05.
    Errors: ``InvalidDossierInput`` for an unknown form code (07 is ``render_logbook``) or an extension
    of another dossier; ``FormNotAvailable`` (see the module docstring).
    """
    code = str(form_code).zfill(2)
    if code not in _DOSSIER_FORMS:
        raise InvalidDossierInput(
            _(
                "Mẫu phiếu “{code}” không có cho một hồ sơ; hồ sơ có các mẫu 01–06 (mẫu 07 là sổ theo dõi)."
            ).format(code=form_code),
            code="unknown_form",
        )
    with translation.override("vi"):
        if code == FormCode.RECEIPT:
            context = _receipt(dossier, base_url=base_url)
        elif code == FormCode.SUPPLEMENT_REQUEST:
            context = _supplement_request(dossier)
        elif code == FormCode.REFUSAL:
            context = _refusal(dossier)
        elif code == FormCode.APOLOGY_EXTENSION:
            context = _apology(dossier, extension, context_overrides)
        elif code == FormCode.STOP_NOTICE:
            context = _stop_notice(dossier, context_overrides)
        else:
            context = _control_sheet(dossier)
    context.update(context_overrides or {})
    return context


def render_form(
    dossier: Dossier,
    form_code: str,
    *,
    context_overrides: dict | None = None,
    base_url: str | None = None,
    extension: Extension | None = None,
) -> bytes:
    """Form ``form_code`` ("01"–"06") of ``dossier`` as PDF bytes (A4 portrait).

    Inputs as ``form_context``. The issuing agency's template overrides apply (module docstring).
    Checks no permission: the caller has (the portal only for the applicant's own dossier, the
    workspace with ``permissions.can(user, VIEW, dossier)``). Writes nothing.
    Errors: ``InvalidDossierInput``, ``FormNotAvailable``, ``core.pdf.PdfRenderError``.
    """
    context = form_context(
        dossier, form_code, base_url=base_url, extension=extension, context_overrides=context_overrides
    )
    code = context["form_code"]
    return _render(context, code, title=f"{FORM_TITLES[code]} – {dossier.code}", agency=context["agency"])
