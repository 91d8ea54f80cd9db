"""What the blocks' admin classes share: ``ReadOnlyAdminMixin`` for rows the platform writes itself
(audit entries, outbox events, process instances, dossiers, drafts…), shown in the admin but never added,
changed or deleted by hand. For a ``ModelAdmin`` and for an inline alike."""


class ReadOnlyAdminMixin:
    """No adding, changing or deleting from the admin; the rows stay visible to whoever may view them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
