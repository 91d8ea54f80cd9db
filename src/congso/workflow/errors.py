"""Errors of the workflow block. Each is a ``ValidationError`` with a Vietnamese message; when one is
raised, nothing was changed."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class WorkflowError(ValidationError):
    """A workflow operation was refused or failed."""


class ConcurrentUpdate(WorkflowError):
    """Another operation saved the instance first; reload and try again."""


class BpmnRejected(ValidationError):
    """An uploaded BPMN file was refused; ``errors`` is ``[(line, message_vi)]`` (line 0: whole file)."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = list(errors)
        super().__init__([format_error(line, message) for line, message in self.errors])


def format_error(line: int, message: str) -> str:
    """``"Dòng 12: …"``, or the message alone for a problem of the whole file (line 0)."""
    if line:
        return _("Dòng %(line)s: %(message)s") % {"line": line, "message": message}
    return message
