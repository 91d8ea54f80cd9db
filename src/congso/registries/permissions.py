"""Who may do what with the registries' data (one place, tested as a matrix).

- An officer who may see a dossier (``dossiers.services.can(user, VIEW, …)``) sees its verification
  panel; one who may receive it (``RECEIVE``) or process it may re-query the registers.
- A citizen or business sees, downloads and deletes only their own data-store items (results issued by
  an agency: see and download, never delete) and only their own "who used my data".
"""

from congso.dossiers import permissions as dossier_permissions
from congso.dossiers import services as dossier_services

from .models import ItemKind


def can_see_verification(user, dossier) -> bool:
    return bool(user and user.is_authenticated) and dossier_services.can(
        user, dossier_permissions.VIEW, dossier
    )


def can_requery(user, dossier) -> bool:
    if not can_see_verification(user, dossier) or getattr(user, "kind", "") != "official":
        return False
    return any(
        dossier_services.can(user, action, dossier)
        for action in (dossier_permissions.RECEIVE, dossier_permissions.PROCESS)
    )


def can_use_data_store(user) -> bool:
    return bool(user and user.is_authenticated) and getattr(user, "kind", "") in ("citizen", "business")


def can_delete_item(user, item) -> bool:
    return can_use_data_store(user) and item.owner_id == user.pk and item.kind == ItemKind.UPLOADED
