"""Benchmark of notifications: queued notifications drained by ``congso worker`` processes to the
sandbox's SMS gateway (over HTTP, a separate web server) and an SMTP sink (see bench/README.md,
"notifications").

On PostgreSQL only (DATABASE_URL=postgres://user@host:port/any): it creates a new database
``congso_bench_nt_<random>``, migrates it, then

1. starts the simulated SMS gateway as its own lean process (``congso sms-gateway``: the same protocol
   and address ``/sandbox/sms/…`` as the site's view, without a Django request per SMS) and the site
   under granian (``--web-workers`` processes), which receives the delivery reports; with
   ``--gateway site`` the site's own view serves the SMS, as before;
2. starts an SMTP sink (aiosmtpd) on a free port in this process, counting what it receives;
3. measures the floor: the gateway and the sink alone, driven directly from this process with the same
   concurrency and connection reuse as a worker (``--floor`` SMS and as many e-mails);
4. writes ``--count`` queued notifications (100,000 by default; half SMS, half e-mail, realistic texts)
   in transactions of 2,000, each enqueuing one ``send_due`` task per channel, as ``services.create``
   does for the notifications of one transaction;
5. starts ``--workers`` ``congso worker --queues notifications`` processes and measures the time until
   no notification is queued; prints messages per second, the floor, the load average, how many the
   gateway and the sink received (a duplicate would show as more than sent), and the failures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/notifications.py \\
        [--count 100000] [--workers 4] [--web-workers 1] [--gateway lean|site] [--keep]

Without ``--keep`` the created database (only that one) is dropped at the end. The rate limit per
channel is set far above the run's rate, so it is counted (one database write per send, as in
production) but never defers.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/notifications.py measures PostgreSQL: set DATABASE_URL=postgres://user@host:port/any")
    import psycopg

    parsed = urllib.parse.urlsplit(url)
    database = f"congso_bench_nt_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    return database, parsed._replace(path=f"/{database}").geturl()


def drop(database: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parsed = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


class Sink:
    """An SMTP server that counts the messages it receives (and their Message-IDs, to spot duplicates)."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.count = 0
        self.ids = set()
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                text = envelope.content.decode("utf-8", "replace")
                message_id = next(
                    (
                        line.split(":", 1)[1].strip()
                        for line in text.splitlines()
                        if line.lower().startswith("message-id:")
                    ),
                    "",
                )
                with sink.lock:
                    sink.count += 1
                    sink.ids.add(message_id)
                return "250 OK"

        self.port = port
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"web server exited with {server.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("web server did not start")


def seed(count: int) -> None:
    from django.db import transaction

    from congso.notifications.models import Notification, NotificationStatus
    from congso.notifications.tasks import send_due

    body_sms = (
        "Ho so 000.00.01.H08-261204-{n:04d} da duoc tiep nhan. Hen tra ket qua ngay 15/12/2026. "
        "Theo doi tai https://dvc.example.gov.vn/tra-cuu/"
    )
    body_mail = (
        "UBND phường Phú Cường đã tiếp nhận hồ sơ 000.00.01.H08-261204-{n:04d}. "
        "Ngày hẹn trả kết quả: 15/12/2026."
    )
    from django.utils import timezone

    started = time.perf_counter()
    now = timezone.now()
    batch = 2000
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(count, start + batch)):
            sms = n % 2 == 0
            rows.append(
                Notification(
                    dedup_key=f"bench:{n}",
                    recipient_key=f"address:{n}",
                    address=f"09{n % 100000000:08d}" if sms else f"cong.dan{n}@example.vn",
                    channel="sms" if sms else "email",
                    event_key="dossier.accepted",
                    subject="" if sms else f"Hồ sơ 000.00.01.H08-261204-{n % 10000:04d} đã được tiếp nhận",
                    body=(body_sms if sms else body_mail).format(n=n % 10000),
                    status=NotificationStatus.QUEUED,
                    next_attempt_at=now,  # due now, as services.create makes them
                )
            )
        with transaction.atomic():
            Notification.objects.bulk_create(rows, batch_size=batch)
            for channel in ("email", "sms"):
                send_due.enqueue(channel)  # as services.create: one task per channel per transaction
    print(
        f"seeded {count:,} notifications and their tasks in {time.perf_counter() - started:.1f} s", flush=True
    )


def floor(count: int, gateway: str, sink: "Sink") -> tuple[float, float]:
    """Messages per second that the gateway and the sink take when driven directly from here, with a
    worker's concurrency and connection reuse (SMS: concurrent keep-alive requests; e-mail: one SMTP
    connection per batch). Returns (SMS/s, e-mails/s)."""
    import smtplib
    from concurrent.futures import ThreadPoolExecutor
    from email.message import EmailMessage

    from django.conf import settings

    from congso.notifications.channels import post_json

    url = f"{gateway}/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    size = settings.CONGSO_SMS_CONCURRENCY
    run = uuid.uuid4().hex[:8]

    def one_sms(n: int) -> int:
        body = {
            "ApiKey": settings.CONGSO_SMS_API_KEY,
            "SecretKey": settings.CONGSO_SMS_SECRET_KEY,
            "Phone": f"849{n % 100000000:08d}",
            "Content": "Ho so 000.00.01.H08-261204-0001 da duoc tiep nhan. Hen tra ket qua ngay 15/12/2026.",
            "Brandname": settings.CONGSO_SMS_BRANDNAME,
            "SmsType": "2",
            "IsUnicode": "0",
            "Sandbox": "0",
            "RequestId": f"floor-{run}-{n}",
        }
        return post_json(url, body).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(size) as pool:
        codes = list(pool.map(one_sms, range(count)))
    sms_rate = count / (time.perf_counter() - started)
    if set(codes) != {200}:
        raise SystemExit(f"the gateway answered {sorted(set(codes))} to the floor's requests")

    def mails(numbers) -> None:
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            for n in numbers:
                message = EmailMessage()
                message["From"], message["To"] = "congso@example.vn", f"floor{n}@example.vn"
                message["Subject"], message["Message-ID"] = "Floor", f"<floor-{run}-{n}@example.vn>"
                message.set_content("UBND phường Phú Cường đã tiếp nhận hồ sơ.")
                smtp.send_message(message)

    before = sink.count
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:  # as many connections as workers sending e-mail at once
        list(pool.map(mails, [range(i, count, 4) for i in range(4)]))
    mail_rate = count / (time.perf_counter() - started)
    with sink.lock:
        sink.count, sink.ids = before, {i for i in sink.ids if not i.startswith("<floor-")}
    return sms_rate, mail_rate


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its descendants (granian's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
        todo.extend(children.get(current, []))
    return total


def profile_drain(count: int) -> None:
    """Drain the queue in this process (as one worker would, channel after channel) under cProfile;
    print the CPU per message of this process and the functions that take it."""
    import cProfile
    import pstats

    from congso.notifications import services
    from congso.notifications.models import Notification, NotificationStatus

    profiler = cProfile.Profile()
    cpu, wall = time.process_time(), time.perf_counter()
    profiler.enable()
    while Notification.objects.filter(status=NotificationStatus.QUEUED).exists():
        for channel in ("sms", "email"):
            services.drain(channel)
    profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"profile: {count:,} messages in {wall:.1f} s by one process ({count / wall:,.0f}/s); "
        f"its CPU {cpu:.1f} s = {cpu / count * 1000:.2f} ms a message"
    )
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument(
        "--gateway",
        choices=("lean", "site"),
        default="lean",
        help="the SMS gateway: its own lean process (congso sms-gateway) or the site's view",
    )
    parser.add_argument("--floor", type=int, default=5000, help="SMS and e-mails sent alone for the floor")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="no worker processes: drain in this process under cProfile and print where its CPU goes",
    )
    args = parser.parse_args()

    database, url = create_database()
    web_port, smtp_port, sms_port = free_port(), free_port(), free_port()
    site = f"http://127.0.0.1:{web_port}"
    gateway = f"http://127.0.0.1:{sms_port}/sandbox/sms" if args.gateway == "lean" else f"{site}/sandbox/sms"
    workdir = Path(tempfile.mkdtemp(prefix="congso-bench-nt-"))
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "CONGSO_PROFILE": "demo",
            "DEBUG": "false",
            "CONGSO_VAR_DIR": str(workdir),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "CONGSO_PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
            "CONGSO_SMS_GATEWAY_URL": gateway,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "CONGSO_NOTIFICATIONS_SMS_PER_SECOND": "1000000",
            "CONGSO_NOTIFICATIONS_EMAIL_PER_SECOND": "1000000",
            "CONGSO_SANDBOX_RATE_LIMIT": "100000000",
        }
    )
    os.environ.update(
        {
            k: env[k]
            for k in env
            if k.startswith(("CONGSO_", "DATABASE_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "LOG_LEVEL"))
        }
    )
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "congso.settings"
    processes = []
    try:
        subprocess.run([PYTHON, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        import django

        django.setup()
        seed(args.count)
        web = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "congso.cli",
                "serve",
                "--port",
                str(web_port),
                "--workers",
                str(args.web_workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / "web.log", "w"),
        )
        processes.append(web)
        wait_until_up(web_port, web)
        if args.gateway == "lean":
            sms_gateway = subprocess.Popen(
                [PYTHON, "-m", "congso.cli", "sms-gateway", "--port", str(sms_port)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=open(workdir / "sms-gateway.log", "w"),
            )
            processes.append(sms_gateway)
            wait_until_up(sms_port, sms_gateway)
        from congso.notifications.models import Notification, NotificationStatus
        from congso.sandbox.models import SimulatedSms

        with Sink(smtp_port) as sink:
            sms_floor, mail_floor = floor(args.floor, gateway, sink)
            SimulatedSms.objects.filter(request_id__startswith="floor-").delete()
            combined = 1 / (0.5 / sms_floor + 0.5 / mail_floor)  # half SMS, half e-mail, one after the other
            print(
                f"floor (gateway and sink alone, {args.floor:,} each): SMS {sms_floor:,.0f}/s, "
                f"e-mail {mail_floor:,.0f}/s, half-and-half {combined:,.0f}/s; "
                f"load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if args.profile:
                profile_drain(args.count)
                return
            started = time.perf_counter()
            tree_before = {p.pid: cpu_seconds(p.pid) for p in processes}
            for n in range(args.workers):
                processes.append(
                    subprocess.Popen(
                        [
                            PYTHON,
                            "-m",
                            "congso.cli",
                            "worker",
                            "--queues",
                            "notifications",
                            "--interval",
                            "0.05",
                        ],
                        env=env,
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=open(workdir / f"worker-{n}.log", "w"),
                    )
                )
            last_report, first_done = started, None
            while True:
                queued = Notification.objects.filter(status=NotificationStatus.QUEUED).count()
                now = time.perf_counter()
                if first_done is None and queued < args.count:
                    first_done = (now, args.count - queued)  # the workers are up and sending
                if now - last_report >= 10:
                    done = args.count - queued
                    print(
                        f"  {done:,} done after {now - started:.0f} s ({done / (now - started):.0f}/s)",
                        flush=True,
                    )
                    last_report = now
                if queued == 0:
                    break
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
            sent = Notification.objects.filter(
                status__in=[NotificationStatus.SENT, NotificationStatus.DELIVERED]
            )
            failed = Notification.objects.filter(status=NotificationStatus.FAILED).count()
            gateway = SimulatedSms.objects.count()
            print(
                f"drained {args.count:,} notifications in {elapsed:.1f} s: "
                f"{args.count / elapsed:,.0f} messages/s (workers' start-up included)"
            )
            if first_done and started + elapsed > first_done[0]:
                steady = (args.count - first_done[1]) / (started + elapsed - first_done[0])
                print(f"  once the workers were sending ({first_done[0] - started:.1f} s): {steady:,.0f}/s")
            print(
                f"  sent: {sent.count():,} (SMS {sent.filter(channel='sms').count():,}, e-mail "
                f"{sent.filter(channel='email').count():,}); failed: {failed:,}"
            )
            print(
                f"  gateway received {gateway:,} SMS; SMTP sink received {sink.count:,} e-mails "
                f"({len(sink.ids):,} distinct Message-IDs)"
            )
            workers_cpu = sum(cpu_seconds(p.pid) for p in processes[-args.workers :])
            servers_cpu = {p.pid: cpu_seconds(p.pid) - tree_before[p.pid] for p in processes[: -args.workers]}
            names = ["web server", "SMS gateway"][: len(servers_cpu)]
            print(
                "  CPU per message: workers "
                f"{workers_cpu / args.count * 1000:.2f} ms"
                + "".join(
                    f", {name} {cpu / args.count * 1000:.2f} ms"
                    for name, cpu in zip(names, servers_cpu.values(), strict=True)
                )
                + " (the gateway's and the web server's per message of the whole run: per SMS, double them)"
            )
            print(
                f"  workers: {args.workers}, web workers: {args.web_workers}, CPUs: {os.cpu_count()}, "
                f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} (1 / 5 min)"
            )
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if args.keep:
            print(f"kept database {database}")
        else:
            drop(database)


if __name__ == "__main__":
    main()
