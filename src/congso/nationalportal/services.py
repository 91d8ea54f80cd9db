"""The link's work, whatever the portal's protocol (that is the plugin's, ``registry.active_link()``):

- ``pull_catalogue``: each procedure of the province with a national code (or the codes given) read
  from the national catalogue and compared with the version in force; a difference under a national
  decision not seen before becomes a DRAFT version (``catalog.services.create_draft_from_proposal``) for
  the province's administrator to review. Nothing published changes.
- ``take_waiting_dossiers``: the dossiers submitted on the national portal for the province become
  one-stop dossiers in status 1, channel "national portal" (``dossiers.services
  .receive_from_national_portal``), and are acknowledged; exactly once per national code, even when
  the acknowledgement is lost and the portal lists the dossier again.
- ``record_status_change`` (the outbox subscriber's body) and ``push_due``: each status change of a
  dossier becomes a ``StatusReport``; reports are sent per dossier in the order of their events, a
  dossier the portal does not know yet is registered first (DongBoHoSoMC), and a failure holds that
  dossier's later reports back and retries with exponential backoff until the portal acknowledges.
- ``retry``: an operator's "try now" for a failing dossier or a dossier that could not be taken.
"""

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services
from congso.catalog import services as catalog_services
from congso.core import audit, rows
from congso.core.models import DeliveryStatus, EventDelivery
from congso.dossiers import services as dossier_services
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Status

from .models import (
    CataloguePull,
    IncomingDossier,
    IncomingStatus,
    PullOutcome,
    StatusReport,
    SyncState,
    SyncStatus,
)
from .registry import DossierRecord, LinkError, LinkUnavailable, NationalProcedure, ProgressStep, active_link

logger = logging.getLogger(__name__)

SUBSCRIBER = "nationalportal.status_reports"
# The status events of dossiers.states (a test checks the list against the status machine).
STATUS_EVENTS = (
    "dossier.submitted",
    "dossier.accepted",
    "dossier.refused",
    "dossier.supplement_requested",
    "dossier.supplemented",
    "dossier.processing_started",
    "dossier.payment_requested",
    "dossier.paid",
    "dossier.result_ready",
    "dossier.result_returned",
    "dossier.withdrawn",
    "dossier.stopped",
)


def status_content(status) -> str:
    """What the portal's timeline says for a national status (STANDARDS.md §1): its name as the dossier
    block defines it (``dossiers.models.Status``, one list of the ten), always in Vietnamese — the
    protocol's language, whatever language is active — and the number itself for an unknown one."""
    try:
        label = Status(int(status)).label
    except ValueError:
        return str(status)
    with translation.override("vi"):
        return str(label)


def backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: base × 2^(attempts−1), capped."""
    base = settings.CONGSO_NATIONALPORTAL_BACKOFF_SECONDS
    cap = settings.CONGSO_NATIONALPORTAL_BACKOFF_MAX_SECONDS
    return timedelta(seconds=min(cap, base * (2 ** max(0, attempts - 1))))


# --- catalogue ---------------------------------------------------------------------------------------


def _local_days(version) -> float | None:
    if version.time_limit_unit == "working_hours":
        return version.time_limit_value / 8
    return float(version.time_limit_value)


def _norm(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


def differences(version, national: NationalProcedure) -> list[dict]:
    """What differs between the province's ``version`` and the national procedure, field by field."""
    found = []

    def differ(label, local, remote):
        found.append({"field": label, "local": local, "national": remote})

    if national.name and _norm(national.name) != _norm(version.procedure.name):
        differ(_("Tên thủ tục"), version.procedure.name, national.name)
    national_legal = "; ".join(national.legal_basis)
    if national.legal_basis and _norm(national_legal) != _norm(version.legal_basis):
        differ(_("Căn cứ pháp lý"), version.legal_basis, national_legal)
    local_days = _local_days(version)
    if national.time_limit_days is not None and local_days != national.time_limit_days:
        differ(_("Thời hạn giải quyết (ngày làm việc)"), f"{local_days:g}", f"{national.time_limit_days:g}")
    local_papers = sorted(_norm(p.name) for p in catalog_services.required_papers(version))
    if national.papers and local_papers != sorted(_norm(p.name) for p in national.papers):
        differ(
            _("Thành phần hồ sơ"),
            "; ".join(p.name for p in catalog_services.required_papers(version)),
            "; ".join(p.name for p in national.papers),
        )
    local_fees = sorted((_norm(f.name), f.amount) for f in version.fees.all())
    national_fees = sorted((_norm(f.name), f.amount) for f in national.fees)
    if national.fees and local_fees != national_fees:
        differ(
            _("Phí, lệ phí"),
            "; ".join(f"{f.name}: {f.amount:,} đ" for f in version.fees.all()),
            "; ".join(f"{f.name}: {f.amount:,} đ" for f in national.fees),
        )
    return found


def _proposal(national: NationalProcedure) -> catalog_services.Proposal:
    days = national.time_limit_days
    return catalog_services.Proposal(
        source_note=f"Danh mục TTHC quốc gia, {national.decision or 'không rõ quyết định'}",
        legal_basis="; ".join(national.legal_basis) or None,
        time_limit_working_days=int(days) if days is not None and float(days).is_integer() else None,
        applicant_types=national.applicant_types or None,
        conditions=national.conditions or None,
        result_type=national.result or None,
        papers=[catalog_services.ProposedPaper(p.name, p.code) for p in national.papers] or None,
        fees=[catalog_services.ProposedFee(f.name, f.amount) for f in national.fees] or None,
    )


def _pull_one(link, local_code: str | None, national_code: str, actor) -> CataloguePull:
    try:
        national = link.procedure(national_code)
    except LinkError as exc:
        return CataloguePull.objects.create(
            procedure_code=local_code or national_code, outcome=PullOutcome.FAILED, error=str(exc)
        )
    if national is None:
        return CataloguePull.objects.create(
            procedure_code=local_code or national_code,
            outcome=PullOutcome.FAILED,
            error=_("Danh mục quốc gia không có thủ tục này."),
        )
    pull = CataloguePull(
        procedure_code=local_code or national_code,
        national_name=national.name[:500],
        decision=national.decision,
    )
    if local_code is None:
        pull.outcome = PullOutcome.NOT_LOCAL
        pull.save()
        return pull
    try:
        version = catalog_services.version_in_force(local_code)
    except catalog_services.ProcedureNotAvailable as exc:
        pull.outcome, pull.error = PullOutcome.FAILED, str(exc)
        pull.save()
        return pull
    pull.differences = differences(version, national)
    if not pull.differences:
        pull.outcome = PullOutcome.SAME
    else:
        earlier = (
            CataloguePull.objects.filter(procedure_code=local_code, decision=national.decision)
            .exclude(draft_version=None)
            .first()
        )
        if earlier is not None and national.decision:
            # Drafted once for this decision: reviewed (published or discarded) or still waiting.
            pull.outcome = PullOutcome.DRAFT_EXISTS
            pull.draft_version = earlier.draft_version
        else:
            with transaction.atomic():
                pull.draft_version = catalog_services.create_draft_from_proposal(
                    local_code, _proposal(national), actor=actor
                )
                pull.outcome = PullOutcome.DRAFTED
    pull.save()
    return pull


def pull_catalogue(codes: list[str] | None = None, *, actor=None) -> list[CataloguePull]:
    """Read procedures from the national catalogue and compare: by default every procedure of the
    province that has a national code, plus those the national catalogue lists that the province lacks;
    or only ``codes`` (national codes). Returns what each pull found (also stored, for the page).
    Raises ``LinkError`` when there is no link or the list itself cannot be read."""
    link = active_link()
    if link is None:
        raise LinkError(_("Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia."))
    local = catalog_services.local_codes_with_national_code()
    wanted = list(codes) if codes else sorted(set(local) | set(link.procedure_codes()))
    pulls = [_pull_one(link, local.get(code), code, actor) for code in wanted]
    audit.record(
        "nationalportal.catalogue_pull",
        actor=actor,
        changes={"codes": len(wanted), "drafted": sum(p.outcome == PullOutcome.DRAFTED for p in pulls)},
    )
    return pulls


def latest_pulls() -> list[CataloguePull]:
    """The latest pull of each procedure code, differing ones first."""
    seen, latest = set(), []
    for pull in CataloguePull.objects.select_related("draft_version").order_by("-pulled_at", "-id")[:2000]:
        if pull.procedure_code not in seen:
            seen.add(pull.procedure_code)
            latest.append(pull)
    order = {
        PullOutcome.DRAFTED: 0,
        PullOutcome.DRAFT_EXISTS: 1,
        PullOutcome.NOT_LOCAL: 2,
        PullOutcome.FAILED: 3,
    }
    return sorted(latest, key=lambda p: (order.get(p.outcome, 4), p.procedure_code))


@dataclass(frozen=True)
class CatalogueAgreement:
    """How the province's published procedures stood against the national catalogue on a day."""

    linked: bool  # a national portal link is configured
    published: int  # procedures of the province that carry a national code
    same: int  # of them, the latest pull up to that day found no difference


AGREEMENT_WINDOW = timedelta(days=7)


def catalogue_agreement(on) -> CatalogueAgreement:
    """Decision 766's transparency group asks that what the province publishes agrees with the national
    database of procedures: of the procedures carrying a national code, how many were found the same at
    their latest pull in the week up to the end of ``on`` (a local date; the periodic job compares every
    day, so a procedure not compared for a week is not counted as agreeing). Reads the pulls only."""
    local_codes = set(catalog_services.local_codes_with_national_code().values())
    until = timezone.make_aware(datetime.combine(on + timedelta(days=1), datetime.min.time()))
    latest: dict[str, str] = {}
    pulls = (
        CataloguePull.objects.filter(
            procedure_code__in=sorted(local_codes),
            pulled_at__gte=until - AGREEMENT_WINDOW,
            pulled_at__lt=until,
        )
        .order_by("procedure_code", "-pulled_at", "-id")
        .values_list("procedure_code", "outcome")
    )
    for code, outcome in pulls:
        latest.setdefault(code, outcome)
    same = sum(outcome == PullOutcome.SAME for outcome in latest.values())
    return CatalogueAgreement(bool(settings.CONGSO_NATIONALPORTAL_LINK), len(local_codes), same)


# --- dossiers submitted on the national portal -------------------------------------------------------


@dataclass
class TakeResult:
    taken: int = 0
    acknowledged: int = 0
    failed: int = 0


def _local_procedure_code(national_code: str) -> str:
    """The province's code for a national procedure code (a provincial variant ``1.003560.000.00.00.H56``
    is its national code's first two parts)."""
    local = catalog_services.local_codes_with_national_code()
    if national_code in local:
        return local[national_code]
    head = ".".join(national_code.split(".")[:2])
    return local.get(head, national_code)


def _uploads(version, papers) -> list[PaperUpload]:
    known = {p.code for p in catalog_services.required_papers(version)}
    uploads = []
    for paper in papers:
        handle = io.BytesIO(paper.content)
        handle.name = paper.name
        uploads.append(PaperUpload(paper.code if paper.code in known else "", paper.name, handle))
    return uploads


def _create_dossier(link, national_code: str):
    data = link.dossier(national_code)
    if data.national_code and data.national_code != national_code:
        raise LinkError(_("Cổng trả về hồ sơ khác mã đã hỏi."))
    try:
        version = catalog_services.version_in_force(_local_procedure_code(data.procedure_code))
    except catalog_services.ProcedureNotAvailable as exc:
        raise ValidationError(f"{data.procedure_code}: {exc}") from None
    try:
        agency = agency_services.get_agency_by_code(data.agency_code)
    except Exception as exc:  # Agency.DoesNotExist with a Vietnamese message
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        dossier = dossier_services.receive_from_national_portal(
            version=version,
            receiving_agency=agency,
            national_code=national_code,
            applicant_details=data.applicant,
            form_data=data.form_data,
            papers=_uploads(version, data.papers),
        )
        SyncState.objects.update_or_create(
            dossier=dossier, defaults={"national_code": national_code, "registered": True}
        )
        incoming, _created = IncomingDossier.objects.select_for_update().get_or_create(
            national_code=national_code, defaults={"status": IncomingStatus.TAKEN}
        )
        incoming.dossier = dossier
        incoming.status = IncomingStatus.TAKEN
        incoming.error = ""
        incoming.taken_at = incoming.taken_at or timezone.now()
        incoming.save()
        audit.record(
            "nationalportal.dossier_taken",
            incoming,
            changes={"national_code": national_code, "code": dossier.code},
        )
    return incoming


def take_dossier(link, national_code: str) -> IncomingDossier:
    """Take one dossier of the national portal into the one-stop and acknowledge it. Idempotent: a
    dossier already taken is only acknowledged again (if the portal lists it, it did not get the first
    acknowledgement); one already acknowledged is left alone."""
    national_code = str(national_code).strip()[:70]
    incoming = IncomingDossier.objects.filter(national_code=national_code).first()
    if incoming is None or incoming.dossier_id is None:
        try:
            incoming = _create_dossier(link, national_code)
        except (ValidationError, LinkError) as exc:
            message = " ".join(getattr(exc, "messages", None) or [str(exc)])
            incoming, _created = IncomingDossier.objects.get_or_create(
                national_code=national_code, defaults={"status": IncomingStatus.FAILED}
            )
            incoming.status, incoming.error = IncomingStatus.FAILED, message[:4000]
            incoming.attempts += 1
            incoming.save(update_fields=["status", "error", "attempts"])
            if isinstance(exc, LinkUnavailable):
                raise
            return incoming
    try:
        link.acknowledge(national_code, incoming.dossier.code)
    except LinkError as exc:
        incoming.error = str(exc)[:4000]
        incoming.attempts += 1
        incoming.save(update_fields=["error", "attempts"])
        raise
    incoming.status = IncomingStatus.ACKNOWLEDGED
    incoming.acknowledged_at = timezone.now()
    incoming.error = ""
    incoming.save(update_fields=["status", "acknowledged_at", "error"])
    return incoming


def take_waiting_dossiers() -> TakeResult:
    """Pull every dossier waiting on the national portal for the province (the periodic job). A dossier
    that cannot be taken (unknown procedure or agency, bad data) is recorded as failed and the others go
    on; when the portal is unreachable the run stops and the next one starts over."""
    link = active_link()
    result = TakeResult()
    if link is None:
        return result
    for national_code in link.waiting_dossiers():
        try:
            incoming = take_dossier(link, national_code)
        except LinkError:
            result.failed += 1
            raise
        if incoming.status == IncomingStatus.ACKNOWLEDGED:
            result.acknowledged += 1
            result.taken += 1
        else:
            result.failed += 1
    return result


# --- status reports ----------------------------------------------------------------------------------


def record_status_change(event) -> StatusReport | None:
    """The outbox subscriber's body: one ``StatusReport`` per status event (once per event), and the
    dossier's sync state marked pending. Nothing while the link is off, and nothing for an event that
    does not change the status last recorded (counter intake publishes two events for one status)."""
    if not settings.CONGSO_NATIONALPORTAL_LINK:
        return None
    payload = event.payload or {}
    dossier_id, status = payload.get("dossier_id"), payload.get("status")
    if not dossier_id or not status:
        return None
    if StatusReport.objects.filter(event_id=event.pk).exists():
        return None
    delivery = EventDelivery.objects.filter(event=event, subscriber=SUBSCRIBER).first()
    sequence = delivery.pk if delivery is not None else 0
    last = (
        StatusReport.objects.filter(dossier_id=dossier_id, sequence__lt=sequence)
        .order_by("-sequence")
        .first()
    )
    if last is not None and last.status == int(status):
        return None
    due = payload.get("due_at")
    report = StatusReport.objects.create(
        dossier_id=dossier_id,
        event_id=event.pk,
        sequence=sequence,
        status=int(status),
        occurred_at=event.occurred_at,
        content=status_content(status),
        unit=str(payload.get("current_agency_code") or "")[:300],
        due_at=datetime.fromisoformat(due) if isinstance(due, str) and due else None,
    )
    SyncState.objects.get_or_create(dossier_id=dossier_id)
    # Marked waiting with one UPDATE whatever this transaction last read: a worker finishing a send at
    # the same moment decides "in step" under the row's lock (``_finish_send``), so either it sees this
    # report, or this UPDATE comes after its decision. A failing link keeps its backoff.
    SyncState.objects.filter(dossier_id=dossier_id).exclude(status=SyncStatus.FAILING).update(
        status=SyncStatus.PENDING, next_attempt_at=timezone.now()
    )
    return report


def _earlier_event_undelivered(dossier_id: int, first_sequence: int) -> bool:
    """Whether an earlier status event of the dossier has not reached this block's subscriber yet (its
    delivery failed and waits for a retry): sending now would put the portal's timeline out of order."""
    return EventDelivery.objects.filter(
        subscriber=SUBSCRIBER,
        status=DeliveryStatus.PENDING,
        event__aggregate_type="dossiers.dossier",
        event__aggregate_id=str(dossier_id),
        pk__lt=first_sequence,
    ).exists()


def _record_of(dossier) -> DossierRecord:
    version = dossier.procedure_version
    return DossierRecord(
        code=dossier.code,
        procedure_code=version.procedure.national_code or version.procedure.code,
        procedure_name=version.procedure.name,
        agency_code=dossier.receiving_agency.code,
        agency_name=dossier.receiving_agency.name,
        applicant_name=dossier.applicant_name,
        channel=dossier.channel,
        status=int(dossier.status),
        received_at=dossier.received_at or dossier.submitted_at,
        due_at=dossier.due_at,
    )


def _send(link, state: SyncState, reports: list[StatusReport]) -> None:
    dossier = state.dossier
    code = state.national_code or dossier.code
    if not state.registered:
        # A dossier of the province the portal does not hold yet: register it first (DongBoHoSoMC),
        # as an update if it already knows the code (TraCuuHoSo), as OCPS does.
        link.register(_record_of(dossier), updating=link.knows(code))
        state.registered = True
        state.save(update_fields=["registered"])
    agency_names = {dossier.receiving_agency.code: dossier.receiving_agency.name}
    agency_names[dossier.current_agency.code] = dossier.current_agency.name
    for start in range(0, len(reports), link.max_steps_per_report):
        batch = reports[start : start + link.max_steps_per_report]
        link.report(
            [
                ProgressStep(
                    code=code,
                    status=r.status,
                    at=r.occurred_at,
                    content=r.content,
                    unit=agency_names.get(r.unit, r.unit),
                    started_at=dossier.submitted_at,
                    due_at=r.due_at or dossier.statutory_due_at,
                )
                for r in batch
            ]
        )
        now = timezone.now()
        StatusReport.objects.filter(pk__in=[r.pk for r in batch]).update(acknowledged_at=now)
        state.reported_status = batch[-1].status
        state.last_synced_at = now
        state.save(update_fields=["reported_status", "last_synced_at"])


LEASE = timedelta(minutes=5)


def _claim(state_id: int, now, force: bool) -> bool:
    """Take the dossier's turn to send, with one conditional UPDATE (``sending_until``, a lease), so that
    another worker or a second click does not send the same reports meanwhile, and no transaction stays
    open during the HTTP calls. ``force`` (an operator's retry) ignores the backoff, not a send in
    progress."""
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    due = SyncState.objects.filter(free, pk=state_id)
    if not force:
        due = due.filter(next_attempt_at__lte=now)
    return due.update(sending_until=now + LEASE) == 1


def push_dossier(state_id: int, *, force: bool = False) -> str:
    """Send one dossier's waiting reports, in order. Returns ``in_step``, ``failing``, ``held`` (an earlier
    event not yet recorded) or ``skipped`` (not due, or another worker has it)."""
    link = active_link()
    if link is None:
        return "skipped"
    now = timezone.now()
    if not _claim(state_id, now, force):
        return "skipped"
    state = SyncState.objects.select_related(
        "dossier__procedure_version__procedure", "dossier__receiving_agency", "dossier__current_agency"
    ).get(pk=state_id)
    reports = list(StatusReport.objects.filter(dossier_id=state.dossier_id, acknowledged_at=None))
    if reports and _earlier_event_undelivered(state.dossier_id, reports[0].sequence):
        SyncState.objects.filter(pk=state_id).update(next_attempt_at=now + backoff(1), sending_until=None)
        return "held"
    try:
        if reports or not state.registered:
            _send(link, state, reports)
    except LinkError as exc:
        state.attempts += 1
        state.status = SyncStatus.FAILING
        state.last_error = str(exc)[:4000]
        state.last_failed_at = now
        state.next_attempt_at = now + backoff(state.attempts)
        state.sending_until = None
        state.save(
            update_fields=[
                "attempts",
                "status",
                "last_error",
                "last_failed_at",
                "next_attempt_at",
                "sending_until",
            ]
        )
        logger.warning("National portal report for dossier %s failed: %s", state.dossier_id, exc)
        return "failing"
    _finish_send(state)
    return "in_step"


def _finish_send(state: SyncState) -> None:
    """After a successful send: "in step", or still pending when a status change was recorded meanwhile
    (due now). Decided under the state row's lock, which ``record_status_change``'s UPDATE also takes:
    a report committed before the lock is seen here, one committed after marks the state pending
    itself — a change is never left unsent behind an "in step"."""
    with transaction.atomic():
        SyncState.objects.select_for_update().filter(pk=state.pk).values_list("pk").get()
        still_waiting = StatusReport.objects.filter(
            dossier_id=state.dossier_id, acknowledged_at=None
        ).exists()
        state.status = SyncStatus.PENDING if still_waiting else SyncStatus.IN_STEP
        state.attempts = 0
        state.last_error = ""
        state.next_attempt_at = timezone.now()
        state.sending_until = None
        state.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sending_until"])


def push_due(limit: int = 200) -> dict[str, int]:
    """Send the reports of every dossier that is due (the periodic job), oldest waiting first."""
    outcomes: dict[str, int] = {}
    if active_link() is None:
        return outcomes
    due = (
        SyncState.objects.exclude(status=SyncStatus.IN_STEP)
        .filter(next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for state_id in list(due):
        outcome = push_dossier(state_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


# --- reading and operating ---------------------------------------------------------------------------


def state_of(dossier) -> SyncState | None:
    """The dossier's link with the portal, or None. Every dossier page asks: a named query
    (``core.rows``), the row ``SyncState.objects.filter(dossier_id=…).first()`` gives."""
    found = rows.read(
        SyncState, "dossier_id = %s", [dossier.pk], connection=connections[SyncState.objects.db]
    )
    return found[0] if found else None


def waiting_reports(dossier) -> int:
    return StatusReport.objects.filter(dossier_id=dossier.pk, acknowledged_at=None).count()


@dataclass(frozen=True)
class SyncSummary:
    """What the dossier page says of the link: ``status`` is ``in_step`` only when nothing newer than
    the last success waits; ``pending`` (a change waits), ``failing`` otherwise."""

    state: SyncState
    status: str
    label: str
    waiting: int


def sync_summary(dossier) -> SyncSummary | None:
    """The dossier's sync as the panel shows it, or None when the portal never heard of it. The stored
    state alone can say "in step" while a newer change waits: a status event not yet delivered to this
    block, or a report recorded while the last send was finishing."""
    state = state_of(dossier)
    if state is None:
        return None
    waiting = waiting_reports(dossier)
    if state.status == SyncStatus.FAILING:
        return SyncSummary(state, state.status, str(SyncStatus.FAILING.label), waiting)
    newer = waiting > 0 or _status_event_undelivered(dossier.pk)
    if state.status == SyncStatus.IN_STEP and not newer:
        return SyncSummary(state, state.status, str(SyncStatus.IN_STEP.label), waiting)
    if state.last_synced_at is None:
        return SyncSummary(state, SyncStatus.PENDING, str(SyncStatus.PENDING.label), waiting)
    return SyncSummary(state, SyncStatus.PENDING, _("Đang chờ đồng bộ thay đổi mới"), waiting)


def _status_event_undelivered(dossier_id: int) -> bool:
    """Whether a status event of the dossier has not reached this block's subscriber yet (waiting for
    the worker, or parked after failing: either way the portal does not have it)."""
    return (
        EventDelivery.objects.filter(
            subscriber=SUBSCRIBER,
            event__aggregate_type="dossiers.dossier",
            event__aggregate_id=str(dossier_id),
        )
        .exclude(status=DeliveryStatus.DELIVERED)
        .exists()
    )


def failing_states(agency_ids=None):
    """Dossiers whose reports fail, oldest failure first; only those received at ``agency_ids`` if
    given (an agency administrator's scope)."""
    states = SyncState.objects.filter(status=SyncStatus.FAILING).select_related(
        "dossier", "dossier__receiving_agency"
    )
    if agency_ids is not None:
        states = states.filter(dossier__receiving_agency_id__in=agency_ids)
    return states.order_by("last_failed_at", "pk")


def failed_incoming():
    return IncomingDossier.objects.exclude(status=IncomingStatus.ACKNOWLEDGED).order_by("first_seen_at")


def retry_report(state: SyncState, *, actor) -> str:
    """An operator's "send now": the dossier's waiting reports sent at once, whatever the backoff."""
    audit.record("nationalportal.retry", state.dossier, actor=actor, changes={"attempts": state.attempts})
    return push_dossier(state.pk, force=True)


def retry_incoming(incoming: IncomingDossier, *, actor) -> IncomingDossier:
    """An operator's "try again" for a dossier of the national portal not yet taken or acknowledged.
    Raises ``LinkError`` when the portal cannot be reached."""
    link = active_link()
    if link is None:
        raise LinkError(_("Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia."))
    audit.record(
        "nationalportal.retry_incoming", incoming, actor=actor, changes={"attempts": incoming.attempts}
    )
    return take_dossier(link, incoming.national_code)
