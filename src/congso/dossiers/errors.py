"""Errors raised by ``dossiers.services``. Each is a ``ValidationError`` carrying a Vietnamese message,
so a form view can show it as it is (``form.add_error(None, error)``); nothing was changed when one is
raised. ``PermissionDenied`` (Django's) is raised for refused authorisation."""

from django.core.exceptions import ValidationError


class DossierError(ValidationError):
    """Base of the dossier block's errors."""


class IllegalTransition(DossierError):
    """The status machine does not allow this action from the dossier's current status."""


class VersionNotInForce(DossierError):
    """The procedure version is not in force on the day of submission."""


class SupplementAlreadyRequested(DossierError):
    """A dossier may be asked for a supplement only once."""


class InvalidDossierInput(DossierError):
    """Missing or malformed input (applicant details, papers, items, dates...)."""
