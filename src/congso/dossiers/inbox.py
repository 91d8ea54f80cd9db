"""Named queries of the officers' back office: the dossier inbox, its export, the workspace counts, the
dossiers' half of the officer's to-do ("Việc cần xử lý": ``todo_for``) and the logbook (form 07). Views
call these and nothing else to list dossiers, so performance work has one place.

Every query starts from ``Dossier.objects.visible_to(user)`` (``query.py``): what an officer may see is
never re-derived here, the filters below only narrow it.

**Inbox** (``inbox_for``). Filters (``InboxFilters``): statuses (default: the open ones), procedure,
deadline risk, channel, a *scope* and the officer's agencies it applies to —

- ``current``  — dossiers being processed now at one of the officer's agencies (the default: the work);
- ``received`` — dossiers those agencies received (the one-stop desk follows them to the result);
- ``all``      — every dossier the officer may see; with one agency chosen, those that passed through it.

Search text is read as a dossier code (``000.01.12.H08-260311-0007``, or its tail ``260311-0007``), a
national ID or tax code, a phone number (digits only, ``+84`` read as ``0``), or else part of the
applicant's name.

**Keyset pagination.** A page is "the next ``limit`` rows after (or before) this row in the order", with the
position carried by an opaque signed cursor (``encode_cursor``): page 50 reads what page 1 reads. Orders:
``due`` — appointment ascending then id, dossiers without an appointment last (a second segment, so
the database keeps using the index); ``received`` — arrival (``submitted_at``, the reception moment of a
counter dossier) descending then id. Each condition is written as ``key >= v AND (key > v OR id > x)``
so the first half bounds an index range scan.

Indexes that serve these queries (bench/README.md, "dossier inbox", has the measurements at one million
dossiers): ``dossier_inbox_idx`` (current_agency, status, due_at, id) for the inbox of an agency — the
procedure filter is passed as the list of its version ids (``procedure_version_ids``) so the planner
walks that index in order; ``dossier_received_idx`` (receiving_agency, -submitted_at, -id) for the
"received" scope sorted by arrival; the index on ``applicant_national_id`` for the search by national
ID. The logbook reads a month of one agency by ``received_at``.

**Deadline risk** (open dossiers only, against the appointment ``due_at``): *late* — the clock runs and
the appointment has passed; *at risk* — the clock runs and the appointment falls within
``deadlines.at_risk_threshold`` (the dossier's own at-risk window); *on track* — the rest,
including dossiers whose clock is paused for a supplement.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.catalog import services as catalog_services
from congso.core.rows import moment, placeholders

from . import deadlines, extensions, permissions
from .models import Dossier, Status, Timeliness
from .states import OPEN_STATUSES

DEFAULT_PAGE = 50
MAX_PAGE = 200
EXPORT_LIMIT = 10_000

ORDER_DUE = "due"
ORDER_RECEIVED = "received"
ORDERS = (ORDER_DUE, ORDER_RECEIVED)

RISK_LATE = "late"
RISK_AT_RISK = "at_risk"
RISK_ON_TRACK = "on_track"
RISKS = (RISK_LATE, RISK_AT_RISK, RISK_ON_TRACK)

SCOPE_CURRENT = "current"
SCOPE_RECEIVED = "received"
SCOPE_ALL = "all"
SCOPES = (SCOPE_CURRENT, SCOPE_RECEIVED, SCOPE_ALL)

_CURSOR_SALT = "congso.dossiers.inbox.cursor"
_FULL_CODE = re.compile(r"^[0-9A-Z.]+-[0-9]{6}-[0-9]{1,6}$")
_CODE_TAIL = re.compile(r"^[0-9]{6}-[0-9]{1,6}$")
_DIGITS = re.compile(r"^[0-9]+(-[0-9]{3})?$")


@dataclass(frozen=True)
class InboxFilters:
    """What narrows the inbox. ``statuses`` None means every status; ``agency_ids`` None means all the
    officer's agencies (for the ``current`` and ``received`` scopes) or no agency condition (``all``)."""

    statuses: frozenset[int] | None = frozenset(OPEN_STATUSES)
    procedure_id: int | None = None
    risk: str = ""
    channel: str = ""
    scope: str = SCOPE_CURRENT
    agency_ids: frozenset[int] | None = None
    query: str = ""


@dataclass
class InboxPage:
    """One page of the inbox. ``next_cursor``/``previous_cursor`` are None at either end."""

    dossiers: list["ListedDossier"]
    next_cursor: str | None
    previous_cursor: str | None
    cursor_rejected: bool = False


@dataclass(frozen=True)
class Deadline:
    """How a dossier stands against its deadline, for a tag and its words (colour is never the only
    signal). ``css`` is a ``congso.css`` tag modifier or empty for a neutral tag."""

    key: str
    label: str
    css: str = ""


@dataclass
class InboxSummary:
    """Counts for the workspace home: open dossiers now at the officer's agencies."""

    open: int = 0
    late: int = 0
    at_risk: int = 0
    awaiting_reception: int = 0
    awaiting_supplement: int = 0
    agency_ids: list[int] = field(default_factory=list)


# --- The officer's agencies ---------------------------------------------------------------------


def officer_agency_ids(user, memberships=None) -> set[int]:
    """Agencies where ``user`` holds, today, a role that lets them see some dossier (any relation).
    ``memberships`` are the user's memberships of today when the caller has read them already (the
    workspace's ``request.officer.memberships``)."""
    if memberships is None:
        held = permissions.held_roles(user)
    else:
        held = {}
        for membership in memberships:
            held.setdefault(membership.agency_id, set()).add(membership.role)
    found: set[int] = set()
    for relation in permissions.RELATIONS:
        found |= permissions.agency_ids_granting(held, permissions.VIEW, relation)
    return found


def receiving_agency_ids(user) -> set[int]:
    """Agencies whose received dossiers ``user`` may see: the agencies of the logbook (form 07)."""
    return permissions.agency_ids_granting(
        permissions.held_roles(user), permissions.VIEW, permissions.RECEIVING
    )


# --- Search and filters -------------------------------------------------------------------------


def normalise_phone(text: str) -> str:
    """Digits of a phone number, ``+84``/``84`` read as the leading ``0`` (how numbers are stored)."""
    digits = re.sub(r"[^0-9+]", "", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits.replace("+", "")


def search_condition(text: str) -> Q | None:
    """The condition for the search box (see the module docstring), or None for empty text."""
    text = " ".join((text or "").split())
    if not text:
        return None
    upper = text.upper().replace(" ", "")
    if _FULL_CODE.match(upper):
        return Q(code=upper)
    if _CODE_TAIL.match(upper):
        return Q(code__endswith="-" + upper)
    compact = re.sub(r"[\s.]", "", text)
    if compact.startswith("+84"):
        return Q(applicant_phone=normalise_phone(compact))
    if _DIGITS.match(compact):
        if len(compact) == 12 or "-" in compact:
            return Q(applicant_national_id=compact)
        if len(compact) == 10:
            # A tax code and a mobile number both have ten digits.
            return Q(applicant_national_id=compact) | Q(applicant_phone=compact)
        return Q(applicant_phone=normalise_phone(compact))
    return Q(applicant_name__icontains=text)


def procedure_version_ids(procedure_id: int) -> list[int]:
    """Every version of a procedure (a dossier keeps the version it was received under). Read first and
    passed as a list, so the planner sees how common each version is among dossiers and walks the inbox
    index in order instead of collecting every dossier of a busy procedure (bench/README.md)."""
    return catalog_services.version_ids_of(procedure_id)


def _risk_condition(risk: str, now: datetime, threshold) -> Q:
    open_q = Q(status__in=OPEN_STATUSES)
    running = open_q & Q(paused_at__isnull=True, due_at__isnull=False)
    if risk == RISK_LATE:
        return running & Q(due_at__lte=now)
    if risk == RISK_AT_RISK:
        return running & Q(due_at__gt=now) & threshold.q()
    return open_q & (Q(paused_at__isnull=False) | threshold.beyond() | Q(due_at__isnull=True))


def _scope_condition(scope: str, agency_ids) -> Q | None:
    if scope == SCOPE_CURRENT:
        return Q(current_agency_id__in=agency_ids)
    if scope == SCOPE_RECEIVED:
        return Q(receiving_agency_id__in=agency_ids)
    return None


def filtered(user, filters: InboxFilters, *, now: datetime | None = None, own_agency_ids=None):
    """The dossiers ``user`` may see narrowed by ``filters`` (no order, no page). ``own_agency_ids`` is
    ``officer_agency_ids(user)`` when the caller has it already. Reads only."""
    qs = Dossier.objects.visible_to(user)
    own = officer_agency_ids(user) if own_agency_ids is None else set(own_agency_ids)
    agency_ids = own if filters.agency_ids is None else set(filters.agency_ids) & own
    if filters.scope in (SCOPE_CURRENT, SCOPE_RECEIVED):
        qs = qs.filter(_scope_condition(filters.scope, agency_ids))
    elif filters.agency_ids is not None:
        through = Dossier.processing_agencies.through
        qs = qs.filter(pk__in=through.objects.filter(agency_id__in=agency_ids).values("dossier_id"))
    if filters.statuses is not None:
        qs = qs.filter(status__in=sorted(filters.statuses))
    if filters.procedure_id is not None:
        qs = qs.filter(procedure_version_id__in=procedure_version_ids(filters.procedure_id))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.risk:
        now = now or timezone.now()
        qs = qs.filter(_risk_condition(filters.risk, now, deadlines.at_risk_threshold(now)))
    condition = search_condition(filters.query)
    if condition is not None:
        qs = qs.filter(condition)
    return qs


# --- Keyset pagination ----------------------------------------------------------------------------


def _order_key(order: str) -> tuple[str, bool, bool]:
    """(field, descending, nullable) of an order."""
    if order == ORDER_RECEIVED:
        return "submitted_at", True, False
    return "due_at", False, True


def encode_cursor(order: str, dossier: Dossier) -> str:
    """The opaque position of ``dossier`` in ``order`` (signed, so a forged one is refused)."""
    name, _desc, _nullable = _order_key(order)
    value = getattr(dossier, name)
    return signing.dumps([order, value.isoformat() if value else None, dossier.pk], salt=_CURSOR_SALT)


def decode_cursor(order: str, cursor: str | None) -> tuple[datetime | None, int] | None:
    """The (key value, id) a cursor points at, or None when it is missing, forged, malformed or was made
    for another order."""
    if not cursor:
        return None
    try:
        kind, value, pk = signing.loads(cursor, salt=_CURSOR_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if kind != order or not isinstance(pk, int) or isinstance(pk, bool) or pk <= 0:
        return None
    if value is None:
        return (None, pk) if _order_key(order)[2] else None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return (moment, pk) if timezone.is_aware(moment) else None


def _after(name: str, descending: bool, value, pk: int) -> Q:
    """Rows strictly after (value, pk) in the order, with a bound the index range scan can use."""
    if descending:
        return Q(**{f"{name}__lte": value}) & (Q(**{f"{name}__lt": value}) | Q(id__lt=pk))
    return Q(**{f"{name}__gte": value}) & (Q(**{f"{name}__gt": value}) | Q(id__gt=pk))


def _ordering(name: str, descending: bool, reverse: bool) -> list[str]:
    """ORDER BY of the walk: the order itself, or its mirror image when walking backwards."""
    walk_descending = descending != reverse
    return [f"-{name}", "-id"] if walk_descending else [name, "id"]


def _fetch(qs, order: str, position, *, backwards: bool, count: int) -> list:
    """Up to ``count`` rows after ``position`` (before it when ``backwards``), in walking order.

    For a nullable key, rows with a value come first and rows without one after them (by id): the two
    segments are read separately so each stays an ordered index scan.
    """
    name, descending, nullable = _order_key(order)
    value, pk = position if position is not None else (None, None)
    in_null_segment = position is not None and value is None
    with_value = qs.filter(**{f"{name}__isnull": False}) if nullable else qs
    without_value = qs.filter(**{f"{name}__isnull": True}) if nullable else None

    def valued(bound: bool) -> list[Dossier]:
        rows = with_value
        if bound:
            condition = _after(name, descending != backwards, value, pk)
            rows = rows.filter(condition)
        return list(rows.order_by(*_ordering(name, descending, backwards))[:count])

    def unvalued(after_pk: int | None) -> list[Dossier]:
        rows = without_value
        if after_pk is not None:
            rows = rows.filter(id__lt=after_pk) if backwards else rows.filter(id__gt=after_pk)
        return list(rows.order_by("-id" if backwards else "id")[:count])

    if not backwards:
        if in_null_segment:
            return unvalued(pk)
        found = valued(position is not None)
        if nullable and len(found) < count:
            found += unvalued(None)[: count - len(found)]
        return found
    if in_null_segment:
        found = unvalued(pk)
        if len(found) < count:
            found += valued(False)[: count - len(found)]
        return found
    return valued(True) if position is not None else []


# What a list of dossiers never shows: the answers, the person represented, and the long texts and form
# definition of the procedure version each row joins (kilobytes of JSON per row, decoded for nothing).
LIST_DEFERRED = (
    "form_data",
    "acting_for",
    "procedure_version__form_schema",
    "procedure_version__form_ui",
    "procedure_version__legal_basis",
    "procedure_version__description",
    "procedure_version__conditions",
    "procedure_version__submission_place",
    "procedure_version__fee_note",
    "procedure_version__unverified",
)


def _with_related(qs):
    return qs.select_related("procedure_version__procedure", "current_agency", "receiving_agency").defer(
        *LIST_DEFERRED
    )


@dataclass(frozen=True, slots=True)
class ListedDossier:
    """One dossier as the inbox lists it (``InboxPage.dossiers``): the row (code, procedure, applicant,
    status, dates, deadline mark, channel) and the cursor's keys, read as plain values. A page used to
    build some 250 model instances (the dossier, its version and procedure, deferred fields) for them:
    most of the page's ORM time, for values printed once. ``deadline_state`` and ``encode_cursor`` read
    the same attributes from a ``Dossier``."""

    pk: int
    public_id: object
    code: str
    status: int
    channel: str
    applicant_name: str
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    statutory_due_at: datetime | None
    at_risk_hours: int | None
    paused_at: datetime | None
    timeliness: str
    finished_at: datetime | None
    receiving_agency_id: int | None
    current_agency_id: int | None
    procedure_version_id: int
    procedure_code: str
    procedure_name: str


# The columns of ``ListedDossier``, in its order.
PAGE_COLUMNS = (
    "id",
    "public_id",
    "code",
    "status",
    "channel",
    "applicant_name",
    "submitted_at",
    "received_at",
    "due_at",
    "statutory_due_at",
    "at_risk_hours",
    "paused_at",
    "timeliness",
    "finished_at",
    "receiving_agency_id",
    "current_agency_id",
    "procedure_version_id",
    "procedure_version__procedure__code",
    "procedure_version__procedure__name",
)


def _page_rows(qs):
    return qs.values_list(*PAGE_COLUMNS)


def inbox_for(
    user,
    *,
    filters: InboxFilters | None = None,
    order: str = ORDER_DUE,
    after_cursor: str | None = None,
    before_cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
    now: datetime | None = None,
    own_agency_ids=None,
) -> InboxPage:
    """One page of the dossiers ``user`` may see, narrowed by ``filters``, in ``order``.

    ``after_cursor`` gives the page after a row (the "Trang sau" link), ``before_cursor`` the page before
    one ("Trang trước"); neither gives the first page. A cursor that is forged, malformed or made for
    another order is ignored: the first page is returned with ``cursor_rejected``. ``own_agency_ids`` as
    in ``filtered``. Reads only.
    """
    filters = filters or InboxFilters()
    order = order if order in ORDERS else ORDER_DUE
    limit = max(1, min(int(limit), MAX_PAGE))
    qs = _page_rows(filtered(user, filters, now=now, own_agency_ids=own_agency_ids))
    raw = before_cursor or after_cursor
    backwards = bool(before_cursor)
    position = decode_cursor(order, raw)
    rejected = bool(raw) and position is None
    if position is None:
        backwards = False
    rows = [ListedDossier(*row) for row in _fetch(qs, order, position, backwards=backwards, count=limit + 1)]
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, True
    else:
        has_previous, has_next = position is not None, more
    return InboxPage(
        dossiers=rows,
        next_cursor=encode_cursor(order, rows[-1]) if rows and has_next else None,
        previous_cursor=encode_cursor(order, rows[0]) if rows and has_previous else None,
        cursor_rejected=rejected,
    )


def rows_for_export(
    user, *, filters: InboxFilters, order: str = ORDER_DUE, limit: int = EXPORT_LIMIT, own_agency_ids=None
):
    """The filtered list in ``order`` for the XLSX export, read in chunks: at most ``limit + 1`` rows, so
    the caller writes ``limit`` and knows from the extra one that rows were left out. Reads only."""
    order = order if order in ORDERS else ORDER_DUE
    name, descending, _nullable = _order_key(order)
    key = F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
    qs = _with_related(filtered(user, filters, own_agency_ids=own_agency_ids))
    qs = qs.order_by(key, "-id" if descending else "id")
    return qs[: limit + 1].iterator(chunk_size=500)


# --- Deadline state of one dossier ---------------------------------------------------------------

_FINISHED = {
    Timeliness.EARLY: ("early", _("Xong trước hạn"), "early"),
    Timeliness.ON_TIME: ("on_time", _("Xong đúng hạn"), "ontime"),
    Timeliness.LATE: ("finished_late", _("Xong quá hạn"), "late"),
}


def deadline_state(dossier: Dossier, now: datetime, threshold) -> Deadline:
    """Where ``dossier`` stands against its deadline at ``now`` (``threshold`` from
    ``deadlines.at_risk_threshold(now)``, computed once per page)."""
    if dossier.status in OPEN_STATUSES:
        if dossier.paused_at is not None:
            return Deadline("paused", str(_("Tạm dừng tính hạn (chờ bổ sung)")))
        if dossier.due_at is None:
            return Deadline("no_due", str(_("Chưa có hạn")))
        if dossier.due_at <= now:
            return Deadline(RISK_LATE, str(_("Quá hạn")), "late")
        if threshold.reached(dossier):
            return Deadline(RISK_AT_RISK, str(_("Sắp đến hạn")), "warn")
        return Deadline(RISK_ON_TRACK, str(_("Trong hạn")), "ontime")
    if dossier.timeliness in _FINISHED:
        key, label, css = _FINISHED[dossier.timeliness]
        return Deadline(key, str(label), css)
    return Deadline("closed", str(_("Đã kết thúc")))


# --- Workspace home -------------------------------------------------------------------------------


def summary_for(user, *, now: datetime | None = None) -> InboxSummary:
    """Counts of the open dossiers now at the officer's agencies (one query). Reads only."""
    agency_ids = sorted(officer_agency_ids(user))
    if not agency_ids:
        return InboxSummary()
    now = now or timezone.now()
    threshold = deadlines.at_risk_threshold(now)
    qs = filtered(user, InboxFilters(scope=SCOPE_CURRENT), now=now)
    counts = qs.aggregate(
        open=Count("id"),
        late=Count("id", filter=_risk_condition(RISK_LATE, now, threshold)),
        at_risk=Count("id", filter=_risk_condition(RISK_AT_RISK, now, threshold)),
        awaiting_reception=Count("id", filter=Q(status=Status.SUBMITTED)),
        awaiting_supplement=Count("id", filter=Q(status=Status.SUPPLEMENT_REQUESTED)),
    )
    return InboxSummary(agency_ids=agency_ids, **counts)


# --- The officer's to-do ("Việc cần xử lý") from the dossiers' side -------------------------------
#
# Work items of BPMN processes are one half of an officer's to-do (``workflow.inbox``); these queues are
# the other half, for what no process routes: a dossier waiting to be received or to be handed back,
# and a dossier an officer handed over by hand (``services.hand_over``) to a person or to a unit.

TODO_RECEIVE = "receive"
TODO_HANDED_OVER = "handed_over"
TODO_RETURN = "return"


@dataclass(frozen=True)
class TodoEntry:
    """One thing waiting for the officer. ``due_at`` is the step's deadline (a hand-over) or the
    dossier's appointment; ``hand_over_id`` is the control-sheet row of a hand-over."""

    kind: str
    label: str
    dossier: extensions.ToDoDossier
    agency: extensions.ToDoAgency
    due_at: datetime | None
    hand_over_id: int | None = None


def _granting(user, permission, relation, held=None) -> set[int]:
    held = permissions.held_roles(user) if held is None else held
    return permissions.agency_ids_granting(held, permission, relation)


# The three queues, read in one statement (``_todo_statement``): each part is one queue, ordered and cut
# at ``limit`` on its own, and carries the size of its whole queue (``COUNT(*) OVER ()`` is computed
# before the ``LIMIT``), so a full page of the to-do costs one round trip, not three lists and three
# counts. Every part has the same columns:
#   kind, dossier id, code, status, appointment, agency id, code, name, hand-over id, step, step deadline,
#   the queue's size, the row's place in its queue.
# A union keeps no order of its own: the statement ends by ordering on the queue and that place.
# Written out, not built by the ORM: the to-do is on every officer's inbox page and the workspace home, and
# building three querysets cost more than reading them (bench/README.md, "Profiling one request").
_TODO_DOSSIER = "d.id, d.code, d.due_at, a.id, a.code, a.name"
_TODO_COLUMNS = 12  # the columns of a part; the statement adds the queue's number before them
_NO_HAND_OVER = "CAST(NULL AS integer), CAST(NULL AS varchar(200)), CAST(NULL AS timestamp with time zone)"


def _queue_sql(hand_over_columns: str, source: str, where: str, order: str, cut: str) -> str:
    """One part of the to-do statement. Every name in it is a model's own table or column and every value
    a parameter (hence the S608 exemption)."""
    return (
        f"SELECT %s, {_TODO_DOSSIER}, {hand_over_columns}, COUNT(*) OVER (), "  # noqa: S608
        f"ROW_NUMBER() OVER (ORDER BY {order}) FROM {source} WHERE {where} ORDER BY {order}{cut}"
    )


def _todo_parts(user, held, limit: int | None) -> list[tuple[str, list]]:
    """The queues of ``user`` as (SQL, parameters), each one a part of the to-do statement:

    - ``receive`` — dossiers submitted online and not yet received (status 1) at an agency where ``user``
      may receive them, the one-stop officer's first queue, oldest first;
    - ``handed_over`` — open hand-overs given by an officer (not by a process, whose steps are work
      items) to ``user`` by name, or to the queue of a unit where ``user`` processes dossiers (a role
      granting PROCESS at the dossier's current agency) with nobody named, most urgent step first;
    - ``return`` — dossiers with their result (status 9) that ``user`` may hand back at the receiving
      agency, when no process routes them (a process's own "return" step is a work item), oldest
      appointment first (dossiers without one where the database puts them, as the ORM's "due_at, id").
    """
    from .models import HandOver

    dossiers = Dossier._meta.db_table
    agencies = Dossier._meta.get_field("receiving_agency").related_model._meta.db_table
    received = f"{dossiers} d JOIN {agencies} a ON a.id = d.receiving_agency_id"
    cut = " LIMIT %s" if limit is not None else ""
    cut_params = [limit] if limit is not None else []
    parts = []

    receive = sorted(_granting(user, permissions.RECEIVE, permissions.RECEIVING, held))
    if receive:
        where = f"d.status = %s AND d.receiving_agency_id IN ({placeholders(receive)})"
        sql = _queue_sql(_NO_HAND_OVER, received, where, "d.submitted_at, d.id", cut)
        parts.append((sql, [TODO_RECEIVE, int(Status.SUBMITTED), *receive, *cut_params]))

    units = sorted(_granting(user, permissions.PROCESS, permissions.CURRENT, held))
    open_statuses = sorted(int(s) for s in OPEN_STATUSES)
    source = (
        f"{HandOver._meta.db_table} h JOIN {dossiers} d ON d.id = h.dossier_id "
        f"JOIN {agencies} a ON a.id = h.to_agency_id"
    )
    addressed = "h.received_by_id = %s"
    if units:
        addressed += f" OR (h.received_by_id IS NULL AND h.to_agency_id IN ({placeholders(units)}))"
    where = (
        f"({addressed}) AND h.completed_at IS NULL AND h.given_by_id IS NOT NULL AND h.is_branch = %s "
        f"AND d.status IN ({placeholders(open_statuses)})"
    )
    order = "CASE WHEN h.due_at IS NULL THEN 1 ELSE 0 END, h.due_at, h.id"
    sql = _queue_sql("h.id, h.step_name, h.due_at", source, where, order, cut)
    parts.append((sql, [TODO_HANDED_OVER, user.pk, *units, False, *open_statuses, *cut_params]))

    to_return = sorted(_granting(user, permissions.RETURN_RESULT, permissions.RECEIVING, held))
    if to_return:
        where = (
            f"d.status = %s AND d.receiving_agency_id IN ({placeholders(to_return)}) "
            "AND d.routed_by_process = %s"
        )
        sql = _queue_sql(_NO_HAND_OVER, received, where, "d.due_at, d.id", cut)
        parts.append((sql, [TODO_RETURN, int(Status.RESULT_READY), *to_return, "", *cut_params]))
    return parts


def _todo_rows(user, limit: int | None) -> list[tuple]:
    """The rows of every queue of ``user`` (at most ``limit`` of each), in one statement."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return []
    parts = _todo_parts(user, permissions.held_roles(user), limit)
    queues = [f"SELECT {i}, q{i}.* FROM ({sql}) AS q{i}" for i, (sql, _p) in enumerate(parts)]  # noqa: S608
    union = " UNION ALL ".join(queues)
    params = [value for _sql, part_params in parts for value in part_params]
    with connection.cursor() as cursor:
        cursor.execute(f"{union} ORDER BY 1, {_TODO_COLUMNS + 1}", params)
        return cursor.fetchall()


_TODO_LABELS = {
    TODO_RECEIVE: _("Tiếp nhận hồ sơ nộp trực tuyến"),
    TODO_RETURN: _("Trả kết quả cho người nộp"),
}


def _todo_entry(row) -> TodoEntry:
    _queue, kind, d_id, d_code, d_due, a_id, a_code, a_name, h_id, step, step_due = row[:11]
    dossier = extensions.ToDoDossier(d_id, d_code, moment(d_due))
    label = step if kind == TODO_HANDED_OVER else str(_TODO_LABELS[kind])
    due_at = (moment(step_due) or dossier.due_at) if kind == TODO_HANDED_OVER else dossier.due_at
    return TodoEntry(kind, label, dossier, extensions.ToDoAgency(a_id, a_code, a_name), due_at, h_id)


def todo_for(user, *, limit: int = DEFAULT_PAGE) -> tuple[list[TodoEntry], int]:
    """The dossiers' half of the officer's to-do: up to ``limit`` entries of each queue (receive, then
    handed over, then return) and the total of all three (the caller merges them with the work items).
    Reads only: one statement."""
    rows = _todo_rows(user, max(1, int(limit)))
    totals = {row[1]: row[_TODO_COLUMNS - 1] for row in rows}
    return [_todo_entry(row) for row in rows], sum(totals.values())


def todo_count_for(user) -> int:
    """How many entries ``todo_for`` has in all (for the workspace home). Reads only: one statement."""
    totals = {row[1]: row[_TODO_COLUMNS - 1] for row in _todo_rows(user, 1)}
    return sum(totals.values())


# --- Hand-over suggestions ----------------------------------------------------------------------------

# Offered when a procedure has no hand-over yet: the usual steps of a dossier handled by hand. Data, not
# interface text: the name chosen is written on the control sheet (form 06) as it is.
USUAL_STEP_NAMES = (
    "Thẩm định hồ sơ",
    "Xem xét, trình ký",
    "Phê duyệt, ký kết quả",
    "Chuyển kết quả về bộ phận một cửa",
)


def hand_over_step_names(dossier, *, limit: int = 15) -> list[str]:
    """Step names to suggest when handing ``dossier`` over: the steps of its procedure as officers named
    them in earlier hand-overs (most used first), then the usual steps. Reads only (one query)."""
    from .models import HandOver

    used = (
        HandOver.objects.filter(
            dossier__procedure_version__procedure_id=dossier.procedure_version.procedure_id,
            given_by__isnull=False,
        )
        .values("step_name")
        .annotate(times=Count("id"))
        .order_by("-times", "step_name")[:limit]
    )
    names = [row["step_name"] for row in used]
    return names + [name for name in USUAL_STEP_NAMES if name not in names]
