"""The gateway's message log as evidence: appending records to the hash chain (a group commit), signed
checkpoints, verification that names the record that was altered, removed, inserted or reordered,
and retention (archive then remove, behind a checkpoint). "Who used my data" is
``lgsp.services.data_uses_of``.

The chain: ``hash = SHA-256(prev_hash + "\\n" + canonical fields)`` where the canonical fields are a
compact JSON array (``canonical``) of everything but the bodies (their digests are in it). The first
record chains onto ``LogHead.base_hash`` (64 zeros, or the last archived record's hash).
"""

import base64
import functools
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.postgresql import fetch_one_numbered

from . import conf, keys
from .models import ExchangeDay, LogCheckpoint, LogHead, MessageRecord, SigningKey, System
from .services.credentials import ensure_signing_keys
from .services.snapshot import record_exchanges

GENESIS = "0" * 64
CANONICAL_FIELDS = (
    "at",
    "message_id",
    "client",
    "service",
    "method",
    "path",
    "user_id",
    "issue",
    "data_subject",
    "status",
    "source",
    "request_bytes",
    "response_bytes",
    "duration_us",
    "request_sha256",
    "response_sha256",
)


def _at(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: dict) -> str:
    """The record's fields in a fixed order as compact JSON (times in UTC to the microsecond)."""
    row = [_at(values["at"]) if name == "at" else values[name] for name in CANONICAL_FIELDS]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, values: dict) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(values)}".encode()).hexdigest()


def _head() -> LogHead:
    head, _ = LogHead.objects.get_or_create(pk=1, defaults={"hash": GENESIS, "base_hash": GENESIS})
    return head


_COLUMNS = ("seq", *CANONICAL_FIELDS, "request_body", "response_body", "prev_hash", "hash")


# The head this process last committed, (seq, hash): on PostgreSQL the next batch is written in ONE
# statement that moves the head only if it is still there (``_append_in_one_statement``). None until the
# first batch, after any error, and whenever another writer moved the head.
_known_head: tuple[int, str] | None = None


def append(entries: list[dict]) -> int:
    """Chain and store ``entries`` (dicts of the record's fields, ``at`` timezone-aware; optional
    ``request_body``/``response_body``, ``client_system_id``/``provider_system_id`` for the daily
    exchange counts) in ONE transaction — the gateway's group commit. When it returns (outside a
    surrounding transaction), they are durable. Returns how many were stored.

    On PostgreSQL, once this process knows the head, a batch is one statement in its own transaction:
    one round trip and one commit instead of eight (``_append_in_one_statement``). Otherwise, and when
    another writer has moved the head meanwhile, the head row is locked and read first
    (``_append_under_lock``)."""
    global _known_head
    if not entries:
        return 0
    if _known_head is not None and connection.vendor == "postgresql":
        try:
            written = _append_in_one_statement(entries, *_known_head)
        except Exception:
            _known_head = None
            raise
        if written:
            return written
        _known_head = None
    try:
        return _append_under_lock(entries)
    except Exception:
        _known_head = None
        raise


def _chained(entries: list[dict], seq: int, prev: str) -> tuple[list[list], dict[tuple[int, date], int]]:
    """The rows of ``entries`` chained after ``(seq, prev)``, and the messages per (system, day)."""
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    exchanges: dict[tuple[int, date], int] = {}
    for entry in entries:
        values = {name: entry[name] for name in CANONICAL_FIELDS}
        seq += 1
        digest = chain_hash(prev, values)
        row = [seq]
        row += [adapt(values["at"]) if name == "at" else values[name] for name in CANONICAL_FIELDS]
        row += [entry.get("request_body"), entry.get("response_body"), prev, digest]
        rows.append(row)
        prev = digest
        day = timezone.localdate(values["at"])
        for key in ("client_system_id", "provider_system_id"):
            if entry.get(key):
                exchanges[(entry[key], day)] = exchanges.get((entry[key], day), 0) + 1
    return rows, exchanges


def _append_under_lock(entries: list[dict]) -> int:
    """The portable path: lock the head row, read it, insert the records with one ``executemany``, move
    the head, count the exchanges. Model instances and ``bulk_create`` cost more than the commit here."""
    global _known_head
    head_table = connection.ops.quote_name(LogHead._meta.db_table)
    record_table = connection.ops.quote_name(MessageRecord._meta.db_table)
    # S608 below: the names are the models' own tables and columns; every value is a parameter.
    insert = (
        f"INSERT INTO {record_table} ({', '.join(connection.ops.quote_name(c) for c in _COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Take the write lock (the UPDATE) before reading the head, so no other writer chains meanwhile.
        cursor.execute(f"UPDATE {head_table} SET seq = seq WHERE id = 1")  # noqa: S608
        if cursor.rowcount == 0:
            _head()
        cursor.execute(f"SELECT seq, hash FROM {head_table} WHERE id = 1")  # noqa: S608
        seq, prev = cursor.fetchone()
        rows, exchanges = _chained(entries, seq, prev)
        cursor.executemany(insert, rows)
        seq, prev = rows[-1][0], rows[-1][-1]
        cursor.execute(f"UPDATE {head_table} SET seq = %s, hash = %s WHERE id = 1", [seq, prev])  # noqa: S608
        # The day's row exists but for the first exchange of a system's day: one plain UPDATE each
        # (the ORM's update took ~45 % of a commit's time); the ORM upsert only when it is missing.
        exchange_table = connection.ops.quote_name(ExchangeDay._meta.db_table)
        bump = f"UPDATE {exchange_table} SET count = count + %s WHERE system_id = %s AND day = %s"  # noqa: S608
        for (system_id, day), count in exchanges.items():
            cursor.execute(bump, [count, system_id, connection.ops.adapt_datefield_value(day)])
            if cursor.rowcount == 0:
                record_exchanges(System(pk=system_id), day, count)
    if connection.vendor == "postgresql":
        _known_head = (seq, prev)
    return len(rows)


def _append_in_one_statement(entries: list[dict], seq: int, prev: str) -> int:
    """PostgreSQL: chain ``entries`` after the head this process last wrote and store them, the head and
    the day counts in ONE statement (its own transaction): the head moves only where it still is
    ``(seq, prev)``, and the records and counts are written only through that move, so a head moved by
    another writer makes the statement write nothing (0 is returned; the caller then locks and reads).
    A message id already logged fails the whole statement, as a batch does on the portable path."""
    global _known_head
    rows, exchanges = _chained(entries, seq, prev)
    exchange_rows = [[system_id, day, count] for (system_id, day), count in exchanges.items()]
    new_seq, new_hash = rows[-1][0], rows[-1][-1]
    params = [new_seq, new_hash, seq, prev]
    for row in rows:
        params += row
    for row in exchange_rows:
        params += row
    statement = _one_statement(len(rows), len(exchange_rows))
    if connection.in_atomic_block:
        # Inside a caller's transaction, a savepoint, so a refused batch leaves that transaction usable
        # (in the writer process there is none: the statement is its own transaction, one round trip).
        with transaction.atomic():
            written = _execute_prepared(statement, params)
    else:
        written = _execute_prepared(statement, params)
    if written:
        # Even if a caller's transaction later rolls this back, the next batch is safe: its statement
        # would find the head elsewhere, write nothing, and go the portable way.
        _known_head = (new_seq, new_hash)
    return written


def _execute_prepared(statement: str, params: list) -> int:
    """Run the batch's ``statement`` on psycopg's raw cursor, prepared once per shape
    (``core.postgresql.fetch_one_numbered``); its errors are still Django's (``IntegrityError``).

    Its placeholders are PostgreSQL's own (``$1``, written with their types by ``_one_statement``).
    psycopg rewrites ``%s`` placeholders into those on every execution and keeps the result only for
    statements of at most 50 parameters. A batch of sixteen records has 343, and their rewriting took
    0.8 ms of the log writer's CPU per batch, some 50 µs per request logged (bench/README.md, "LGSP
    gateway")."""
    (written,) = fetch_one_numbered(connection, statement, params)
    return written


@functools.cache
def _one_statement(records: int, exchanges: int) -> str:
    """The statement of ``_append_in_one_statement`` for that many records and (system, day) counts,
    with PostgreSQL's numbered placeholders (``_execute_prepared``). Each value carries its column's type:
    a VALUES list of parameters is otherwise read as text."""
    number = itertools.count(1)

    def value(kind: str = "") -> str:
        return f"${next(number)}::{kind}" if kind else f"${next(number)}"

    quote = connection.ops.quote_name
    head_table = quote(LogHead._meta.db_table)
    record_table = quote(MessageRecord._meta.db_table)
    exchange_table = quote(ExchangeDay._meta.db_table)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    types = [MessageRecord._meta.get_field(c).db_type(connection) for c in _COLUMNS]
    # S608 below: the names are the models' own tables, columns and types; every value is a parameter.
    sql = (
        f"WITH head AS (UPDATE {head_table} SET seq = {value()}, hash = {value()} "  # noqa: S608
        f"WHERE id = 1 AND seq = {value()} AND hash = {value()} RETURNING 1), "
    )
    record_rows = ", ".join("(" + ", ".join(value(kind) for kind in types) + ")" for _row in range(records))
    sql += (
        f"records AS (INSERT INTO {record_table} ({columns}) "  # noqa: S608
        f"SELECT v.* FROM (VALUES {record_rows}) AS v ({columns}) "
        "CROSS JOIN head RETURNING 1)"
    )
    if exchanges:
        system_type = ExchangeDay._meta.get_field("system").db_type(connection)
        exchange_rows = ", ".join(
            f"({value(system_type)}, {value('date')}, {value('integer')})" for _row in range(exchanges)
        )
        sql += (
            f", exchanges AS (INSERT INTO {exchange_table} (system_id, day, count) "  # noqa: S608
            f"SELECT v.* FROM (VALUES {exchange_rows}) AS v (system_id, day, count) "
            "CROSS JOIN head "
            f"ON CONFLICT (system_id, day) DO UPDATE SET count = {exchange_table}.count + EXCLUDED.count)"
        )
    return sql + " SELECT COUNT(*) FROM records"  # noqa: S608 -- as above: names only, values are parameters


def message_id_used(message_id: str) -> bool:
    return MessageRecord.objects.filter(message_id=message_id).exists()


def recent_message_ids(since: datetime) -> set[str]:
    """Message ids logged since ``since``: the gateway loads them at start to refuse replays."""
    return set(MessageRecord.objects.filter(at__gte=since).values_list("message_id", flat=True))


# --- checkpoints ----------------------------------------------------------------------------------


def _checkpoint_message(seq: int, digest: str, created_at: datetime) -> bytes:
    return f"congso-lgsp-log\n{seq}\n{digest}\n{_at(created_at)}".encode()


def write_checkpoint() -> LogCheckpoint | None:
    """Seal the chain's current head with the active signing key (none when nothing new was logged)."""
    head = _head()
    if head.seq == head.base_seq or LogCheckpoint.objects.filter(seq=head.seq).exists():
        return None
    active, _next = ensure_signing_keys()
    private = keys.decrypt_private_key(active.kid, active.private_key_encrypted, conf.key_secret())
    now = timezone.now()
    signature = private.sign(_checkpoint_message(head.seq, head.hash, now))
    return LogCheckpoint.objects.create(
        seq=head.seq,
        hash=head.hash,
        created_at=now,
        kid=active.kid,
        signature=base64.b64encode(signature).decode("ascii"),
    )


def _signature_holds(checkpoint: LogCheckpoint, public_keys: dict[str, str]) -> bool:
    pem = public_keys.get(checkpoint.kid)
    if pem is None:
        return False
    public = serialization.load_pem_public_key(pem.encode("ascii"))
    try:
        public.verify(
            base64.b64decode(checkpoint.signature),
            _checkpoint_message(checkpoint.seq, checkpoint.hash, checkpoint.created_at),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


# --- verification ---------------------------------------------------------------------------------


@dataclass
class Verification:
    records: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _name(row) -> str:
    return _("bản ghi #%(seq)s (thông điệp %(message)s)") % {"seq": row["seq"], "message": row["message_id"]}


def verify() -> Verification:
    """Walk the chain from its anchor by its links and report, naming each record: **altered** (its
    fields no longer give its hash), **removed** (the chain breaks: no record follows one that should
    have a successor), **inserted** (a record the chain never reaches) and **reordered** (the chain's
    order differs from the stored order). Then check every checkpoint's signature and that the record it
    sealed still has the sealed hash."""
    head = _head()
    result = Verification()
    rows = {}
    by_prev: dict[str, list[int]] = {}
    for record in MessageRecord.objects.order_by("seq").iterator(chunk_size=2000):
        values = {name: getattr(record, name) for name in CANONICAL_FIELDS}
        row = {
            "seq": record.seq,
            "message_id": record.message_id,
            "hash": record.hash,
            "prev": record.prev_hash,
        }
        if chain_hash(record.prev_hash, values) != record.hash:
            result.problems.append(
                _("%(record)s đã bị sửa: nội dung không còn khớp với mã băm của nó") % {"record": _name(row)}
            )
        rows[record.seq] = row
        by_prev.setdefault(record.prev_hash, []).append(record.seq)
    result.records = len(rows)
    known_hashes = {row["hash"] for row in rows.values()}

    def successor(digest: str) -> int | None:
        candidates = [s for s in by_prev.get(digest, []) if s not in seen]
        if not candidates:
            return None
        # A forged record chained onto the same predecessor has no successor of its own: prefer the
        # candidate the rest of the chain continues from.
        with_next = [s for s in candidates if by_prev.get(rows[s]["hash"])]
        return min(with_next or candidates)

    visited: list[int] = []
    seen: set[int] = set()
    current = head.base_hash
    while current != head.hash:
        nxt = successor(current)
        if nxt is None:
            # The chain stops short of the head: the record that followed is gone. Resume at the next
            # record whose predecessor is missing from the table.
            last = visited[-1] if visited else head.base_seq
            orphans = sorted(
                s
                for s, row in rows.items()
                if s not in seen and row["prev"] not in known_hashes and row["prev"] != head.base_hash
            )
            if orphans:
                result.problems.append(
                    _("một bản ghi đã bị xoá giữa bản ghi #%(last)s và %(record)s")
                    % {"last": last, "record": _name(rows[orphans[0]])}
                )
                current = rows[orphans[0]]["prev"]
                by_prev.setdefault(current, [])
                nxt = orphans[0]
            else:
                result.problems.append(
                    _("(các) bản ghi cuối sau bản ghi #%(last)s đã bị xoá (đầu chuỗi là #%(head)s)")
                    % {"last": last, "head": head.seq}
                )
                break
        visited.append(nxt)
        seen.add(nxt)
        current = rows[nxt]["hash"]
    for earlier, later in zip(visited, visited[1:], strict=False):
        if later < earlier:
            result.problems.append(
                _("%(first)s và %(second)s đã bị đổi thứ tự: trong chuỗi, #%(later)s đứng sau #%(earlier)s")
                % {
                    "first": _name(rows[later]),
                    "second": _name(rows[earlier]),
                    "later": later,
                    "earlier": earlier,
                }
            )
    for s in sorted(set(rows) - seen):
        result.problems.append(
            _("%(record)s đã bị chèn thêm: chuỗi không dẫn tới nó") % {"record": _name(rows[s])}
        )
    public_keys = dict(SigningKey.objects.values_list("kid", "public_key"))
    by_seq_hash = {s: row["hash"] for s, row in rows.items()}
    for checkpoint in LogCheckpoint.objects.filter(seq__gt=head.base_seq).order_by("seq"):
        result.checkpoints += 1
        if not _signature_holds(checkpoint, public_keys):
            result.problems.append(
                _("điểm niêm phong tại bản ghi #%(seq)s có chữ ký không hợp lệ") % {"seq": checkpoint.seq}
            )
        elif by_seq_hash.get(checkpoint.seq) != checkpoint.hash:
            result.problems.append(
                _("điểm niêm phong tại bản ghi #%(seq)s không còn khớp: các bản ghi tới nó đã bị viết lại")
                % {"seq": checkpoint.seq}
            )
    return result


# --- retention ------------------------------------------------------------------------------------


def archive_expired(now: datetime | None = None) -> int:
    """Move records older than ``CONGSO_LGSP_LOG_RETENTION_DAYS`` (default 365; 0 keeps everything) and
    sealed by a checkpoint to a JSON-lines file in ``CONGSO_LGSP_LOG_ARCHIVE_DIR`` (when set), then
    delete them and move the chain's anchor to the last one removed, so the rest still verifies.
    Returns how many were removed."""
    days = int(getattr(settings, "CONGSO_LGSP_LOG_RETENTION_DAYS", 365))
    if days <= 0:
        return 0
    now = now or timezone.now()
    sealed = LogCheckpoint.objects.order_by("-seq").first()
    if sealed is None:
        return 0
    with transaction.atomic():
        head = LogHead.objects.select_for_update().get(pk=1)
        expired = MessageRecord.objects.filter(
            seq__gt=head.base_seq, seq__lte=sealed.seq, at__lt=now - timedelta(days=days)
        ).order_by("seq")
        rows = list(expired.values())
        # Only a prefix of the chain can go: stop at the first record still within retention.
        prefix = []
        for row in rows:
            if row["seq"] != head.base_seq + len(prefix) + 1:
                break
            prefix.append(row)
        if not prefix:
            return 0
        archive_dir = getattr(settings, "CONGSO_LGSP_LOG_ARCHIVE_DIR", "")
        if archive_dir:
            _write_archive(Path(archive_dir), prefix)
        MessageRecord.objects.filter(seq__gt=head.base_seq, seq__lte=prefix[-1]["seq"]).delete()
        LogHead.objects.filter(pk=1).update(base_seq=prefix[-1]["seq"], base_hash=prefix[-1]["hash"])
    return len(prefix)


def _write_archive(directory: Path, rows: list[dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = f"lgsp-log-{rows[0]['seq']:012d}-{rows[-1]['seq']:012d}.jsonl"
    with (directory / name).open("w", encoding="utf-8") as out:
        for row in rows:
            row = dict(row)
            row["at"] = _at(row["at"])
            for body in ("request_body", "response_body"):
                if row[body] is not None:
                    row[body] = base64.b64encode(bytes(row[body])).decode("ascii")
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
