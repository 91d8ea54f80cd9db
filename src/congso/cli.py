"""The ``congso`` command.

congso demo      migrate, seed the demo data, then run the web server and the worker together
congso serve     the web server (granian, or --server waitress) on --host/--port
congso gateway   the LGSP gateway (ASGI, granian) on --host/--port (default 8001)
congso sms-gateway  the sandbox's simulated SMS gateway as a lean process (ASGI, granian; never
                 in production) on --host/--port (default 8156)
congso worker    the background worker (tasks, outbox delivery, periodic jobs)
congso check     deployment self-check; exits non-zero when something is wrong
congso seed-demo seed the demo data only (idempotent)
congso lgsp      the LGSP control plane: rotate-key, snapshot, connected-share --from --to,
                 verify (the message log's chain and checkpoints), checkpoint
congso documents official documents: devpki (the development PKI), reindex (full-text search)
congso <cmd>     any Django management command (migrate, createsuperuser, shell…)
"""

import os
import signal
import subprocess
import sys
import time


class SettingsError(Exception):
    """The settings refused to load (a missing secret, a bad value, the sandbox in production…)."""


def _load_settings() -> None:
    """Read the settings once; a refusal becomes ``SettingsError`` with the settings' own sentences
    (Vietnamese, then English: ``core.configuration.refusal``), which ``main`` prints without a traceback."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (imports the settings module)
    except ImproperlyConfigured as exc:
        raise SettingsError(str(exc)) from None


def _setup_django() -> None:
    """The settings, then the apps; a block that refuses its settings at start-up (``AppConfig.ready``:
    office hours, trusted proxies, the dossier code's pattern…) is a ``SettingsError`` too."""
    _load_settings()
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise SettingsError(str(exc)) from None


def _refuse_settings(error: SettingsError) -> int:
    said = "\n".join(f"        {line}" for line in str(error).splitlines())
    print(
        f"congso: cấu hình không hợp lệ / invalid configuration:\n{said}\n"
        '        Xem / see docs/operations.md, "Settings".',
        file=sys.stderr,
    )
    return 2


def _port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on ``host:port``. granian binds with SO_REUSEPORT, so a second
    server on a taken port would start without a word and share the connections with the first one;
    a plain bind (SO_REUSEADDR only: a port in TIME_WAIT is free) fails when anything listens there."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _refuse_taken_port(command: str, host: str, port: int) -> bool:
    """Print why ``command`` will not start when its port is taken; True when it is."""
    if not _port_in_use(host, port):
        return False
    print(
        f"{command}: cổng {host}:{port} đang được một chương trình khác dùng (có thể là một bản congso "
        f"đang chạy); dừng chương trình đó hoặc chọn cổng khác bằng --port. / Port {host}:{port} is "
        "already in use (perhaps by a congso already running); stop it or choose another with --port.",
        file=sys.stderr,
        flush=True,
    )
    return True


def serve(argv: list[str]) -> int:
    """The web server: granian (Rust HTTP server, WSGI interface; ``--workers`` processes, each with
    ``--threads`` threads running the application) by default, or waitress (one pure-Python process).
    On the 2-CPU reference machine granian serves the same requests with about a third less CPU per
    request than waitress (bench/README.md, "Submissions")."""
    import argparse

    # String defaults from the environment go through ``type=int`` too, so CONGSO_PORT=abc is argparse's
    # "invalid int value" message, not a traceback.
    parser = argparse.ArgumentParser(prog="congso serve", description="Run the web server.")
    parser.add_argument("--host", default=os.environ.get("CONGSO_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=os.environ.get("CONGSO_PORT", "8000"))
    parser.add_argument(
        "--server", choices=("granian", "waitress"), default=os.environ.get("CONGSO_SERVER", "granian")
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.environ.get("CONGSO_WORKERS", "1"),
        help="processes (granian only; one per CPU core is a good start)",
    )
    parser.add_argument("--threads", type=int, default=os.environ.get("CONGSO_THREADS", "8"))
    args = parser.parse_args(argv)
    if args.server == "waitress" and args.workers != 1:
        parser.error("waitress runs one process: run several `congso serve` units, or use granian")
    if _refuse_taken_port("congso serve", args.host, args.port):
        return 2
    _setup_django()
    print(
        f"congso: web server ({args.server}) on http://{args.host}:{args.port}/",
        flush=True,
    )
    if args.server == "waitress":
        from waitress import serve as waitress_serve

        from congso.wsgi import application

        waitress_serve(application, host=args.host, port=args.port, threads=args.threads, ident="congso")
        return 0
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "congso.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        websockets=False,
    ).serve()
    return 0


def gateway(argv: list[str]) -> int:
    """The LGSP gateway: one granian process running the ASGI application
    ``congso.lgsp.gateway.asgi:application`` (asyncio: many connections at once), which starts its
    message-log writer process. One gateway process, because its rate limits and its memory of message
    ids live in it (docs/lgsp.md, "Gateway")."""
    import argparse

    parser = argparse.ArgumentParser(prog="congso gateway", description="Run the LGSP gateway.")
    parser.add_argument("--host", default=os.environ.get("CONGSO_GATEWAY_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=os.environ.get("CONGSO_GATEWAY_PORT", "8001"))
    args = parser.parse_args(argv)
    if _refuse_taken_port("congso gateway", args.host, args.port):
        return 2
    _setup_django()
    from granian import Granian
    from granian.constants import Interfaces

    print(f"congso: LGSP gateway on http://{args.host}:{args.port}/r1/", flush=True)
    Granian(
        "congso.lgsp.gateway.asgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=1,
        websockets=False,
        log_access=False,
    ).serve()
    return 0


def sms_gateway(argv: list[str]) -> int:
    """SIMULATOR: the sandbox's SMS gateway (``congso.sandbox.sms_gateway:application``) in a process of
    its own, the same protocol and address as the site's ``/sandbox/sms/`` view without a Django request
    per SMS (docs/sandbox.md). For benches and load tests; refused where the sandbox is not installed."""
    import argparse

    parser = argparse.ArgumentParser(prog="congso sms-gateway", description="Run the simulated SMS gateway.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8156)
    args = parser.parse_args(argv)
    if _refuse_taken_port("congso sms-gateway", args.host, args.port):
        return 2
    _setup_django()
    from django.apps import apps

    if not apps.is_installed("congso.sandbox"):
        print("congso sms-gateway: the sandbox is not installed here (production).", file=sys.stderr)
        return 2
    from granian import Granian
    from granian.constants import Interfaces

    print(f"congso: simulated SMS gateway on http://{args.host}:{args.port}/sandbox/sms/", flush=True)
    # One process: its writer groups the messages of every connection into one commit.
    Granian(
        "congso.sandbox.sms_gateway:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=1,
        websockets=False,
        log_access=False,
    ).serve()
    return 0


def worker(argv: list[str]) -> int:
    _setup_django()
    _run_command("runworker", "worker", argv)
    return 0


def _run_command(name: str, shown: str, argv: list[str]) -> None:
    """Run the management command ``name`` from its argv, shown as ``congso <shown>``: --help and a wrong
    option are argparse's message (exit 2), a ``CommandError`` its one line (exit 1), never a traceback."""
    from django.core.management import get_commands, load_command_class

    load_command_class(get_commands()[name], name).run_from_argv(["congso", shown, *argv])


def _unapplied_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def seed_demo(argv: list[str]) -> int:
    import argparse

    argparse.ArgumentParser(
        prog="congso seed-demo",
        description="Seed the demo data only (idempotent); run `congso migrate` first.",
    ).parse_args(argv)
    _setup_django()
    from congso import demo

    if _unapplied_migrations():
        print(
            "congso seed-demo: cơ sở dữ liệu chưa được cập nhật, hãy chạy `congso migrate` trước / "
            "the database is not migrated: run `congso migrate` first.",
            file=sys.stderr,
        )
        return 1
    demo.seed(verbose=True)
    return 0


def _hand_sandbox_token_to_gateway(env: dict) -> None:
    """The demo's gateway calls the national simulators with their token, read from its environment
    (``lgsp.Service.upstream_token_variable``); the web process knows it as CONGSO_SANDBOX_TOKEN."""
    from django.conf import settings

    from congso.demo import SANDBOX_TOKEN_VARIABLE

    token = getattr(settings, "CONGSO_SANDBOX_TOKEN", "")
    if getattr(settings, "CONGSO_SANDBOX_ENABLED", False) and token:
        env.setdefault(SANDBOX_TOKEN_VARIABLE, token)


def _hand_api_token_to_gateway(env: dict) -> None:
    """The demo's gateway forwards calls to congso's API with a provider credential the web process
    checks (CONGSO_API_GATEWAY_TOKEN); both processes get the same value, generated when not given; the
    web process learns the API's registration (CONGSO_API_SERVICE) for direct calls."""
    import secrets

    from congso.api.demo import UPSTREAM_TOKEN_VARIABLE, service_identifier

    token = env.get("CONGSO_API_GATEWAY_TOKEN") or secrets.token_urlsafe(32)
    env["CONGSO_API_GATEWAY_TOKEN"] = token
    env.setdefault(UPSTREAM_TOKEN_VARIABLE, token)
    # Direct calls with an access token are checked against the demo service's rights.
    env.setdefault("CONGSO_API_SERVICE", service_identifier())


def _hand_documents_token_to_gateway(env: dict) -> None:
    """The demo's gateway forwards other installations' packages to this web server's receiving endpoint
    with a provider credential it checks (CONGSO_DOCUMENTS_GATEWAY_TOKEN); both processes get the same
    value, generated when not given."""
    import secrets

    from congso.documents.demo_exchange import UPSTREAM_TOKEN_VARIABLE

    token = env.get("CONGSO_DOCUMENTS_GATEWAY_TOKEN") or secrets.token_urlsafe(32)
    env["CONGSO_DOCUMENTS_GATEWAY_TOKEN"] = token
    env.setdefault(UPSTREAM_TOKEN_VARIABLE, token)


def demo_command(argv: list[str]) -> int:
    """Everything the demo needs, started and stopped together: web server, worker and LGSP gateway
    (on --gateway-port); Ctrl-C stops them all."""
    import argparse

    parser = argparse.ArgumentParser(prog="congso demo", description="Run the demo (web + worker).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--gateway-port", type=int, default=8001)
    args = parser.parse_args(argv)
    # Both ports are checked before anything is migrated or seeded: a second demo started by mistake
    # stops at once instead of sharing the first one's connections.
    if _refuse_taken_port("congso demo", args.host, args.port) or _refuse_taken_port(
        "congso demo", args.host, args.gateway_port
    ):
        return 2
    os.environ.setdefault("CONGSO_PROFILE", "demo")
    # The simulators of national systems answer on the demo's own web server: every process (and the
    # settings read below) must know its port, not assume 8000.
    os.environ["CONGSO_PORT"] = str(args.port)
    _setup_django()
    from django.core.management import call_command

    from congso import demo

    call_command("migrate", interactive=False, verbosity=0)
    demo.seed(verbose=True)

    env = dict(os.environ)
    _hand_sandbox_token_to_gateway(env)
    # The web server and the worker reach the national registers through this gateway (registries).
    env.setdefault("CONGSO_REGISTRIES_GATEWAY_URL", f"http://{args.host}:{args.gateway_port}")
    _hand_api_token_to_gateway(env)
    # The worker sends documents beyond this installation (peers, the national axis) through it too.
    env.setdefault("CONGSO_DOCUMENTS_GATEWAY_URL", f"http://{args.host}:{args.gateway_port}")
    _hand_documents_token_to_gateway(env)
    command = [sys.executable, "-m", "congso.cli"]
    web = subprocess.Popen([*command, "serve", "--host", args.host, "--port", str(args.port)], env=env)
    children = [
        web,
        subprocess.Popen(
            [*command, "gateway", "--host", args.host, "--port", str(args.gateway_port)], env=env
        ),
    ]
    # The worker starts once the web server answers: the demo's simulators (the SMS gateway, the
    # national systems) are served by it, and the notifications the seeding queued would otherwise meet
    # a refused connection and wait for their first retry.
    local = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host  # noqa: S104 (we connect, not bind)
    if not wait_for_web(f"http://{local}:{args.port}/healthz", web):
        print("congso demo: the web server does not answer yet; starting the worker anyway.", flush=True)
    children.append(subprocess.Popen([*command, "worker"], env=env))
    print(
        f"\ncongso demo: http://{args.host}:{args.port}/ (cổng công dân) · "
        f"http://{args.host}:{args.port}/can-bo/ (cán bộ) · "
        f"http://{args.host}:{args.gateway_port}/r1/ (cổng LGSP / LGSP gateway) · Ctrl-C để dừng / to stop\n",
        flush=True,
    )
    return _supervise(children)


def wait_for_web(url: str, server: subprocess.Popen, timeout: float = 120.0) -> bool:
    """Wait until ``url`` answers with a status below 500: True; False when ``server`` exited or
    ``timeout`` seconds passed."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own address)
                return response.status < 500
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return True
        except (OSError, ValueError):
            pass  # not listening yet
        time.sleep(0.2)
    return False


def _supervise(children: list[subprocess.Popen]) -> int:
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                print(f"congso demo: a process exited with code {child.returncode}; stopping.", flush=True)
                exit_code = child.returncode or 1
                stopping = True
        time.sleep(0.3)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code


def check(argv: list[str]) -> int:
    _setup_django()
    try:
        _run_command("selfcheck", "check", argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


COMMANDS = {
    "serve": serve,
    "gateway": gateway,
    "worker": worker,
    "sms-gateway": sms_gateway,
    "demo": demo_command,
    "check": check,
    "seed-demo": seed_demo,
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    name, rest = argv[0], argv[1:]
    from django.db.utils import OperationalError

    try:
        if name in COMMANDS:
            return COMMANDS[name](rest) or 0
        # Django's commands set up the apps too; set up here, a block's refusal is one message.
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["congso", *argv])
    except SettingsError as error:
        return _refuse_settings(error)
    except OperationalError as error:
        # The database is down or DATABASE_URL points nowhere: one sentence, not a driver's traceback.
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(
            f"congso: không kết nối được cơ sở dữ liệu / the database does not answer: {reason}\n"
            '        Kiểm tra / check DATABASE_URL (docs/operations.md, "Database").',
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
