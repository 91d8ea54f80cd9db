"""How a dossier enters the system: submitted online by the applicant (status 1) or received at the
one-stop counter by an officer (status 2). Both ways share one body (``_intake``): the idempotency key,
the checks, then one transaction that assigns the gap-free code and writes the dossier, its papers, its
status change, audit entry and events."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import rows, statements, stored_files
from congso.core.postgresql import prepared

from .. import codes, conf, deadlines, permissions, states
from ..errors import InvalidDossierInput
from ..files import PaperUpload
from ..models import Channel, Dossier, PaperStage
from .acting import _iso
from .checks import (
    _check_acting_for,
    _check_agency_in_force,
    _check_form,
    _check_in_force,
    _check_online,
    _clean_applicant,
    _text,
)
from .papers import _check_papers, _stored_paper_rows

_PIN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper


@dataclass(frozen=True)
class _Way:
    """What differs between the two ways in. ``transition``: the status machine's name for it;
    ``online_only``: the procedure must be offered online; ``all_papers``: every required paper not
    available from the data store must be handed in; ``received``: received at once (the counter),
    not later on acceptance; ``extra_events``: published before the transition's own event."""

    transition: str
    channel: str
    online_only: bool
    all_papers: bool
    received: bool
    extra_events: tuple[str, ...] = ()


_ONLINE = _Way("submit_online", Channel.ONLINE, online_only=True, all_papers=True, received=False)
# Counter intake publishes ``dossier.submitted`` too: a dossier entered the system, whatever the channel.
_COUNTER = _Way(
    "receive_at_counter",
    Channel.COUNTER,
    online_only=False,
    all_papers=False,
    received=True,
    extra_events=("dossier.submitted",),
)

# Dossiers submitted on the National Public Service Portal: the portal has checked them; they arrive in
# status 1 like an online dossier, but with the papers the portal holds (not necessarily every one the
# local version lists) and whether or not the local version is offered online here.
_NATIONAL = _Way(
    "receive_from_national_portal",
    Channel.NATIONAL_PORTAL,
    online_only=False,
    all_papers=False,
    received=False,
)
NATIONAL_KEY_PREFIX = "dvcqg:"


def _lookup_pin() -> str:
    return "".join(secrets.choice(_PIN_ALPHABET) for _i in range(conf.lookup_pin_length()))


def _existing_for_key(key: str, way: _Way, *, submitted_by, receiving_agency) -> Dossier | None:
    """The dossier already created with this idempotency key, if it is the same caller's: the same
    signed-in submitter (online) or the same receiving agency's counter. A key seen with anyone else is
    refused rather than answered, so a guessed key discloses nothing."""
    # Almost always there is none: the columns deciding who made it are read, the dossier only if so.
    # A named query: every intake asks (the key is unique, so there is one row or none).
    connection = connections[Dossier.objects.db]
    table = connection.ops.quote_name(Dossier._meta.db_table)
    # S608: the table and its columns are the model's own names; the key is a parameter.
    sql = f"SELECT id, channel, receiving_agency_id, submitted_by_id FROM {table} WHERE idempotency_key = %s"  # noqa: S608
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [key])
        found = cursor.fetchone()
    if found is None:
        return None
    pk, channel, receiving_agency_id, submitted_by_id = found
    if way.channel == Channel.NATIONAL_PORTAL:
        same_caller = channel == Channel.NATIONAL_PORTAL
    elif way.channel == Channel.COUNTER:
        same_caller = channel == Channel.COUNTER and receiving_agency_id == receiving_agency.pk
    else:
        same_caller = submitted_by_id is not None and submitted_by_id == submitted_by.pk
    if not same_caller:
        raise InvalidDossierInput(
            _("Mã chống gửi trùng này đã được dùng cho một hồ sơ khác."), code="idempotency_conflict"
        )
    return Dossier.objects.get(pk=pk)


def _intake(
    way: _Way,
    *,
    version,
    receiving_agency,
    applicant,
    submitted_by,
    by,
    key: str | None,
    applicant_details,
    acting_for,
    form_data,
    papers,
) -> Dossier:
    """The body both ways share: the dossier already made with ``key`` (same caller), or the checks and
    the creation. ``by`` is who acts (the submitter online, the officer at the counter)."""
    if key:
        existing = _existing_for_key(key, way, submitted_by=submitted_by, receiving_agency=receiving_agency)
        if existing is not None:
            return existing
    now = timezone.now()
    today = timezone.localdate(now)
    _check_in_force(version, today)
    _check_agency_in_force(receiving_agency, today)
    if way.online_only:
        _check_online(version)
    applicant_fields = _clean_applicant(applicant_details)
    acting_for = _check_acting_for(acting_for)
    _check_form(version, form_data)
    checked = _check_papers(version, papers, require_all=way.all_papers)
    try:
        return _create(
            way,
            version=version,
            receiving_agency=receiving_agency,
            applicant=applicant,
            submitted_by=submitted_by,
            applicant_fields=applicant_fields,
            acting_for=acting_for,
            form_data=form_data,
            idempotency_key=key,
            checked=checked,
            by=by,
            now=now,
        )
    except IntegrityError:
        # The same key committed by a concurrent request between our check and our insert.
        existing = (
            _existing_for_key(key, way, submitted_by=submitted_by, receiving_agency=receiving_agency)
            if key
            else None
        )
        if existing is None:
            raise
        return existing


def _create(
    way: _Way,
    *,
    version,
    receiving_agency,
    applicant,
    submitted_by,
    applicant_fields,
    acting_for,
    form_data,
    idempotency_key,
    checked,
    by,
    now,
) -> Dossier:
    """One transaction: the code, the dossier, its papers, events and status change (with its audit).
    Its statements are prepared (``core.postgresql.prepared``): every one is an INSERT or a read by key,
    the same on every intake."""
    transition = states.find(way.transition, None)
    connection = connections[Dossier.objects.db]
    # Prepared inside the transaction: what runs on its commit (on_commit callbacks) runs as Django runs it.
    with stored_files.discard_on_rollback() as stored, transaction.atomic(), prepared(connection):
        due = deadlines.initial_due(version, now)
        dossier = Dossier(
            code=codes.assign_code(receiving_agency, now),
            procedure_version=version,
            receiving_agency=receiving_agency,
            current_agency=receiving_agency,
            channel=way.channel,
            status=transition.target,
            applicant=applicant,
            submitted_by=submitted_by,
            acting_for=acting_for,
            form_data=form_data or {},
            idempotency_key=idempotency_key,
            submitted_at=now,
            received_at=now if way.received else None,
            due_at=due,
            statutory_due_at=due,
            at_risk_hours=deadlines.at_risk_window(now, due),
            lookup_pin=_lookup_pin(),
            **applicant_fields,
        )
        if statements.supported(connection):
            # Its row as ``save()`` writes it (``core.statements``), without the save path's cost; the
            # processing agency, papers and events below need its id, so it goes first.
            statements.execute([statements.values(Dossier, [dossier], connection)], connection=connection)
        else:
            dossier.save()
        # The processing agency and the papers are written with the status change, its audit line and
        # events (``states.record``'s rows: one statement on PostgreSQL). The dossier is new, so the
        # processing agency cannot be there already (what ``processing_agencies.add`` would check).
        rows = [Dossier.processing_agencies.through(dossier=dossier, agency=receiving_agency)]
        rows += _stored_paper_rows(
            dossier, checked, stage=PaperStage.SUBMISSION, by=by, at=now, stored=stored
        )
        before = [
            (name, states.event_payload(dossier, from_status=None, form_code="", due_at=_iso(due)))
            for name in way.extra_events
        ]
        states.record(
            dossier,
            transition,
            by=by,
            at=now,
            event_extra={"due_at": _iso(due)},
            extra={"papers": len(checked), "due_at": _iso(due)},
            events_before=before,
            rows=rows,
        )
    return dossier


def submit_online(
    *,
    version,
    applicant,
    receiving_agency,
    form_data,
    applicant_details: dict,
    acting_for: dict | None,
    submitted_by,
    idempotency_key: str,
    papers: list[PaperUpload],
) -> Dossier:
    """Submit a dossier through the portal (status 1, Mới đăng ký).

    Inputs: the ``ProcedureVersion`` applied for; ``applicant`` (the account the dossier belongs to, may
    be the same as ``submitted_by``, the signed-in person); ``receiving_agency``; ``form_data`` (checked
    by the form engine, as the application page checks it); ``applicant_details`` (``name`` required,
    ``national_id``, ``phone``, ``email``, ``address``); ``acting_for`` (who is represented when
    submitting for someone else: relation, name, national ID) or None; ``idempotency_key`` from the
    form (required); ``papers``: every required paper of the version not obtainable from the data store.
    Effects (one transaction): the dossier with its code and appointment (computed from now, see the
    package docstring), the papers stored under random names, a ``StatusChange`` (—→1), the audit entry
    ``dossiers.submit_online`` and the event ``dossier.submitted``.
    Idempotent: the same key again returns the dossier already created and changes nothing.
    Errors: ``VersionNotInForce``; ``InvalidDossierInput`` (missing name, malformed identifier, form
    errors, missing or unknown papers, procedure not offered online, key used by someone else,
    no signed-in submitter); ``UploadRejected``.
    """
    key = _text(idempotency_key, 80, _("Mã chống gửi trùng"))
    if not key:
        raise InvalidDossierInput(
            _("Thiếu mã chống gửi trùng của biểu mẫu; vui lòng tải lại trang."), code="idempotency_key"
        )
    if submitted_by is None or not getattr(submitted_by, "is_authenticated", False):
        raise InvalidDossierInput(_("Vui lòng đăng nhập để nộp hồ sơ trực tuyến."), code="not_signed_in")
    return _intake(
        _ONLINE,
        version=version,
        receiving_agency=receiving_agency,
        applicant=applicant or submitted_by,
        submitted_by=submitted_by,
        by=submitted_by,
        key=key,
        applicant_details=applicant_details,
        acting_for=acting_for,
        form_data=form_data,
        papers=papers,
    )


def receive_at_counter(
    *,
    version,
    receiving_agency,
    officer,
    applicant_details,
    form_data,
    acting_for=None,
    papers=(),
    idempotency_key=None,
    applicant=None,
) -> Dossier:
    """Receive a dossier handed in at the one-stop counter: created directly in status 2 (accepted),
    channel "counter", received now; form 01 is due.

    Inputs as ``submit_online``; ``officer`` must hold the RECEIVE permission at ``receiving_agency``;
    ``applicant`` is the applicant's account when they have one (optional); ``papers`` are the scans
    made at the counter (optional — paper originals may stay on paper); ``idempotency_key`` optional,
    protects against a double click.
    Effects (one transaction): the dossier, papers, ``StatusChange`` (—→2, form 01), audit entry
    ``dossiers.receive_at_counter``, events ``dossier.submitted`` then ``dossier.accepted``.
    Errors: ``PermissionDenied``; ``VersionNotInForce``; ``InvalidDossierInput``; ``UploadRejected``.
    """
    permissions.require_at(officer, permissions.RECEIVE, receiving_agency, permissions.RECEIVING)
    return _intake(
        _COUNTER,
        version=version,
        receiving_agency=receiving_agency,
        applicant=applicant,
        submitted_by=None,
        by=officer,
        key=_text(idempotency_key, 80, _("Mã chống gửi trùng")) or None,
        applicant_details=applicant_details,
        acting_for=acting_for,
        form_data=form_data,
        papers=papers,
    )


def receive_from_national_portal(
    *,
    version,
    receiving_agency,
    national_code: str,
    applicant_details: dict,
    form_data: dict,
    papers=(),
    acting_for=None,
) -> Dossier:
    """Take in a dossier submitted on the National Public Service Portal (DVCQG): status 1 (Mới đăng ký),
    channel "national portal", awaiting reception at ``receiving_agency`` like an online dossier.

    ``national_code`` is the portal's dossier code (MaHoSo): the idempotency key, so the same national
    dossier pulled twice gives the dossier already made and changes nothing. Nobody signed in submits
    it (``submitted_by`` and ``applicant`` are empty; the applicant's details are those the portal sent).
    ``form_data`` is checked against the version's form as online; ``papers`` are those the portal holds
    (each checked by content, paper codes against the version; not all required papers are demanded).
    Effects (one transaction): the dossier, its papers, a ``StatusChange`` (—→1,
    ``receive_from_national_portal``), the audit entry and the event ``dossier.submitted``.
    Errors: ``VersionNotInForce``; ``InvalidDossierInput`` (no national code, bad details or form,
    unknown papers); ``UploadRejected``.
    """
    code = _text(national_code, 70, _("Mã hồ sơ trên Cổng Dịch vụ công quốc gia"))
    if not code:
        raise InvalidDossierInput(_("Thiếu mã hồ sơ trên Cổng Dịch vụ công quốc gia."), code="national_code")
    return _intake(
        _NATIONAL,
        version=version,
        receiving_agency=receiving_agency,
        applicant=None,
        submitted_by=None,
        by=None,
        key=NATIONAL_KEY_PREFIX + code,
        applicant_details=applicant_details,
        acting_for=acting_for,
        form_data=form_data,
        papers=papers,
    )


def national_code_of(dossier) -> str:
    """The National Public Service Portal's code of a dossier that came from it, else ""."""
    key = dossier.idempotency_key or ""
    if dossier.channel == Channel.NATIONAL_PORTAL and key.startswith(NATIONAL_KEY_PREFIX):
        return key[len(NATIONAL_KEY_PREFIX) :]
    return ""
