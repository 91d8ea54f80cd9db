#!/usr/bin/env python3
"""The two commands of the README, for a machine that has only Python >= 3.11 and git.

    python3 run.py demo            the demo: web server and background worker at http://127.0.0.1:8000
    python3 run.py test [ARGS]     the whole test suite (extra ARGS go to pytest)

Both create ./.venv on first use and install the locked dependencies (requirements.lock) into it;
they reinstall only when requirements.lock or pyproject.toml change. Standard library only.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".congso-installed"
CHROMIUM = "/usr/bin/chromium"


def ensure_python() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 — this script must explain itself on an old Python
        sys.exit(f"congso needs Python 3.11 or newer; this is {sys.version.split()[0]}.")


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if not (BIN / "python").exists():
        print("congso: creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    print("congso: installing the locked dependencies (first run, or they changed) …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-r", str(ROOT / "requirements.lock")], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(fingerprint)


def run_demo(args: list[str]) -> int:
    return subprocess.call([str(BIN / "congso"), "demo", *args], cwd=ROOT)


def ensure_test_assets() -> None:
    """axe-core for the accessibility checks comes from npm (package-lock.json), when npm exists."""
    if (ROOT / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        print(
            "congso: npm was not found, so the accessibility checks (axe-core) will be SKIPPED.", flush=True
        )
        return
    subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True
    )


def run_tests(args: list[str]) -> int:
    ensure_test_assets()
    env = dict(os.environ)
    if not (Path(env.get("CONGSO_CHROMIUM", CHROMIUM)).exists() or shutil.which("chromium")):
        print(
            "congso: Chromium was not found, so the browser tests will be SKIPPED "
            "(install it with `apt-get install chromium` to run them; CI always runs them).",
            flush=True,
        )
    code = subprocess.call([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT, env=env)
    if code == 5:
        print("congso: pytest collected no tests — that is a failure here.", flush=True)
        return 1
    return code


def main() -> int:
    ensure_python()
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = sys.argv[1], sys.argv[2:]
    return run_demo(rest) if command == "demo" else run_tests(rest)


if __name__ == "__main__":
    sys.exit(main())
