"""Named queries over dossiers, starting with the one every view uses: what a user may see.

``Dossier.objects.visible_to(user)`` is derived from ``permissions.ROLE_GRANTS`` (the VIEW permission),
so it always agrees with ``permissions.can(user, VIEW, dossier)``.
"""

from django.db import connections, models
from django.db.models import Exists, OuterRef, Q

from congso.core import rows


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


# What ``probable_duplicates`` reads of each dossier: what the counter's warning shows, and what
# ``permissions.permissions_for`` needs to tell whether the officer may see it.
DUPLICATE_COLUMNS = (
    "id",
    "code",
    "applicant_name",
    "submitted_at",
    "applicant_id",
    "submitted_by_id",
    "receiving_agency_id",
    "current_agency_id",
)
DUPLICATES_READ = 50


def probable_duplicates(
    *, procedure_id, since, national_id: str = "", name: str = "", phone: str = "", except_key: str = ""
) -> list:
    """Dossiers for the procedure ``procedure_id`` submitted at or after ``since`` by what is probably the
    same applicant: the same national ID or tax code, or the same name (any case) and phone number;
    not the one of idempotency key ``except_key``; newest first, at most ``DUPLICATES_READ``. Empty when
    the applicant gave neither, as a name alone is too weak to warn about.

    Checks no permission (the caller keeps those the officer may see). A named query, because every
    counter intake asks: the dossiers come back with only ``DUPLICATE_COLUMNS`` loaded (as ``only()``
    gives them), and the name is compared as Django's ``iexact`` compares it on this database."""
    from .models import Dossier  # the model module imports this one (its manager)

    connection = connections[Dossier.objects.db]
    quote, ops = connection.ops.quote_name, connection.ops
    same_applicant, params = [], []
    if national_id:
        same_applicant.append("applicant_national_id = %s")
        params.append(national_id)
    if name and phone:
        name_column = ops.lookup_cast("iexact", "CharField") % quote("applicant_name")
        same_applicant.append(
            f"({name_column} {connection.operators['iexact'] % '%s'} AND applicant_phone = %s)"
        )
        params += [ops.prep_for_iexact_query(name), phone]
    if not same_applicant:
        return []
    versions = Dossier._meta.get_field("procedure_version").related_model
    # In the model's field order: how ``from_db`` reads the values of a partly loaded instance.
    fields = [f for f in Dossier._meta.concrete_fields if f.attname in DUPLICATE_COLUMNS]
    # S608: the tables and columns are the models' own names, the comparisons Django's own for this
    # database; every value is a parameter.
    sql = (
        f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(Dossier._meta.db_table)} "  # noqa: S608
        f"WHERE ({' OR '.join(same_applicant)}) AND submitted_at >= %s AND procedure_version_id IN "
        f"(SELECT id FROM {quote(versions._meta.db_table)} WHERE procedure_id = %s) "
        "AND (idempotency_key IS NULL OR idempotency_key <> %s) "
        f"ORDER BY submitted_at DESC, id DESC LIMIT {DUPLICATES_READ}"
    )
    params += [ops.adapt_datetimefield_value(since), procedure_id, except_key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    names = [f.attname for f in fields]
    moment_at = names.index("submitted_at")
    return [
        Dossier.from_db(
            connection.alias, names, [rows.moment(v) if i == moment_at else v for i, v in enumerate(row)]
        )
        for row in found
    ]
