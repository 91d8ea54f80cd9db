"""What the blocks' admin classes share: ``ReadOnlyAdminMixin`` for rows the platform writes itself
(audit entries, outbox events, process instances, dossiers, drafts…), shown in the admin but never added,
changed or deleted by hand. For a ``ModelAdmin`` and for an inline alike. ``ValuesListFilter`` for a list
filter on a text field that may be blank."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdminMixin:
    """No adding, changing or deleting from the admin; the rows stay visible to whoever may view them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ValuesListFilter(admin.AllValuesFieldListFilter):
    """Every value of a text field; a blank value is named "(trống)" instead of being an empty link that a
    screen reader announces with no name."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "":
                choice["display"] = _("(trống)")
            yield choice
