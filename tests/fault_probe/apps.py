"""A test-only app that makes a web process hang right after it has written an uploaded file and before
the row that references it is inserted, so that a test can SIGKILL it at the worst moment.

Loaded only into subprocesses started by tests (``CONGSO_EXTRA_APPS``); driven by ``CONGSO_FAULT_DIR``:
while ``<dir>/hang`` exists, saving a draft attachment or a dossier paper touches ``<dir>/entered`` and
sleeps.
"""

import os
import time
from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import pre_save


def _hang_if_asked(sender, instance, **kwargs):
    folder = os.environ.get("CONGSO_FAULT_DIR")
    if not folder or not (Path(folder) / "hang").exists():
        return
    (Path(folder) / "entered").write_text(instance.file.name)
    time.sleep(600)


class FaultProbeConfig(AppConfig):
    name = "tests.fault_probe"
    label = "fault_probe"

    def ready(self):
        from congso.dossiers.models import DossierPaper
        from congso.portal.models import DraftFile

        for model in (DossierPaper, DraftFile):
            pre_save.connect(_hang_if_asked, sender=model, dispatch_uid=f"fault-probe-{model.__name__}")
