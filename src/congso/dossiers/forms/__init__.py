"""Django forms of the officers' back office, one module per page family: ``inbox_filters`` (the inbox's
filters), ``intake`` (counter intake), ``actions`` (the officer actions on a dossier, hand-over included),
``logbook`` (form 07); ``base`` holds what they share. Labels, hints and errors are Vietnamese (gettext
msgids); the field names are what the pages post.

The forms check what a person can get wrong on the page; ``dossiers.services`` checks everything again
and remains the authority — its errors are shown on the same form (``Form.add_service_error``).
"""

from .actions import (
    QUEUE,
    AcceptForm,
    ConfirmForm,
    ExtendForm,
    HandOverForm,
    HandOverUnitForm,
    ProvideSupplementForm,
    RecordPaymentForm,
    RefuseForm,
    RequestPaymentForm,
    ResultReadyForm,
    ReturnResultForm,
    StopForm,
    SuggestionsInput,
    SupplementRequestForm,
    WithdrawForm,
    WorkingHoursField,
    unit_choices,
)
from .base import (
    DATE_FORMATS,
    DATE_HINT,
    MAX_FILES,
    MAX_LINE,
    MAX_LINES,
    Form,
    MultipleFileInput,
    PaperFilesField,
    clean_identifier,
    lines,
)
from .inbox_filters import STATUS_ALL, STATUS_OPEN, InboxFilterForm
from .intake import PHONE_RE, RELATION_SELF, RELATIONS, IntakeApplicantForm, IntakePapersForm
from .logbook import LOGBOOK_MAX_DAYS, LogbookForm

__all__ = [
    "DATE_FORMATS",
    "DATE_HINT",
    "LOGBOOK_MAX_DAYS",
    "MAX_FILES",
    "MAX_LINE",
    "MAX_LINES",
    "PHONE_RE",
    "QUEUE",
    "RELATIONS",
    "RELATION_SELF",
    "STATUS_ALL",
    "STATUS_OPEN",
    "AcceptForm",
    "ConfirmForm",
    "ExtendForm",
    "Form",
    "HandOverForm",
    "HandOverUnitForm",
    "InboxFilterForm",
    "IntakeApplicantForm",
    "IntakePapersForm",
    "LogbookForm",
    "MultipleFileInput",
    "PaperFilesField",
    "ProvideSupplementForm",
    "RecordPaymentForm",
    "RefuseForm",
    "RequestPaymentForm",
    "ResultReadyForm",
    "ReturnResultForm",
    "StopForm",
    "SuggestionsInput",
    "SupplementRequestForm",
    "WithdrawForm",
    "WorkingHoursField",
    "clean_identifier",
    "lines",
    "unit_choices",
]
