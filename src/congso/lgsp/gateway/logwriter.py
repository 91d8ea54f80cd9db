"""The group commit of the message log, in a process of its own.

Requests hand their record to the writer process and wait; the writer takes every record that arrived
while it was committing, appends them in one transaction (``messagelog.append``: the hash chain is
computed there, in order), then answers how many it wrote and which failed. A request's future is
resolved only by that answer, so **a response still ends only once its record is durable**.

Why a process and not a thread: in one process the writer thread (Django, chain hashing, the cursor)
held the GIL for about a third of the gateway's CPU time, and the event loop waited for it — up to
the interpreter's switch interval each time — so every request paid for the log twice, in CPU and in
latency (bench/README.md, "LGSP gateway"). In its own process the writer runs on the other core and
the event loop keeps the GIL; a record costs the event loop one marshal dump and one socket write.

The link is a socket pair: frames of a 4-byte length and a ``marshal`` dump, both ways (both ends are
this code and this interpreter; nothing else can write to the pair). ``marshal`` because a pickle of
the record — its aware datetime goes through ``copyreg`` — cost the event loop several times more; the
time travels as integer microseconds since the epoch, exactly. Records go in order and batches are
answered in order, so an answer is ``(count, {index: error})`` for the oldest ``count`` waiting
records. If the writer dies, every waiting request fails (the gateway answers 503, no answer leaves
without its record) and the next record starts a new writer.
"""

import asyncio
import logging
import marshal
import multiprocessing
import os
import socket
import struct
from collections import deque
from datetime import UTC, datetime, timedelta

from . import metrics

logger = logging.getLogger(__name__)
MAX_BATCH = 500
HEADER = struct.Struct("!I")
READ_SIZE = 1 << 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class LogWriteFailed(Exception):
    """The record could not be made durable (a message id already logged, or the database is away)."""


# --- the writer process ---------------------------------------------------------------------------


def _append(entries: list[dict]) -> dict[int, str]:
    """Append ``entries`` in one transaction; the failures by index (none when all were written)."""
    from django.db import IntegrityError, connection

    from .. import messagelog

    # The connection is kept for the life of the process (closing it after every batch, as
    # CONN_MAX_AGE=0 would, costs more than the batch); it is dropped after an error.
    try:
        messagelog.append(entries)
        return {}
    except IntegrityError:
        # A message id already logged (a replay older than the gateway's memory, or logged by another
        # gateway process): write the batch one by one so only that record fails.
        failures = {}
        for index, entry in enumerate(entries):
            try:
                messagelog.append([entry])
            except IntegrityError as exc:
                failures[index] = f"{type(exc).__name__}: {exc}"
        return failures
    except Exception as exc:  # noqa: BLE001 — every record of the batch learns it failed
        logger.exception("LGSP gateway: the message log could not be written")
        connection.close()
        return dict.fromkeys(range(len(entries)), f"{type(exc).__name__}: {exc}")


def _frames(buffer: bytearray) -> list:
    """Take the complete frames off the front of ``buffer``."""
    items, offset = [], 0
    while len(buffer) - offset >= HEADER.size:
        (size,) = HEADER.unpack_from(buffer, offset)
        if len(buffer) - offset - HEADER.size < size:
            break
        start = offset + HEADER.size
        items.append(marshal.loads(buffer[start : start + size]))  # noqa: S302 — our own process's frames
        offset = start + size
    del buffer[:offset]
    return items


def _frame(item) -> bytes:
    payload = marshal.dumps(item)
    return HEADER.pack(len(payload)) + payload


def _record_frame(entry: dict) -> bytes:
    return _frame({**entry, "at": (entry["at"] - EPOCH) // MICROSECOND})


def _record(item: dict) -> dict:
    item["at"] = EPOCH + timedelta(microseconds=item["at"])
    return item


def serve(link: socket.socket) -> None:
    """The writer process: read records, commit what arrived together, answer; stop when the gateway
    closes its end."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    import django

    django.setup()
    link.sendall(_frame("ready"))
    buffer = bytearray()
    while True:
        data = link.recv(READ_SIZE)
        if not data:
            return
        buffer += data
        entries = [_record(item) for item in _frames(buffer)]
        for start in range(0, len(entries), MAX_BATCH):
            batch = entries[start : start + MAX_BATCH]
            link.sendall(_frame((len(batch), _append(batch))))


# --- the gateway's side ---------------------------------------------------------------------------


class _Link(asyncio.Protocol):
    def __init__(self, writer: "LogWriter"):
        self.writer = writer
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        for answer in _frames(self.buffer):
            self.writer._answered(answer)

    def connection_lost(self, exc) -> None:
        self.writer._lost()


class LogWriter:
    """The gateway's end of the writer process."""

    def __init__(self):
        self.process: multiprocessing.process.BaseProcess | None = None
        self.transport: asyncio.Transport | None = None
        self.ready: asyncio.Future | None = None
        self.waiting: deque[asyncio.Future] = deque()

    async def start(self) -> None:
        """Start the writer process (Django set up, ready to write) unless it runs."""
        if self.ready is None:
            loop = asyncio.get_running_loop()
            self.ready = loop.create_future()
            ours, theirs = socket.socketpair()
            # spawn, not fork: a fresh interpreter with no copy of the event loop, the threads or the
            # gateway's database connections.
            context = multiprocessing.get_context("spawn")
            self.process = context.Process(target=serve, args=(theirs,), name="lgsp-log", daemon=True)
            self.process.start()
            theirs.close()
            self.transport, _ = await loop.create_unix_connection(lambda: _Link(self), sock=ours)
        ready = self.ready
        await ready

    async def write(self, entry: dict) -> None:
        """Return once ``entry`` is durable; raise :class:`LogWriteFailed` if it could not be written."""
        await self.start()
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        self.transport.write(_record_frame(entry))
        await future

    async def aclose(self) -> None:
        if self.transport is not None:
            self.transport.close()
        if self.process is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.process.join, 10)

    def _answered(self, answer) -> None:
        if answer == "ready":
            self.ready.set_result(None)
            return
        count, failures = answer
        metrics.LOG_BATCH.observe(count)
        for index in range(count):
            future = self.waiting.popleft()
            if future.done():  # the request was cancelled (its client went away)
                continue
            if index in failures:
                future.set_exception(LogWriteFailed(failures[index]))
            else:
                future.set_result(None)

    def _lost(self) -> None:
        """The writer process ended: fail whoever waits; the next record starts a new one."""
        if self.ready is not None and not self.ready.done():
            self.ready.set_exception(LogWriteFailed("the message log writer did not start"))
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(LogWriteFailed("the message log writer stopped"))
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
        self.process, self.transport, self.ready = None, None, None
