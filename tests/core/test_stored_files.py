"""Stored files never outlive their rows: cleanup on error, and the sweep after a crash (real SIGKILL)."""

import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.cookies import SimpleCookie

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from congso.core import stored_files
from congso.portal.models import DraftFile
from tests.portal.applications import (
    CERTIFICATION_PAPERS,
    fill_certification,
    make_citizen,
    make_communes,
    make_version,
    start,
    url,
)
from tests.samples import pdf
from tests.support.subprocesses import PROJECT_ROOT, database_url_for_subprocess, free_port, wait_until


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_discard_on_rollback_deletes_what_the_failed_block_wrote_and_keeps_the_rest(media):
    with pytest.raises(RuntimeError), stored_files.discard_on_rollback() as written:
        written.append(default_storage.save("drafts/a/failed", ContentFile(b"x")))
        raise RuntimeError("the transaction failed")
    with stored_files.discard_on_rollback() as written:
        written.append(default_storage.save("drafts/a/kept", ContentFile(b"x")))
    assert not (media / "drafts/a/failed").exists()
    assert (media / "drafts/a/kept").exists()


@pytest.mark.django_db
def test_the_sweep_spares_young_files_and_what_it_does_not_own(media, settings):
    young = default_storage.save("drafts/d1/young", ContentFile(b"x"))
    foreign = default_storage.save("catalog/templates/mau-don.pdf", ContentFile(b"x"))

    settings.CONGSO_ORPHAN_FILE_GRACE_SECONDS = 3600
    assert stored_files.sweep() == []  # an upload whose row may still be about to commit
    settings.CONGSO_ORPHAN_FILE_GRACE_SECONDS = 0
    assert stored_files.sweep() == [young]
    assert (media / foreign).exists()  # outside every registered folder


@pytest.mark.django_db
def test_the_sweep_job_is_registered_with_the_worker():
    from congso.core import scheduling

    assert "core.orphan_file_sweep" in {job.name for job in scheduling.jobs()}
    assert {owner.folder for owner in stored_files.owners()} >= {"dossiers/", "drafts/"}


# --- A web process killed mid-upload ---------------------------------------------------------------


def _serve(port, media, fault_dir, log):
    env = dict(
        os.environ,
        DATABASE_URL=database_url_for_subprocess(),
        CONGSO_PROFILE="test",
        CONGSO_EXTRA_APPS="tests.outbox_probe,tests.fault_probe",
        CONGSO_FAULT_DIR=str(fault_dir),
        MEDIA_ROOT=str(media),
        PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(PROJECT_ROOT / "src")]),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "congso.cli", "serve", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT,
        # Its own process group: the server may fork workers (granian), and a crash of the web server
        # is all of them dying at once; a worker left alive would hold the upload's transaction open.
        start_new_session=True,
    )


def _kill_server(server) -> None:
    """SIGKILL the server and every process it forked: no cleanup code of any kind can run."""
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait(timeout=10)


def _get(address, cookies):
    request = urllib.request.Request(address, headers={"Cookie": cookies})  # noqa: S310 (local server)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read().decode(), response.headers.get_all("Set-Cookie") or []


@pytest.mark.django_db(transaction=True)
def test_a_web_process_killed_mid_upload_leaves_a_file_that_the_sweep_removes(
    media, settings, tmp_path, make_user
):
    communes = make_communes()
    version = make_version(form="2.000815", papers=CERTIFICATION_PAPERS, agencies=communes)
    client = Client()
    client.force_login(make_citizen(make_user))
    draft = start(client, version)
    fill_certification(client, draft, communes[0])
    assert (
        client.post(
            url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "upload"}
        ).status_code
        == 302
    )
    kept = DraftFile.objects.get().file.name  # referenced by its row: the sweep must keep it

    fault_dir = tmp_path / "fault"
    fault_dir.mkdir()
    (fault_dir / "hang").touch()
    port = free_port()
    with open(tmp_path / "web.log", "w") as log:
        server = _serve(port, media, fault_dir, log)
    try:
        base = f"http://127.0.0.1:{port}"
        session = f"congso_session={client.cookies['congso_session'].value}"

        def page():
            try:
                return _get(base + url("apply-papers", draft), session)
            except OSError:
                return None

        html, set_cookies = wait_until(page, message="the web server")
        csrf = SimpleCookie("\n".join(set_cookies))["congso_csrf"].value
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = encode_multipart(
            BOUNDARY,
            {"csrfmiddlewaretoken": token, "action": "upload", "file-giay-to-khac": pdf("scan.pdf")},
        )
        request = urllib.request.Request(  # noqa: S310 (local test server)
            base + url("apply-papers", draft),
            data=body,
            headers={"Cookie": f"{session}; congso_csrf={csrf}", "Content-Type": MULTIPART_CONTENT},
        )

        def post():
            try:
                urllib.request.urlopen(request, timeout=60)  # noqa: S310 (local test server)
            except (urllib.error.URLError, ConnectionError, OSError):
                pass  # the server is killed under it

        sender = threading.Thread(target=post, daemon=True)
        sender.start()
        wait_until(lambda: (fault_dir / "entered").exists(), message="the upload to reach the fault hook")
        _kill_server(server)
        sender.join(timeout=30)
    finally:
        _kill_server(server)

    orphan = (fault_dir / "entered").read_text()
    assert orphan.startswith("drafts/") and (media / orphan).exists()
    assert not DraftFile.objects.filter(file=orphan).exists()

    settings.CONGSO_ORPHAN_FILE_GRACE_SECONDS = 0
    assert stored_files.sweep() == [orphan]
    assert not (media / orphan).exists()
    assert (media / kept).exists() and DraftFile.objects.filter(file=kept).exists()
