"""The catalog's public API. Other blocks read procedures only through these functions.

A *procedure* is the stable identity (code, name, field, level); what it requires at a given date is
the *version in force* (papers, fees, time limit, online mode, form, process). Items returned by the
listing functions are ``Procedure`` objects with a ``current_version`` attribute: the version in force
today, its field and implementing agencies already loaded.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services
from congso.agencies.models import Agency
from congso.core import audit, request_cache, rows

from . import search as search_index
from .fees import describe_fee, group_thousands
from .models import (
    Fee,
    Field,
    LifeEvent,
    OnlineMode,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    TimeLimitUnit,
    VersionStatus,
    overlap_message,
    overlapping_published,
)


class ProcedureNotAvailable(Exception):
    """The procedure does not exist, is no longer applied, or has no version in force on the date.
    ``str(exc)`` is a Vietnamese message fit to show the citizen."""


@dataclass
class SearchResult:
    items: list[Procedure]
    total: int
    # True when no procedure matched every word and these are the closest partial matches.
    approximate: bool = False


@dataclass
class FeeInfo:
    fee: Fee
    description: str

    @property
    def name(self) -> str:
        return self.fee.name

    @property
    def exemptions(self) -> str:
        return self.fee.exemptions


_IN_FORCE = "catalog.version_in_force"


def version_in_force(procedure_code: str, on: date | None = None) -> ProcedureVersion:
    """The published version of the procedure ``procedure_code`` in force on ``on`` (today by default).

    ``procedure_code`` is the procedure's code (national code or local variant). When two published
    versions claim the day (prevented on save, so only possible with hand-edited data), the higher
    number wins. Raises ``ProcedureNotAvailable`` when the procedure is unknown, inactive, or has no
    version in force on that day. One query when found; the version is remembered as in force on that
    day for the rest of the request (``is_in_force``).
    """
    on = on or timezone.localdate()
    version = _read_version_in_force(procedure_code, on)
    if version is None:
        procedure = get_procedure(procedure_code)  # raises when the procedure itself is the problem
        raise ProcedureNotAvailable(
            _("Thủ tục %(name)s không có phiên bản có hiệu lực vào ngày %(day)s.")
            % {"name": procedure.name, "day": on.strftime("%d/%m/%Y")}
        )
    request_cache.store((_IN_FORCE, version.pk, on), True)
    return version


# ``ProcedureVersionQuerySet.in_force`` written out for the named queries below, ``{v}`` the version
# table's alias; its parameters come from ``_in_force_params``. The tests hold the two to one answer.
_IN_FORCE_SQL = (
    "{v}.status = %s AND {v}.effective_from <= %s AND ({v}.effective_to IS NULL OR {v}.effective_to >= %s)"
)


def _in_force_params(on: date, connection) -> list:
    day = connection.ops.adapt_datefield_value(on)
    return [VersionStatus.PUBLISHED.value, day, day]


def _read_version_in_force(procedure_code: str, on: date) -> ProcedureVersion | None:
    """A named query (``core.rows``), as every intake, submission and procedure page asks: the same
    version, procedure and field as ``ProcedureVersion.objects.in_force(on).filter(procedure__code=…,
    procedure__is_active=True).select_related("procedure__field").order_by("-number").first()``, without
    building and compiling that queryset each time. The rule in force is ``in_force``'s, written out;
    ``tests/catalog/test_services.py`` holds the two to the same answers."""
    connection = connections[ProcedureVersion.objects.db]
    quote = connection.ops.quote_name
    select = rows.select(((ProcedureVersion, "v"), (Procedure, "p"), (Field, "f")), connection)
    # S608: the tables and columns are the models' own names; every value is a parameter.
    sql = (
        f"SELECT {select} FROM {quote(ProcedureVersion._meta.db_table)} v "  # noqa: S608
        f"JOIN {quote(Procedure._meta.db_table)} p ON p.id = v.procedure_id "
        f"JOIN {quote(Field._meta.db_table)} f ON f.id = p.field_id "
        f"WHERE p.code = %s AND p.is_active = %s AND {_IN_FORCE_SQL.format(v='v')} "
        "ORDER BY v.number DESC LIMIT 1"
    )
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [procedure_code, True, *_in_force_params(on, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    version, procedure, field = rows.instances(row, (ProcedureVersion, Procedure, Field), connection)
    Procedure._meta.get_field("field").set_cached_value(procedure, field)
    ProcedureVersion._meta.get_field("procedure").set_cached_value(version, procedure)
    return version


def is_in_force(version: ProcedureVersion, on: date | None = None) -> bool:
    """Whether ``version`` is published and effective on ``on`` (today by default). Reads the database
    unless this request already found the version in force that day (here or in ``version_in_force``)."""
    on = on or timezone.localdate()
    if request_cache.peek((_IN_FORCE, version.pk, on)):
        return True
    connection = connections[ProcedureVersion.objects.db]
    table = connection.ops.quote_name(ProcedureVersion._meta.db_table)
    # S608: the table and its columns are the model's own names; every value is a parameter.
    sql = f"SELECT 1 FROM {table} v WHERE v.id = %s AND {_IN_FORCE_SQL.format(v='v')}"  # noqa: S608
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [version.pk, *_in_force_params(on, connection)])
        in_force = cursor.fetchone() is not None
    if in_force:
        request_cache.store((_IN_FORCE, version.pk, on), True)
    return in_force


def get_procedure(code: str) -> Procedure:
    """The active procedure with ``code``; raises ``ProcedureNotAvailable`` if there is none."""
    try:
        return Procedure.objects.select_related("field").get(code=code, is_active=True)
    except Procedure.DoesNotExist:
        raise ProcedureNotAvailable(
            _("Không tìm thấy thủ tục hành chính có mã %(code)s hoặc thủ tục đã ngừng áp dụng.")
            % {"code": code}
        ) from None


def search(
    query: str, *, field=None, agency=None, level=None, online_mode=None, limit: int = 20, offset: int = 0
) -> SearchResult:
    """Procedures matching ``query`` (diacritics and case ignored, one typo per word tolerated), best
    first; see ``search.py`` for the ranking.

    ``field`` is a ``Field``, its code or id; ``agency`` an ``Agency``, its code or id (an implementing
    agency of the version in force); ``level`` a ``ProcedureLevel`` value; ``online_mode`` an
    ``OnlineMode`` value. An unknown filter value gives no results. Only active procedures with a
    version in force today are found. Reads only; no errors for any query text.
    """
    filters = _filters(field=field, agency=agency, level=level, online_mode=online_mode)
    if filters is None:
        return SearchResult([], 0)
    index = search_index.get_index()
    ranked = search_index.rank(query or "", filters, index)
    window = ranked.ids[offset : offset + limit] if limit else []
    return SearchResult(
        _load(window, search_index.current_versions(window, index)), len(ranked.ids), ranked.approximate
    )


def procedure_choices(agencies, limit: int = 500) -> list[tuple[int, str, str]]:
    """(id, code, name) of the active procedures in force that any of ``agencies`` implements (at most
    ``limit`` per agency), ordered by code — for filter lists. Read from this process's search index
    (one stamp query, no model loaded): an officer's inbox draws this list on every page."""
    index = search_index.get_index()
    found = {}
    for agency in agencies:
        filters = search_index.Filters(agency_id=agency.pk)
        for pid in search_index.rank("", filters, index).ids[:limit]:
            found[pid] = index.docs[pid]
    ordered = sorted(found.items(), key=lambda item: (item[1].display_code, item[0]))
    return [(pid, doc.display_code, doc.title) for pid, doc in ordered]


def _filters(*, field, agency, level, online_mode) -> search_index.Filters | None:
    field_id = _resolve(Field, field, _field_id)
    agency_id = _resolve(Agency, agency, _agency_id)
    if field_id is False or agency_id is False:
        return None
    return search_index.Filters(
        field_id=field_id, agency_id=agency_id, level=level or None, online_mode=online_mode or None
    )


def _field_id(code: str) -> int | None:
    return Field.objects.filter(code=code).values_list("pk", flat=True).first()


def _agency_id(code: str) -> int | None:
    agency = agency_services.agencies_by_code([code]).get(code)
    return agency.pk if agency is not None else None


def _resolve(model, value, id_for_code):
    """None → None (no filter); an instance, id or natural key → its id; unknown → False."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value.pk
    if isinstance(value, int):
        return value
    return id_for_code(value) or False


def procedures_for_life_event(slug: str) -> list[Procedure]:
    """Active procedures attached to the life event ``slug`` that have a version in force, by name.
    Raises ``LifeEvent.DoesNotExist`` for an unknown slug."""
    event = LifeEvent.objects.get(slug=slug)
    ids = list(event.procedures.filter(is_active=True).values_list("pk", flat=True))
    return _in_force_by_name(ids)


def life_event_counts() -> dict[int, int]:
    """``{life event id: number of its procedures that are active and have a version in force}``."""
    offered = search_index.get_index().docs
    counts: dict[int, int] = {}
    for event_id, procedure_id in Procedure.life_events.through.objects.values_list(
        "lifeevent_id", "procedure_id"
    ):
        if procedure_id in offered:
            counts[event_id] = counts.get(event_id, 0) + 1
    return counts


def procedures_for_agency(agency: Agency) -> list[Procedure]:
    """Active procedures whose version in force names ``agency`` as an implementing agency, by name."""
    ids = list(
        ProcedureVersion.objects.in_force()
        .filter(implementing_agencies=agency, procedure__is_active=True)
        .values_list("procedure_id", flat=True)
        .distinct()
    )
    return _in_force_by_name(ids)


def agencies_with_procedures() -> list[Agency]:
    """Agencies named as implementing agency by at least one version in force of an active procedure,
    by name."""
    return list(agency_services.agencies_by_name(search_index.agency_ids()))


def fees_for(version: ProcedureVersion) -> list[FeeInfo]:
    """The fees of ``version`` in their order, each with a plain Vietnamese description. Compute an
    amount with ``fees.compute_fee(info.fee, pages=…, copies=…, exempt=…)``."""
    return [FeeInfo(fee, describe_fee(fee)) for fee in version.fees.order_by("position", "id")]


def grouped_amount(amount: int) -> str:
    """An amount in đồng grouped by thousands the reader's way: "16.000", in English "16,000"."""
    return group_thousands(amount)


def describe_time_limit(version: ProcedureVersion) -> str:
    """The statutory time limit in plain words, including the receipt cut-off rule (the 15:00 rule)."""
    value = version.time_limit_value
    if version.time_limit_unit == TimeLimitUnit.WORKING_HOURS:
        text = _("%(n)s giờ làm việc kể từ khi nhận đủ hồ sơ hợp lệ.") % {"n": value}
    elif value == 0:
        text = _("Trong ngày làm việc nhận đủ hồ sơ hợp lệ.")
    else:
        text = _(
            "%(n)s ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (không tính thứ Bảy, Chủ nhật "
            "và ngày nghỉ lễ, Tết)."
        ) % {"n": value}
    if version.receipt_cutoff:
        cutoff = version.receipt_cutoff.strftime("%H:%M")
        if value == 0 and version.time_limit_unit == TimeLimitUnit.WORKING_DAYS:
            text += " " + _("Hồ sơ nhận sau %(cutoff)s được trả kết quả trong ngày làm việc tiếp theo.") % {
                "cutoff": cutoff
            }
        else:
            text += " " + _("Hồ sơ nhận sau %(cutoff)s được tính từ ngày làm việc tiếp theo.") % {
                "cutoff": cutoff
            }
    if version.time_limit_note:
        text += " " + version.time_limit_note
    return text


def check_version_overlap(version: ProcedureVersion) -> None:
    """Raise ``ValidationError`` if ``version`` is published and its validity overlaps another published
    version of the same procedure. Reads only."""
    if version.status != VersionStatus.PUBLISHED:
        return
    clash = overlapping_published(
        version.procedure_id, version.effective_from, version.effective_to, exclude_pk=version.pk
    ).first()
    if clash is not None:
        raise ValidationError(overlap_message(clash))


@transaction.atomic
def publish_version(version: ProcedureVersion) -> ProcedureVersion:
    """Publish ``version`` (status → published) after checking, under a lock on its procedure, that no
    other published version of the procedure overlaps its validity. Writes an audit entry.
    Raises ``ValidationError`` (Vietnamese) and changes nothing if it would overlap."""
    Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version.status = VersionStatus.PUBLISHED
    check_version_overlap(version)
    version.full_clean()
    version.save()
    audit.record(
        "catalog.version.publish",
        version,
        changes={"procedure": version.procedure.code, "number": version.number},
    )
    return version


# --- helpers shared with search.py and the views ----------------------------------------------------


def current_version_map(procedure_ids=None, on: date | None = None) -> dict[int, dict]:
    """``{procedure_id: {"id", "online_mode", "agency_ids"}}`` for the version in force on ``on``
    (the highest number if several), optionally only for ``procedure_ids``."""
    versions = ProcedureVersion.objects.in_force(on)
    if procedure_ids is not None:
        versions = versions.filter(procedure_id__in=procedure_ids)
    chosen: dict[int, dict] = {}
    for vid, pid, online_mode in versions.order_by("procedure_id", "number").values_list(
        "id", "procedure_id", "online_mode"
    ):
        chosen[pid] = {"id": vid, "online_mode": online_mode, "agency_ids": []}
    by_version = {info["id"]: info for info in chosen.values()}
    relation = ProcedureVersion._meta.get_field("implementing_agencies")
    through = relation.remote_field.through
    links = through.objects.filter(procedureversion__in=versions).values_list(
        "procedureversion_id", "agency_id"
    )
    for vid, agency_id in links:
        if vid in by_version:
            by_version[vid]["agency_ids"].append(agency_id)
    return chosen


def load_with_current_version(procedure_ids: list[int]) -> list[Procedure]:
    """Procedures in the given order, each with ``current_version`` (in force today) attached; those
    without a version in force are left out."""
    if not procedure_ids:
        return []
    current = {pid: info["id"] for pid, info in current_version_map(procedure_ids).items()}
    return _load(procedure_ids, current)


def _load(procedure_ids: list[int], version_ids: dict[int, int]) -> list[Procedure]:
    """One query: the given versions with their procedures and fields, returned as procedures in order."""
    if not procedure_ids:
        return []
    versions = ProcedureVersion.objects.select_related("procedure__field").in_bulk(list(version_ids.values()))
    result = []
    for pid in procedure_ids:
        version = versions.get(version_ids.get(pid))
        if version is None or not version.procedure.is_active:
            continue
        procedure = version.procedure
        procedure.current_version = version
        result.append(procedure)
    return result


def _in_force_by_name(procedure_ids: list[int]) -> list[Procedure]:
    items = load_with_current_version(procedure_ids)
    return sorted(items, key=lambda p: (search_index.fold(p.name), p.code))


def refresh_search_extra(procedure_id: int) -> None:
    """Recompute ``Procedure.search_extra`` from its field, its life events and its current and future
    published versions (legal basis, papers, result) and move ``updated_at`` so every process rebuilds
    its index."""
    procedure = Procedure.objects.select_related("field").filter(pk=procedure_id).first()
    if procedure is None:
        return
    today = timezone.localdate()
    versions = procedure.versions.filter(status=VersionStatus.PUBLISHED).exclude(effective_to__lt=today)
    parts = [procedure.field.name, *procedure.life_events.values_list("name", flat=True)]
    for version in versions.prefetch_related("papers"):
        parts += [version.legal_basis, version.result_type]
        parts += [paper.name for paper in version.papers.all()]
    words = dict.fromkeys(search_index.fold(" ".join(parts)).split())
    Procedure.objects.filter(pk=procedure_id).update(search_extra=" ".join(words), updated_at=timezone.now())
    search_index.invalidate()


# --- Reads for the dossiers block (issue 16: dossiers reads catalog data through this module) ----------


def names_by_code(procedure_codes=(), field_codes=()) -> dict[str, dict[str, str]]:
    """``{"procedures": {code: name}, "fields": {code: name}}`` of the codes given, for the reporting
    block's tables (a code no longer in the catalogue is absent). Reads only."""
    return {
        "procedures": dict(
            Procedure.objects.filter(code__in=list(procedure_codes)).values_list("code", "name")
        ),
        "fields": dict(Field.objects.filter(code__in=list(field_codes)).values_list("code", "name")),
    }


def online_offer_counts(on: date | None = None) -> dict[str, int]:
    """How many active procedures have a version in force on ``on`` (today by default), and how many
    of them are offered fully online or partly online (Decision 766's "online service provision").
    One query. Reads only."""
    on = on or timezone.localdate()
    versions = ProcedureVersion.objects.in_force(on).filter(procedure__is_active=True)
    counts = versions.aggregate(
        in_force=Count("procedure", distinct=True),
        fully_online=Count("procedure", distinct=True, filter=Q(online_mode=OnlineMode.FULLY_ONLINE)),
        partly_online=Count("procedure", distinct=True, filter=Q(online_mode=OnlineMode.PARTLY_ONLINE)),
    )
    return {key: counts[key] or 0 for key in ("in_force", "fully_online", "partly_online")}


def is_offered_online(version: ProcedureVersion) -> bool:
    """Whether applications for ``version`` may be submitted online (partly or fully online public
    service): ``ProcedureVersion.is_offered_online``, the one rule. Reads nothing from the database."""
    return version.is_offered_online


def implementing_agencies(version: ProcedureVersion, on: date | None = None) -> list[Agency]:
    """The agencies implementing ``version`` that are in force on ``on`` (today by default), by name then
    code: those an applicant may choose to receive the dossier. A named query (``core.rows``), as every
    page of an online application asks."""
    connection = connections[Agency.objects.db]
    quote = connection.ops.quote_name
    relation = ProcedureVersion._meta.get_field("implementing_agencies")
    through = relation.remote_field.through
    day = connection.ops.adapt_datefield_value(on or timezone.localdate())
    # S608: the tables and columns are the models' own names; every value is a parameter.
    sql = (
        f"SELECT {rows.columns(Agency, 'a', connection)} FROM {quote(Agency._meta.db_table)} a "  # noqa: S608
        f"JOIN {quote(through._meta.db_table)} t ON t.{quote(relation.m2m_reverse_name())} = a.id "
        f"WHERE t.{quote(relation.m2m_column_name())} = %s AND (a.valid_from IS NULL OR a.valid_from <= %s) "
        "AND (a.valid_to IS NULL OR a.valid_to >= %s) ORDER BY a.name, a.code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [version.pk, day, day])
        return [rows.instance(Agency, row, connection=connection) for row in cursor.fetchall()]


_PAPERS = "catalog.papers"


def required_papers(version: ProcedureVersion) -> list[RequiredPaper]:
    """The papers ``version`` lists, in its order. Read once per request (``core.request_cache``): the
    intake form, the checks, the storage and the receipt of one request all ask; a paper saved or deleted
    in the request drops the memo. The read is a named query (``core.rows``)."""
    return list(request_cache.remember((_PAPERS, version.pk), lambda: _read_papers(version.pk)))


def _read_papers(version_id: int) -> list[RequiredPaper]:
    return rows.read(RequiredPaper, "version_id = %s", [version_id], order_by="position, id")


@receiver([post_save, post_delete], sender=RequiredPaper)
def _forget_papers(sender, **kwargs) -> None:
    # Whoever edits a version's papers in this request reads the new list at once.
    request_cache.forget(_PAPERS)


def version_ids_of(procedure_id: int) -> list[int]:
    """The ids of every version of a procedure, old ones included (a dossier keeps the version it was
    received under, so filtering dossiers by procedure means filtering by these)."""
    return list(
        ProcedureVersion.objects.filter(procedure_id=procedure_id).order_by().values_list("pk", flat=True)
    )


# --- proposals from the national catalogue (the nationalportal block) ---------------------------------


@dataclass(frozen=True)
class ProposedPaper:
    name: str
    code: str = ""


@dataclass(frozen=True)
class ProposedFee:
    name: str
    amount: int


@dataclass(frozen=True)
class Proposal:
    """What the national catalogue says of a procedure, for a draft version: ``None`` keeps the field of
    the version the draft is made from. ``source_note`` (where it comes from) goes to the audit entry."""

    source_note: str
    legal_basis: str | None = None
    time_limit_working_days: int | None = None
    applicant_types: str | None = None
    conditions: str | None = None
    result_type: str | None = None
    papers: list[ProposedPaper] | None = None
    fees: list[ProposedFee] | None = None


def _slug(text: str, taken: set[str]) -> str:
    from django.utils.text import slugify

    base = (slugify(text, allow_unicode=False) or "giay-to")[:50]
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


@transaction.atomic
def create_draft_from_proposal(procedure_code: str, proposal: Proposal, *, actor=None) -> ProcedureVersion:
    """A new DRAFT version of the procedure ``procedure_code``, for its administrator to review and
    publish: a copy of the version in force (else the newest version) — papers, fees, implementing
    agencies, form, process and every field — with the proposal's fields applied. Nothing published
    changes. Papers: a local paper whose name the proposal repeats keeps its code and settings; the
    others of the proposal are added; local papers the proposal does not list are left out of the draft
    (the review page shows the difference). Writes an audit entry ``catalog.version.propose``.
    Errors: ``ProcedureNotAvailable`` when the province has no such procedure or no version of it."""
    procedure = Procedure.objects.select_for_update().filter(code=procedure_code).first()
    if procedure is None:
        raise ProcedureNotAvailable(_("Không tìm thấy thủ tục."))
    base = ProcedureVersion.objects.in_force().filter(procedure=procedure).first() or (
        ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first()
    )
    if base is None:
        raise ProcedureNotAvailable(_("Thủ tục chưa có phiên bản nào."))
    papers = list(base.papers.all())
    fees = list(base.fees.all())
    agencies = list(base.implementing_agencies.all())
    number = (ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first().number) + 1
    draft = ProcedureVersion.objects.get(pk=base.pk)
    draft.pk = None
    draft.id = None
    draft._state.adding = True
    draft.number = number
    draft.status = VersionStatus.DRAFT
    draft.effective_from = max(timezone.localdate(), base.effective_from)
    draft.effective_to = None
    for name in ("legal_basis", "applicant_types", "conditions", "result_type"):
        value = getattr(proposal, name)
        if value is not None:
            setattr(draft, name, value)
    if proposal.time_limit_working_days is not None:
        draft.time_limit_value = proposal.time_limit_working_days
        draft.time_limit_unit = TimeLimitUnit.WORKING_DAYS
    draft.save()
    draft.implementing_agencies.set(agencies)
    if proposal.papers is None:
        new_papers = papers
    else:
        by_name = {p.name.strip().casefold(): p for p in papers}
        taken = {p.code for p in papers}
        new_papers, used = [], set()
        for proposed in proposal.papers:
            local = by_name.get(proposed.name.strip().casefold())
            if local is not None and local.pk in used:
                continue
            if local is not None:
                used.add(local.pk)
                new_papers.append(local)
            else:
                code = _slug(proposed.code or proposed.name, taken)
                new_papers.append(RequiredPaper(code=code, name=proposed.name[:500]))
    for position, paper in enumerate(new_papers):
        paper.pk = None
        paper.id = None
        paper._state.adding = True
        paper.version = draft
        paper.position = position
        paper.save()
    if proposal.fees is None:
        for fee in fees:
            fee.pk = None
            fee.id = None
            fee._state.adding = True
            fee.version = draft
            fee.save()
    else:
        for position, proposed in enumerate(proposal.fees):
            Fee.objects.create(
                version=draft,
                name=proposed.name[:300],
                amount=max(0, int(proposed.amount)),
                position=position,
            )
    audit.record(
        "catalog.version.propose",
        draft,
        actor=actor,
        changes={
            "procedure": procedure.code,
            "number": number,
            "from_number": base.number,
            "source": proposal.source_note,
        },
    )
    return draft


def draft_is_pending(version_id: int | None) -> bool:
    """Whether the version ``version_id`` exists and is still a draft (not yet reviewed)."""
    return (
        bool(version_id)
        and ProcedureVersion.objects.filter(pk=version_id, status=VersionStatus.DRAFT).exists()
    )


def local_codes_with_national_code() -> dict[str, str]:
    """Every procedure of the province with a national code: ``{national_code: code}``."""
    return dict(
        Procedure.objects.exclude(national_code="").values_list("national_code", "code").order_by("code")
    )
