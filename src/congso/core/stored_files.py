"""Stored files that belong to database rows, and the guarantee that none outlives its row.

Files are not transactional: a paper is written to storage, then its row is inserted, then the
transaction commits. Two pieces make sure that a file whose row never committed does not stay behind:

- ``discard_on_rollback()``, around the transaction that writes files: the names it collects are deleted
  if the block raises (a refused paper, a failed check, a database error). It cannot help when the
  process itself dies (SIGKILL, out of memory, power cut): no code runs then.
- the periodic job ``core.orphan_file_sweep``: it deletes stored files that no row references and that
  are older than ``CONGSO_ORPHAN_FILE_GRACE_SECONDS``. The grace period is far longer than any request,
  so a file whose row is about to commit is never taken; only files left by a crash are.

A block declares what it stores with ``register_owner("dossiers/", DossierPaper, "file")``: the storage
folder it writes under and the model field that references those files. The sweep never looks outside
the registered folders.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from . import scheduling

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class Owner:
    folder: str
    model: type
    field: str
    # The folders worth walking now (e.g. this month's and last month's); by default the whole folder.
    recent_folders: Callable[[object], list[str]] | None = None

    def folders(self, now) -> list[str]:
        return self.recent_folders(now) if self.recent_folders else [self.folder.rstrip("/")]

    def referenced(self, names: list[str]) -> set[str]:
        manager = self.model._default_manager
        return set(manager.filter(**{f"{self.field}__in": names}).values_list(self.field, flat=True))


_owners: dict[tuple[str, str], Owner] = {}


def register_owner(folder: str, model, field: str, *, recent_folders=None) -> None:
    """Declare that ``model.field`` references the files stored under ``folder``."""
    _owners[(folder, model._meta.label_lower)] = Owner(folder, model, field, recent_folders)


def owners() -> list[Owner]:
    return [_owners[key] for key in sorted(_owners)]


def discard(names) -> None:
    """Delete stored files by name; a name already gone is not an error."""
    for name in names:
        if name:
            default_storage.delete(name)


@contextmanager
def discard_on_rollback() -> Iterator[list[str]]:
    """Collect the names of files written inside the block; delete them if the block raises.

    Wrap it around the ``transaction.atomic()`` block that writes the files and their rows, and append
    each stored name to the list it yields. A crash that skips this (SIGKILL) is the sweep's job.
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        discard(written)
        raise


def _walk(folder: str) -> Iterator[str]:
    """Every file name under ``folder`` in the default storage (nothing if the folder does not exist)."""
    try:
        dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _walk(f"{folder}/{sub}")


def _old_enough(name: str, horizon) -> bool:
    try:
        return default_storage.get_modified_time(name) < horizon
    except FileNotFoundError:  # removed meanwhile (a draft deleted, another sweep)
        return False


def _in_batches(names: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def sweep(now=None) -> list[str]:
    """Delete the files of registered folders that no row references and that are older than the grace
    period; return their names."""
    now = now or timezone.now()
    horizon = now - timedelta(seconds=settings.CONGSO_ORPHAN_FILE_GRACE_SECONDS)
    removed: list[str] = []
    for group in _by_folder().values():
        candidates = (
            name for sub in group[0].folders(now) for name in _walk(sub) if _old_enough(name, horizon)
        )
        for batch in _in_batches(candidates):
            referenced = set().union(*(owner.referenced(batch) for owner in group))
            orphans = [name for name in batch if name not in referenced]
            discard(orphans)
            removed += orphans
    if removed:
        logger.warning("Deleted %s stored file(s) that no row references: %s", len(removed), removed[:20])
    return removed


def _by_folder() -> dict[str, list[Owner]]:
    groups: dict[str, list[Owner]] = {}
    for owner in owners():
        groups.setdefault(owner.folder, []).append(owner)
    return groups


@scheduling.periodic("core.orphan_file_sweep", every=3600)
def _orphan_file_sweep():
    sweep()
