"""Subscribers driven by files so a test can make them hang or fail inside a worker process.

``probe.ping`` payload: {"marker_dir": "<dir>"}. On each attempt the handler appends a line to
``attempts.log``; if ``hang`` exists it touches ``entered`` and sleeps (so the test can kill the worker
mid-delivery); if ``fail`` exists it raises. On success it writes an audit entry in the delivery's
transaction, so the effect is recorded exactly once even when the handler runs twice.
"""

import time
from pathlib import Path

from congso.core import audit
from congso.core.events import subscriber


@subscriber("probe.ping", name="probe.recorder")
def record_ping(event):
    marker_dir = Path(event.payload["marker_dir"])
    with open(marker_dir / "attempts.log", "a") as log:
        log.write(f"{event.pk}\n")
    if (marker_dir / "hang").exists():
        (marker_dir / "entered").touch()
        time.sleep(600)
    if (marker_dir / "fail").exists():
        raise RuntimeError("probe told to fail")
    audit.record("probe.handled", changes={"event": str(event.pk)}, label="probe")
