"""Reading dossiers: what a person may see, one dossier by public id, primary key or code, its
timeline as people read it, and whether an officer may receive at a counter somewhere. Nothing here
writes."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Q
from django.utils.translation import gettext as _

from congso.core import rows

from .. import permissions, states
from ..models import Channel, Dossier, DossierPaper, Extension, HandOver, StatusChange, SupplementRequest


def visible_to(user):
    """The dossiers ``user`` may see (``Dossier.objects.visible_to``), for lists and searches."""
    return Dossier.objects.visible_to(user)


def get_for_applicant(user, public_id_or_code) -> Dossier:
    """The dossier with this public id (UUID) or code, if it belongs to ``user`` (as applicant or as the
    person who submitted it). Raises ``Dossier.DoesNotExist`` otherwise — the same error whether it
    does not exist or is someone else's, so nothing leaks."""
    value = str(public_id_or_code or "").strip()
    condition = Q(code=value.upper())
    try:
        condition |= Q(public_id=uuid.UUID(value))
    except ValueError:
        pass
    return (
        Dossier.objects.of_applicant(user)
        .select_related("procedure_version__procedure", "receiving_agency", "current_agency")
        .get(condition)
    )


def get_visible(user, pk) -> Dossier:
    """The dossier with primary key ``pk`` if ``user`` may see it (``visible_to``). Raises
    ``Dossier.DoesNotExist`` otherwise — the same error whether it does not exist or is hidden."""
    return (
        visible_to(user)
        .select_related("procedure_version__procedure", "receiving_agency", "current_agency")
        .get(pk=pk)
    )


def find_by_code(code: str, *, with_applicant: bool = False) -> Dossier:
    """The dossier with ``code`` (spaces ignored, case-insensitive), its version, procedure, receiving
    and current agency loaded, and with ``with_applicant`` its applicant's account. Raises
    ``Dossier.DoesNotExist``.

    It checks no permission: callers that show the dossier to a person must check
    ``can(user, VIEW, dossier)`` or, on the public status page, the lookup PIN.

    Every dossier page starts here, so this is a named query (``core.rows``): the same instances as
    ``select_related("procedure_version__procedure", "receiving_agency", "current_agency"[, "applicant"])``
    without building and compiling that six-table queryset on each request."""
    connection = connections[Dossier.objects.db]
    models = _dossier_models(with_applicant)
    row = _dossier_row(connection, models, str(code or "").strip().upper())
    if row is None:
        raise Dossier.DoesNotExist("Dossier matching query does not exist.")
    dossier, version, procedure, receiving, current, *applicant = rows.instances(row, models, connection)
    Dossier._meta.get_field("procedure_version").set_cached_value(dossier, version)
    version._meta.get_field("procedure").set_cached_value(version, procedure)
    Dossier._meta.get_field("receiving_agency").set_cached_value(dossier, receiving)
    Dossier._meta.get_field("current_agency").set_cached_value(dossier, current)
    if with_applicant:
        Dossier._meta.get_field("applicant").set_cached_value(dossier, applicant[0])
    return dossier


def _dossier_models(with_applicant: bool) -> tuple:
    """The models whose columns ``_dossier_row`` reads, in order, taken from the relations as
    ``select_related`` takes them."""
    version = Dossier._meta.get_field("procedure_version").related_model
    procedure = version._meta.get_field("procedure").related_model
    agency = Dossier._meta.get_field("receiving_agency").related_model
    found = (Dossier, version, procedure, agency, agency)
    return (*found, get_user_model()) if with_applicant else found


def _dossier_row(connection, models, code: str):
    dossier, version, procedure, agency = models[:4]
    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    def table(model, alias):
        return f"{quote(model._meta.db_table)} {alias}"

    def pk(model):
        return quote(model._meta.pk.column)

    aliases = ("d", "v", "p", "r", "c", "u")[: len(models)]
    joins = [
        f"JOIN {table(version, 'v')} ON v.{pk(version)} = d.{column(dossier, 'procedure_version')}",
        f"JOIN {table(procedure, 'p')} ON p.{pk(procedure)} = v.{column(version, 'procedure')}",
        f"JOIN {table(agency, 'r')} ON r.{pk(agency)} = d.{column(dossier, 'receiving_agency')}",
        f"JOIN {table(agency, 'c')} ON c.{pk(agency)} = d.{column(dossier, 'current_agency')}",
    ]
    if len(models) > 5:
        account = models[5]
        joins.append(f"LEFT JOIN {table(account, 'u')} ON u.{pk(account)} = d.{column(dossier, 'applicant')}")
    # S608: the tables, aliases and columns are the models' own names; the code is a parameter.
    sql = (
        f"SELECT {rows.select(zip(models, aliases, strict=True), connection)} FROM {table(dossier, 'd')} "  # noqa: S608
        f"{' '.join(joins)} WHERE d.{column(dossier, 'code')} = %s"
    )
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [code])
        return cursor.fetchone()


def code_of(dossier_id) -> str:
    """The code of the dossier with primary key ``dossier_id``, or "" (for messages about it). Checks no
    permission; reads one column."""
    return Dossier.objects.filter(pk=dossier_id).values_list("code", flat=True).first() or ""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a dossier's history as people see it. ``actor`` is the person who acted; when the
    dossier's process acted, ``actor`` is ``None`` and ``actor_label`` names the process."""

    at: datetime
    kind: str  # "status", "hand_over" or "extension"
    title: str
    actor: object | None = None
    form_code: str = ""
    detail: dict = field(default_factory=dict)
    actor_label: str = ""


def timeline_rows(dossier) -> dict[str, list]:
    """What ``timeline`` reads of ``dossier``, with the accounts and agencies it shows: ``changes`` (status
    changes), ``hand_overs`` and ``extensions`` (oldest first). The dossier page reads them here once for
    its history, its control sheet and its list of produced forms."""
    # Named queries (``core.rows``): the rows and instances of ``dossier.status_changes
    # .select_related("by")`` and the like, without building three querysets of up to six tables on
    # every dossier page.
    connection = connections[Dossier.objects.db]
    mine, known = "t.dossier_id = %s", {"dossier": dossier}

    def read(model, related, order_by):
        return rows.read_with(
            model, mine, [dossier.pk], related=related, known=known, order_by=order_by, connection=connection
        )

    hand_over_relations = ["from_agency", "to_agency", "given_by", "received_by", "step_completed_by"]
    return {
        "changes": read(StatusChange, ["by"], "t.at, t.id"),
        "hand_overs": read(HandOver, hand_over_relations, "t.handed_at, t.id"),
        "extensions": read(Extension, ["extended_by"], "t.extended_at, t.id"),
    }


def supplement_and_papers(dossier) -> tuple:
    """The dossier's supplement request (or None) with who asked for it, and its papers (oldest first)
    with who uploaded each: what the dossier page shows beside the history, read as ``timeline_rows``
    reads it (named queries, the same instances as ``select_related``)."""
    connection = connections[Dossier.objects.db]
    mine, known = "t.dossier_id = %s", {"dossier": dossier}
    supplements = rows.read_with(
        SupplementRequest, mine, [dossier.pk], related=["requested_by"], known=known, connection=connection
    )
    papers = rows.read_with(
        DossierPaper,
        mine,
        [dossier.pk],
        related=["uploaded_by"],
        known=known,
        order_by="t.uploaded_at, t.id",
        connection=connection,
    )
    return (supplements[0] if supplements else None), papers


def timeline(dossier, *, changes=None, hand_overs=None, extensions=None) -> list[TimelineEntry]:
    """Status changes, hand-overs and extensions of ``dossier``, merged in time order (oldest first).
    Reads only; checks no permission (the caller has). A page that has already read some of them passes
    them (``timeline_rows`` reads all three as this needs them), so each is read once."""
    if changes is None or hand_overs is None or extensions is None:
        read = timeline_rows(dossier)
        changes = read["changes"] if changes is None else changes
        hand_overs = read["hand_overs"] if hand_overs is None else hand_overs
        extensions = read["extensions"] if extensions is None else extensions
    entries = []
    for change in changes:
        entries.append(
            TimelineEntry(
                at=change.at,
                kind="status",
                title=states.label_of(change),
                actor=change.by,
                form_code=change.form_code,
                actor_label=change.extra.get("process", "") if change.by_id is None else "",
                detail={
                    "transition": change.transition,
                    "from_status": change.from_status,
                    "to_status": change.to_status,
                    "reason": change.reason,
                    **change.extra,
                },
            )
        )
    for row in hand_overs:
        entries.append(
            TimelineEntry(
                at=row.handed_at,
                kind="hand_over",
                title=row.step_name,
                actor=row.given_by,
                form_code="06",
                actor_label=row.given_by_label if row.given_by_id is None else "",
                detail={
                    "from": row.from_unit_shown or str(row.from_agency or ""),
                    "to": row.to_unit_shown or str(row.to_agency),
                    "to_agency": str(row.to_agency),
                    "received_by": row.received_by,
                    "due_at": row.due_at,
                    "completed_at": row.completed_at,
                    "result": row.result,
                    "note": row.note,
                    "branch": row.is_branch,
                    "step_completed_by": row.step_completed_by,
                },
            )
        )
    for ext in extensions:
        entries.append(
            TimelineEntry(
                at=ext.extended_at,
                kind="extension",
                title=_("Gia hạn, hẹn lại ngày trả kết quả"),
                actor=ext.extended_by,
                form_code=ext.form_code,
                detail={
                    "old_due_at": ext.old_due_at,
                    "new_due_at": ext.new_due_at,
                    "reason": ext.reason,
                    "before_deadline": ext.before_deadline,
                },
            )
        )
    order = {"status": 0, "hand_over": 1, "extension": 2}
    return sorted(entries, key=lambda e: (e.at, order[e.kind]))


def can_receive_somewhere(user) -> bool:
    """Whether ``user`` may receive dossiers at the counter of at least one agency today (to offer the
    counter-intake page). Reads only; raises nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    held = permissions.held_roles(user)
    return bool(held) and bool(
        permissions.agency_ids_granting(held, permissions.RECEIVE, permissions.RECEIVING)
    )


# --- For the reporting block ----------------------------------------------------------------------


def status_event_names() -> frozenset[str]:
    """The names of the events a dossier's status changes publish (``dossier.submitted``,
    ``dossier.accepted`` …): what a block that keeps figures of dossiers subscribes to."""
    return frozenset(t.event for t in states.TRANSITIONS)


def online_channels() -> frozenset[str]:
    """The channels through which a dossier counts as submitted online (Decision 766)."""
    return frozenset({Channel.ONLINE, Channel.NATIONAL_PORTAL})


def reporting_rows(dossier_ids) -> list[dict]:
    """What may be counted of the dossiers ``dossier_ids`` (no personal data): ``id``, ``code``,
    ``receiving_agency_id``, ``procedure_code``, ``field_code``, ``channel``, ``status``,
    ``submitted_at``, ``finished_at``, ``due_at``, ``timeliness``. Dossiers that do not exist are absent."""
    return Dossier.objects.reporting_rows(dossier_ids)


def digitised_dossier_ids(dossier_ids) -> dict[str, set[int]]:
    """Which of ``dossier_ids`` are digitised (Decision 766's digitisation group): ``"papers"`` — the
    dossiers whose submitted papers are stored as files (uploaded online or scanned at the counter);
    ``"result"`` — those whose result was issued electronically (a result file exists). Reads only."""
    from ..models import DossierPaper, PaperStage

    rows = (
        DossierPaper.objects.filter(dossier_id__in=list(dossier_ids))
        .order_by()
        .values_list("dossier_id", "stage")
        .distinct()
    )
    found: dict[str, set[int]] = {"papers": set(), "result": set()}
    for dossier_id, stage in rows:
        found["result" if stage == PaperStage.RESULT else "papers"].add(dossier_id)
    return found


def dossier_ids_after(last_id: int, count: int) -> list[int]:
    """Up to ``count`` dossier ids above ``last_id``, ascending: a batch job walks every dossier."""
    return Dossier.objects.ids_after(last_id, count)


def result_papers(dossier) -> list:
    """The result papers of ``dossier`` (stage "result"), oldest first. Reads only; checks no permission
    (the caller has) — the payments block delivers them electronically."""
    from ..models import PaperStage

    return list(dossier.papers.filter(stage=PaperStage.RESULT).order_by("uploaded_at", "pk"))


def dossiers_asked_to_pay(since: datetime, until: datetime) -> list[int]:
    """Ids of the dossiers asked to pay (transition ``request_payment``) in ``[since, until)``, for the
    online-payment share (Decision 766)."""
    from ..models import StatusChange

    return list(
        StatusChange.objects.filter(transition="request_payment", at__gte=since, at__lt=until)
        .values_list("dossier_id", flat=True)
        .distinct()
    )
