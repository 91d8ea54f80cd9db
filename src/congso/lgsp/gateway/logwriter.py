"""The group commit of the message log: requests hand their record to one writer task and wait; the
writer takes every record waiting, appends them in one transaction (``messagelog.append``) in its own
database thread, then wakes their requests. While one batch is written the next one gathers, so under
load one transaction carries many records."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import IntegrityError, connection

from .. import messagelog
from . import metrics

logger = logging.getLogger(__name__)
MAX_BATCH = 500


def _append(entries: list[dict]) -> list[BaseException | None]:
    # The writer thread keeps its database connection for the life of the process (closing it after
    # every batch, as CONN_MAX_AGE=0 would, costs more than the batch); it is dropped after an error.
    try:
        messagelog.append(entries)
        return [None] * len(entries)
    except IntegrityError:
        # A message id already logged (a replay older than the gateway's memory, or logged by another
        # gateway process): write the batch one by one so only that record fails.
        outcomes: list[BaseException | None] = []
        for entry in entries:
            try:
                messagelog.append([entry])
                outcomes.append(None)
            except IntegrityError as exc:
                outcomes.append(exc)
        return outcomes


class LogWriter:
    def __init__(self, executor: ThreadPoolExecutor):
        self.executor = executor
        self.queue: asyncio.Queue = asyncio.Queue()

    async def write(self, entry: dict) -> None:
        """Return once ``entry`` is durable; raise if it could not be written."""
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((entry, future))
        await future

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            await asyncio.sleep(0)  # let the requests already answered by their provider queue up too
            while not self.queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self.queue.get_nowait())
            metrics.LOG_BATCH.observe(len(batch))
            try:
                outcomes = await loop.run_in_executor(self.executor, _append, [e for e, _ in batch])
            except Exception as exc:  # noqa: BLE001 — every waiting request learns its record failed
                logger.exception("LGSP gateway: the message log could not be written")
                await loop.run_in_executor(self.executor, connection.close)
                outcomes = [exc] * len(batch)
            for (_entry, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)
