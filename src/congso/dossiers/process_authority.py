"""The authority of a running BPMN process over one dossier (``ProcessAuthority``), and the one function
that issues it.

Only ``congso.workflow.engine`` imports ``issue_process_authority``; ``dossiers.permissions`` re-exports
``ProcessAuthority`` and ``require_process_authority`` for the services. The import contract
``process-authority`` in pyproject.toml and ``tests/test_architecture.py`` keep every other module out.
"""

import weakref

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

_issued: "weakref.WeakSet[ProcessAuthority]" = weakref.WeakSet()


class ProcessAuthority:
    """The authority of one running BPMN process over one dossier — the engine's token.

    Why a token: the steps of a procedure's process are done by officers of several units and agencies
    (a clerk, the police in a liên thông branch), and some paths are fired by timers with no officer at
    all. The engine has already decided who may complete each step (the step's lane: role and agency);
    what follows from the drawing — the hand-over to the next unit, the status changes of the service
    tasks — is then the process's act, not that officer's. ``dossiers.services`` accepts it instead of an
    officer's permission in ``hand_over_by_process``, ``start_processing``, ``request_supplement``,
    ``mark_result_ready``, ``attach_process`` and ``release_process``, records no person as the actor
    (``by``/``given_by`` empty) but ``label`` ("Quy trình: <name> (phiên bản <n>)"), and names in the audit
    entry the officer whose completed step led there (``step_completed_by``, ``None`` on a timer path).

    How it is kept from views: a token is only valid if it was made by ``issue_process_authority``; the
    constructor refuses to build one; the services check that the token was issued here (``_issued``,
    identity, not equality) and for this very dossier. Who may issue one is decided statically: only
    ``congso.workflow.engine`` (and ``dossiers.permissions``, which re-exports the checks) may import this
    module — an import-linter contract and ``tests/test_architecture.py`` fail the build otherwise.
    Python cannot stop deliberate tampering with private names — this guards against the realistic
    mistake, a view or another block reaching for the process's rights, and makes each use easy to find
    in review.
    """

    __slots__ = ("dossier_id", "process_ref", "label", "step_completed_by", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("ProcessAuthority is issued by the workflow engine only (issue_process_authority).")

    def __setattr__(self, name, value):
        raise AttributeError("ProcessAuthority is read-only.")

    def __repr__(self) -> str:
        return f"<ProcessAuthority {self.process_ref} dossier={self.dossier_id}>"


def issue_process_authority(
    *, dossier, process_ref: str, label: str, step_completed_by=None
) -> ProcessAuthority:
    """A ``ProcessAuthority`` for ``dossier``: ``process_ref`` identifies the process (e.g. its key and
    version), ``label`` is what the control sheet and the history show as the actor,
    ``step_completed_by`` the officer whose completed step led here (``None`` for a timer).

    Only the workflow engine imports this function (checked by the import contracts).
    """
    token = object.__new__(ProcessAuthority)
    for name, value in (
        ("dossier_id", dossier.pk),
        ("process_ref", str(process_ref)),
        ("label", str(label)[:200]),
        ("step_completed_by", step_completed_by),
    ):
        object.__setattr__(token, name, value)
    _issued.add(token)
    return token


def require_process_authority(authority, dossier) -> ProcessAuthority:
    """Raise ``PermissionDenied`` unless ``authority`` is a token issued by the engine for ``dossier``."""
    valid = (
        isinstance(authority, ProcessAuthority)
        and authority in _issued
        and authority.dossier_id is not None
        and authority.dossier_id == dossier.pk
    )
    if not valid:
        raise PermissionDenied(
            _("Thao tác với hồ sơ {code} chỉ được thực hiện theo quy trình xử lý của hồ sơ.").format(
                code=dossier.code
            )
        )
    return authority
