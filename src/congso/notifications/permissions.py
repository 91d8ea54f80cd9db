"""Who may do what with notifications: the one place the rules live.

- An in-app message is read and marked read only by the account it was addressed to (``can_read``);
  the services filter by account, so another's message is never touched, whatever id is posted.
- Preferences are changed only by the account they belong to (the views act on ``request.user``).
- A delivery report is accepted only with the token signed for its message id (``report_authentic``).
- Templates and the notification list in the admin are platform-only (the admin's default).
- An officer sees a dossier's notifications on the dossier page, which already checked that the
  officer may see the dossier; contact details there are masked.
"""

import hmac

from .channels import callback_token


def can_read(user, notification) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and notification.recipient_id is not None
        and notification.recipient_id == user.pk
    )


def report_authentic(request_id: str, token: str) -> bool:
    # As bytes: compare_digest raises TypeError on a str with non-ASCII characters (a forged token).
    return bool(request_id and token) and hmac.compare_digest(
        callback_token(request_id).encode(), token.encode("utf-8", "replace")
    )
