"""The one rule for "valid on a date": an abstract model for rows that hold a validity period.

A period runs from ``valid_from`` to ``valid_to``, both inclusive (``valid_to`` is the last day in
force); an empty end means "open". ``is_valid_on(day)`` answers for one row, ``valid_on(day)`` filters
a queryset, and ``valid_on_q(day, prefix)`` is the same condition for rows reached through a relation
(``valid_on_q(day, "agency__")``). "Today" is the local date of ``settings.TIME_ZONE``.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["EffectiveDated", "EffectiveDatedQuerySet", "valid_on_q"]


def valid_on_q(day: date | None = None, prefix: str = "") -> Q:
    """Rows (or, with a prefix such as ``"agency__"``, related rows) in force on ``day`` (today by
    default)."""
    day = day or timezone.localdate()
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class EffectiveDatedQuerySet(models.QuerySet):
    def valid_on(self, day: date | None = None):
        """Rows in force on ``day`` (today by default)."""
        return self.filter(valid_on_q(day))


class EffectiveDated(models.Model):
    """A row in force from ``valid_from`` to ``valid_to`` (both optional, both inclusive)."""

    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day: date | None = None) -> bool:
        """Whether this row is in force on ``day`` (today by default); the same rule as ``valid_on``."""
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )
