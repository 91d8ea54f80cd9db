"""The officers' back office of the one-stop shop (mounted at ``/can-bo/ho-so/``, namespace ``dossiers``),
one module per page family:

- ``inbox_page``: the inbox — the officer's to-do, then the dossiers they may see, filtered and paged;
- ``inbox_xlsx``: the inbox's filtered list as XLSX;
- ``counter_intake``: counter intake (choose a procedure, then applicant, form and papers);
- ``dossier_page``: the dossier page and its downloads (papers, standard forms' PDFs, control sheet);
- ``actions``: the officer actions on a dossier (the table ``ACTIONS`` and the action page);
- ``logbook_page``: the logbook (form 07) and its PDF and XLSX downloads;
- ``common``: what they share (finding a visible dossier, the refusal page, the error summary).

Views are thin: lists come from ``inbox`` (named queries over ``Dossier.objects.visible_to``), every change
goes through ``services``, and who may do what comes from ``permissions.permissions_for`` and the status
machine (``states``). What higher blocks add to these pages (the processes' work items, the link to a
dossier's process) comes through ``dossiers.extensions``. A dossier the officer may not see is a 404 (its
existence is not disclosed); an action they may not take on a dossier they see is a 403; an action the
dossier's status does not allow now is a 409. Bad input re-renders the form with its errors and changes
nothing.
"""

from .actions import ACTIONS, Action, action, available_actions
from .counter_intake import intake, intake_form
from .dossier_page import control_sheet_xlsx, detail, form_pdf, paper
from .inbox_page import inbox_view
from .inbox_xlsx import inbox_export
from .logbook_page import logbook, logbook_pdf, logbook_xlsx

__all__ = [
    "ACTIONS",
    "Action",
    "action",
    "available_actions",
    "control_sheet_xlsx",
    "detail",
    "form_pdf",
    "inbox_export",
    "inbox_view",
    "intake",
    "intake_form",
    "logbook",
    "logbook_pdf",
    "logbook_xlsx",
    "paper",
]
