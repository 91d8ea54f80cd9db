"""Benchmark of notifications: queued notifications drained by ``congso worker`` processes to the
sandbox's SMS gateway (over HTTP, a separate web server) and an SMTP sink (see bench/README.md,
"notifications").

On PostgreSQL only (DATABASE_URL=postgres://user@host:port/any): it creates a new database
``congso_bench_nt_<random>``, migrates it, then

1. starts the site under granian on a free port (``--web-workers`` processes): it serves the
   simulated SMS gateway (``/sandbox/sms/…``) and the delivery-report callback;
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
        [--count 100000] [--workers 4] [--web-workers 2] [--keep]

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


def floor(count: int, web_port: int, sink: "Sink") -> tuple[float, float]:
    """Messages per second that the gateway and the sink take when driven directly from here, with a
    worker's concurrency and connection reuse (SMS: concurrent keep-alive requests; e-mail: one SMTP
    connection per batch). Returns (SMS/s, e-mails/s)."""
    import smtplib
    from concurrent.futures import ThreadPoolExecutor
    from email.message import EmailMessage

    import httpx
    from django.conf import settings

    url = f"http://127.0.0.1:{web_port}/sandbox/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    size = settings.CONGSO_SMS_CONCURRENCY
    client = httpx.Client(
        timeout=10, limits=httpx.Limits(max_connections=size, max_keepalive_connections=size)
    )
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
        return client.post(url, json=body).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(size) as pool:
        codes = list(pool.map(one_sms, range(count)))
    sms_rate = count / (time.perf_counter() - started)
    client.close()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--floor", type=int, default=5000, help="SMS and e-mails sent alone for the floor")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    database, url = create_database()
    web_port, smtp_port = free_port(), free_port()
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
            "CONGSO_SMS_GATEWAY_URL": "sandbox",
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
        from congso.notifications.models import Notification, NotificationStatus
        from congso.sandbox.models import SimulatedSms

        with Sink(smtp_port) as sink:
            sms_floor, mail_floor = floor(args.floor, web_port, sink)
            SimulatedSms.objects.filter(request_id__startswith="floor-").delete()
            combined = 1 / (0.5 / sms_floor + 0.5 / mail_floor)  # half SMS, half e-mail, one after the other
            print(
                f"floor (gateway and sink alone, {args.floor:,} each): SMS {sms_floor:,.0f}/s, "
                f"e-mail {mail_floor:,.0f}/s, half-and-half {combined:,.0f}/s; "
                f"load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            started = time.perf_counter()
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
            last_report = started
            while True:
                queued = Notification.objects.filter(status=NotificationStatus.QUEUED).count()
                now = time.perf_counter()
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
                f"{args.count / elapsed:,.0f} messages/s"
            )
            print(
                f"  sent: {sent.count():,} (SMS {sent.filter(channel='sms').count():,}, e-mail "
                f"{sent.filter(channel='email').count():,}); failed: {failed:,}"
            )
            print(
                f"  gateway received {gateway:,} SMS; SMTP sink received {sink.count:,} e-mails "
                f"({len(sink.ids):,} distinct Message-IDs)"
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
