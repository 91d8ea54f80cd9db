"""The standard forms of the one-stop mechanism as PDF documents (Circular 03/2025/TT-VPCP, Appendix I;
STANDARDS §1), laid out as Vietnamese administrative documents (Decree 30/2020, STANDARDS §5).

Public API (the officers' workspace and the portal call these; they check permissions first):

- ``render_form(dossier, form_code, *, context_overrides=None, base_url=None, extension=None) -> bytes``
  — forms 01–06 of one dossier as PDF (06 = its control sheet).
- ``form_context(dossier, form_code, *, base_url=None, extension=None) -> dict`` — what the template
  receives, for a view that wants to show the same content as HTML or check it.
- ``render_submission_confirmation(dossier, *, base_url=None) -> bytes`` — the confirmation of an
  online submission ("Giấy xác nhận đã nộp hồ sơ trực tuyến"), available at once; form 01 is issued only
  when the dossier is received (accepted online or received at the counter).
- ``render_logbook(agency, start, end) -> bytes`` — form 07, the logbook of the dossiers an agency
  received between two dates (inclusive), landscape.
- ``control_sheet_rows(dossier)`` and ``logbook_rows(agency, start, end)`` — the rows of forms 06 and
  07, shared with ``exports`` (XLSX).
- ``FormNotAvailable`` — raised (a ``ValidationError`` with a Vietnamese message) when the dossier has
  nothing the form could state: form 02 without a supplement request, 03 without a refusal, 04 without
  an extension, 05 without a stop, 01 for a dossier not received (awaiting reception or refused at
  reception).

Modules: ``layout`` (what every form shares: titles, formatting, header, signatures, templates and PDF
rendering), ``receipt`` (form 01 and the confirmation of an online submission), ``notices`` (forms
02–05), ``control_sheet`` (form 06), ``rendering`` (one dossier's forms 01–06), ``logbook`` (form 07).

Choices documented here:

- **Who issues each form.** 01, 02 (when asked at reception), 03 and 06 are headed by the receiving
  agency's one-stop unit ("UBND PHƯỜNG … / BỘ PHẬN MỘT CỬA"). 02 asked during processing, 04 and 05 are
  headed by the agency that held the dossier when the form was issued (the receiving unit of the
  hand-over open at that moment), under its managing agency, and signed by that agency's configured
  signer (``agencies.services.document_settings_for``).
- **The receipt number** ("Số: 07/TN") is the dossier's entry number in the receiving agency's logbook
  for the year of reception: numbering runs from 01 on 1 January (Decree 30/2020), and form 07 prints
  the same number in its first column, so the two always agree. Online dossiers not yet accepted have
  no number and no form 01 yet: their applicant has the confirmation of submission.
- **Where the result is returned** (form 01, point 6): online ("trả kết quả trực tuyến") for a dossier
  submitted online under a fully online procedure or whose return method is electronic; by post when
  chosen; otherwise the one-stop desk.
- **Documents numbered by the clerk** (04, 05) leave the number blank ("Số:      /TB-UBND"), as a
  document awaiting registration does; a caller holding the registered number passes it in
  ``context_overrides={"document_number": "12"}``.
- **Always Vietnamese.** These are official papers: they are rendered in Vietnamese whatever the
  reader's interface language. Their wording still goes through gettext (Vietnamese msgids) so that an
  installation can adjust it in its locale files; the forms' legal titles are plain constants.
- **Personal data.** Each form prints only what it needs: the applicant's name and address everywhere,
  phone and e-mail on the receipt and the supplement request (to be contacted), never the national ID;
  the lookup PIN only on the receipt (01).
- **Agency overrides.** The administrator adjusts header and signer in ``AgencyDocumentSettings``. A
  template ``dossiers/standard_forms/<agency code>/formNN.html`` (or ``base.html``), anywhere on the
  template path, replaces the default for that agency.
- **Status page address.** The receipt prints ``<base>/tra-cuu/<code>/`` and its QR code. ``<base>``
  is ``base_url`` (a view passes ``request.build_absolute_uri("/")``), else the setting
  ``CONGSO_PUBLIC_BASE_URL``, else — in the demo profile (or DEBUG) — ``http://127.0.0.1:8000``; without any,
  only the path is printed and encoded.
"""

from ..models import FormCode
from .control_sheet import ControlSheetRow, allotted_label, control_sheet_rows
from .layout import (
    FORM_TITLES,
    SUBMISSION_CONFIRMATION_TITLE,
    TEMPLATE_DIR,
    FormNotAvailable,
    clock_and_date,
    document_settings,
    long_date,
    place_and_date,
    register_number,
    short_moment,
    status_path,
    status_url,
    template_names,
)
from .logbook import LogbookRow, logbook_pdf_max_rows, logbook_rows, render_logbook
from .receipt import render_submission_confirmation, submission_confirmation_context
from .rendering import form_context, render_form

__all__ = [
    "FORM_TITLES",
    "SUBMISSION_CONFIRMATION_TITLE",
    "TEMPLATE_DIR",
    "ControlSheetRow",
    "FormCode",
    "FormNotAvailable",
    "LogbookRow",
    "allotted_label",
    "clock_and_date",
    "control_sheet_rows",
    "document_settings",
    "form_context",
    "logbook_pdf_max_rows",
    "logbook_rows",
    "long_date",
    "place_and_date",
    "register_number",
    "render_form",
    "render_logbook",
    "render_submission_confirmation",
    "short_moment",
    "status_path",
    "status_url",
    "submission_confirmation_context",
    "template_names",
]
