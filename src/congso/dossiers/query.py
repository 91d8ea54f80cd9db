"""Named queries over dossiers, starting with the one every view uses: what a user may see.

``Dossier.objects.visible_to(user)`` is derived from ``permissions.ROLE_GRANTS`` (the VIEW permission),
so it always agrees with ``permissions.can(user, VIEW, dossier)``.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DossierQuerySet":
        """Dossiers ``user`` may see: their own as applicant or submitter, and, for officers, those whose
        receiving, current or a participating agency is one where they hold a role granting VIEW."""
        from . import permissions

        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or not getattr(user, "is_active", True)
        ):
            return self.none()
        condition = Q(applicant=user) | Q(submitted_by=user)
        held = permissions.held_roles(user)
        fields = {permissions.RECEIVING: "receiving_agency_id", permissions.CURRENT: "current_agency_id"}
        for relation in permissions.RELATIONS if held else ():
            agency_ids = permissions.agency_ids_granting(held, permissions.VIEW, relation)
            if not agency_ids:
                continue
            if relation in fields:
                condition |= Q(**{f"{fields[relation]}__in": agency_ids})
            else:
                # A correlated EXISTS rather than a join (a dossier seen through several agencies appears
                # once) or an IN list (PostgreSQL would hash every dossier of the agency on each search).
                through = self.model.processing_agencies.through
                condition |= Q(
                    Exists(through.objects.filter(dossier_id=OuterRef("pk"), agency_id__in=agency_ids))
                )
        return self.filter(condition)

    def reporting_rows(self, ids) -> list[dict]:
        """What the reporting block counts of the dossiers ``ids``: identifiers, agency, procedure and
        field codes, channel, status and the moments that date it (never personal data)."""
        return list(
            self.filter(pk__in=list(ids)).values(
                "id",
                "code",
                "receiving_agency_id",
                "channel",
                "status",
                "submitted_at",
                "finished_at",
                "due_at",
                "timeliness",
                procedure_code=models.F("procedure_version__procedure__code"),
                field_code=models.F("procedure_version__procedure__field__code"),
            )
        )

    def ids_after(self, last_id: int, count: int) -> list[int]:
        """Up to ``count`` dossier ids above ``last_id``, ascending (for a batch job walking them all)."""
        return list(self.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:count])

    def of_applicant(self, user) -> "DossierQuerySet":
        """The dossiers a citizen or business sees under "my dossiers" (own or submitted for others)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(applicant=user) | Q(submitted_by=user))

    def open(self) -> "DossierQuerySet":
        """Dossiers still awaiting a decision or a result (their deadline is watched)."""
        from .states import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def clock_running(self) -> "DossierQuerySet":
        """Open dossiers whose deadline counts now (not paused for a supplement)."""
        return self.open().filter(paused_at__isnull=True, due_at__isnull=False)

    def probable_duplicates(
        self, *, procedure, since, national_id: str = "", name: str = "", phone: str = ""
    ) -> "DossierQuerySet":
        """Dossiers for ``procedure`` submitted at or after ``since`` by what is probably the same
        applicant: the same national ID or tax code, or the same name and phone number. Empty when the
        applicant gave neither, as a name alone is too weak to warn about."""
        same_applicant = Q()
        if national_id:
            same_applicant |= Q(applicant_national_id=national_id)
        if name and phone:
            same_applicant |= Q(applicant_name__iexact=name, applicant_phone=phone)
        if not same_applicant:
            return self.none()
        return self.filter(
            same_applicant, procedure_version__procedure=procedure, submitted_at__gte=since
        ).order_by("-submitted_at", "-id")
