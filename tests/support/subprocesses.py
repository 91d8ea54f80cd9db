"""Running the project in other processes: its root, a database URL for them, a free port, waiting."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def database_url_for_subprocess() -> str:
    """A DATABASE_URL pointing another process at this test run's database."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout=30.0, interval=0.1, message="condition"):
    """Poll ``predicate`` until it is truthy; fail the test with ``message`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")


@contextlib.contextmanager
def running_gateway(log_dir: Path, env: dict[str, str] | None = None, command: str = "gateway"):
    """Run a real ``congso gateway`` process (or ``command``: ``sms-gateway``, which also answers
    ``/health``) on a free port, on this test run's database; yield its base URL.

    ``env`` adds variables to the process's environment (reload interval, body limit, provider tokens).
    The gateway's output goes to ``log_dir/gateway.log`` and is shown if the process exits early.
    """
    port = free_port()
    process_env = dict(os.environ)
    process_env.update(
        {
            "DATABASE_URL": database_url_for_subprocess(),
            "CONGSO_PROFILE": "test",
            "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), str(PROJECT_ROOT / "src")]),
            **(env or {}),
        }
    )
    log_path = log_dir / f"{command}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "congso.cli", command, "--port", str(port)],
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
        base = f"http://127.0.0.1:{port}"

        def healthy():
            if process.poll() is not None:
                pytest.fail("gateway exited:\n" + log_path.read_text())
            try:
                return urllib.request.urlopen(base + "/health", timeout=2).status == 200  # noqa: S310 — local
            except OSError:
                return False

        try:
            wait_until(healthy, timeout=90, message="the gateway to answer /health")
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
