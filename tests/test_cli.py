"""The ``congso`` command: serve answers over real HTTP, check tells right from wrong."""

import os
import socket
import subprocess
import sys
import urllib.request

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from congso.core.models import WorkerHeartbeat
from congso.core.worker import heartbeat
from tests.support.subprocesses import PROJECT_ROOT, database_url_for_subprocess, free_port, wait_until


def run_check(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("selfcheck")
        raise SystemExit(0)
    return exit_info.value.code, capsys.readouterr().out


@pytest.mark.django_db
def test_check_fails_on_the_test_profile_and_names_each_problem(capsys):
    code, out = run_check(capsys)
    assert code == 1
    # The test profile's key is a known insecure value; no worker is running.
    assert "LỖI  khóa bí mật: SECRET_KEY chưa đặt, quá ngắn hoặc là một giá trị không an toàn đã biết" in out
    assert "LỖI  tiến trình nền: không có tiến trình nền nào đang chạy — khởi động `congso worker`" in out
    assert "ĐẠT  cơ sở dữ liệu: cơ sở dữ liệu trả lời" in out and "ĐẠT  migration: mọi migration" in out
    assert out.rstrip().endswith("mục kiểm tra không đạt.")


@pytest.mark.django_db
def test_check_speaks_english_when_english_is_active(capsys):
    with translation.override("en"):
        code, out = run_check(capsys)
    assert code == 1
    assert "FAIL secret key: SECRET_KEY is missing, short or a known insecure value" in out
    assert "FAIL background worker: no background worker alive — start `congso worker`" in out
    assert "OK   database: database reachable" in out and "OK   migrations: all migrations applied" in out
    assert out.rstrip().endswith("check(s) failed.")


@pytest.mark.django_db
def test_check_passes_when_the_installation_is_fit(capsys, settings):
    heartbeat("worker-under-test", started_at=timezone.now())
    with override_settings(
        SECRET_KEY="k" * 20 + "q7Yv#2Lm9Xc!Rf4Tz8Wb1Np6Hs3Jd0Ga" + "x" * 10,
        DEBUG=False,
        ALLOWED_HOSTS=["dichvucong.example.gov.vn"],
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
        CONGSO_SANDBOX_ENABLED=False,
        SECURE_HSTS_SECONDS=31536000,
        SECURE_SSL_REDIRECT=True,
    ):
        code, out = run_check(capsys)
    assert "LỖI" not in out, out
    assert code == 0 and out.rstrip().endswith("Mọi mục kiểm tra đều đạt.")
    assert WorkerHeartbeat.objects.filter(worker_id="worker-under-test").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_serve_answers_over_http(server):
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url_for_subprocess(),
        CONGSO_PROFILE="test",
        PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(PROJECT_ROOT / "src")]),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "congso.cli", "serve", "--port", str(port), "--server", server],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=PROJECT_ROOT,
    )
    try:

        def healthy():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    return response.status == 200 and b'"ok"' in response.read()
            except OSError:
                return False

        wait_until(healthy, timeout=30, message="the web server")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_waitress_refuses_several_workers():
    done = subprocess.run(
        [sys.executable, "-m", "congso.cli", "serve", "--server", "waitress", "--workers", "2"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT / "src")),
        timeout=60,
    )
    assert done.returncode == 2 and "waitress runs one process" in done.stderr


def test_help_lists_the_commands():
    out = subprocess.run(
        [sys.executable, "-m", "congso.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT / "src")),
    )
    for command in ("demo", "serve", "worker", "check", "seed-demo"):
        assert f"congso {command}" in out.stdout


FIT = {
    "SECRET_KEY": "k" * 20 + "q7Yv#2Lm9Xc!Rf4Tz8Wb1Np6Hs3Jd0Ga" + "x" * 10,
    "DEBUG": False,
    "ALLOWED_HOSTS": ["dichvucong.example.gov.vn"],
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "CONGSO_SANDBOX_ENABLED": False,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_SSL_REDIRECT": True,
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, warning",
    [
        ({"SECURE_HSTS_SECONDS": 0}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": False}, "security.W008"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": False}, "security.W005"),
    ],
)
def test_check_fails_on_a_django_deployment_warning_and_names_it(capsys, change, warning):
    heartbeat("worker-under-test", started_at=timezone.now())
    with override_settings(**{**FIT, **change}):
        code, out = run_check(capsys)
    assert code == 1, out
    assert "LỖI  kiểm tra của Django: 1 cảnh báo triển khai cần sửa hoặc chấp nhận" in out and warning in out
    assert "Mọi mục kiểm tra đều đạt." not in out


@pytest.mark.django_db
def test_a_reviewed_warning_can_be_accepted_by_name(capsys, settings):
    heartbeat("worker-under-test", started_at=timezone.now())
    silenced = [*settings.SILENCED_SYSTEM_CHECKS, "security.W008"]
    with override_settings(**{**FIT, "SECURE_SSL_REDIRECT": False, "SILENCED_SYSTEM_CHECKS": silenced}):
        code, out = run_check(capsys)
    assert code == 0, out


def _production_setting(name: str, **environ) -> str:
    """The value of setting ``name`` under the production profile, read in a fresh interpreter."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "CONGSO_"))}
    env.update(
        CONGSO_PROFILE="production",
        SECRET_KEY=FIT["SECRET_KEY"],
        DJANGO_SETTINGS_MODULE="congso.settings",
        PYTHONPATH=str(PROJECT_ROOT / "src"),
        **environ,
    )
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, check=True
    )
    return result.stdout.strip()


def test_production_profile_turns_hsts_on_for_a_year_with_subdomains():
    assert _production_setting("SECURE_HSTS_SECONDS") == "31536000"
    assert _production_setting("SECURE_HSTS_INCLUDE_SUBDOMAINS") == "True"
    assert (
        _production_setting("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_INCLUDE_SUBDOMAINS="off") == "False"
    )
    assert _production_setting("SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="600") == "600"


def _congso(*argv, tmp_path, **environ):
    """``congso <argv>`` in a fresh interpreter with only the given CONGSO_/secret variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "CONGSO_", "DJANGO_")) and key not in {"SECRET_KEY", "DATABASE_URL"}
    }
    env.update(CONGSO_VAR_DIR=str(tmp_path), PYTHONPATH=str(PROJECT_ROOT / "src"), **environ)
    return subprocess.run(
        [sys.executable, "-m", "congso.cli", *argv],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    "argv, environ, said",
    [
        # The production profile without a secret key: docs/operations.md's first step, forgotten.
        (["migrate"], {}, "SECRET_KEY is required in the production profile"),
        (["worker"], {}, "SECRET_KEY is required in the production profile"),
        (["check"], {}, "SECRET_KEY is required in the production profile"),
        (["lgsp", "verify"], {}, "SECRET_KEY is required in the production profile"),
        (
            ["check"],
            {"SECRET_KEY": FIT["SECRET_KEY"], "CONGSO_SANDBOX_ENABLED": "1"},
            "CONGSO_SANDBOX_ENABLED cannot be on in the production profile",
        ),
        (["migrate"], {"CONGSO_PROFILE": "staging"}, "CONGSO_PROFILE must be production, demo or test"),
        (
            ["migrate"],
            {"CONGSO_PROFILE": "demo", "CONGSO_LGSP_TOKEN_SECONDS": "five minutes"},
            "CONGSO_LGSP_TOKEN_SECONDS='five minutes' is not a valid value",
        ),
    ],
)
def test_a_refused_configuration_is_one_clear_message_not_a_traceback(tmp_path, argv, environ, said):
    done = _congso(*argv, tmp_path=tmp_path, **environ)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "cấu hình không hợp lệ / invalid configuration" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "argv, environ, said_vi, said_en",
    [
        # Settings a block parses when it first uses them: refused at start, before any request reads them.
        (
            ["serve", "--port", "0"],
            {"CONGSO_PROFILE": "demo", "CONGSO_OFFICE_HOURS": "17:00-07:30"},
            "CONGSO_OFFICE_HOURS='17:00-07:30' không phải là giờ làm việc hợp lệ",
            "CONGSO_OFFICE_HOURS='17:00-07:30' is not valid office hours",
        ),
        (
            ["migrate"],
            {"CONGSO_PROFILE": "demo", "CONGSO_TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"},
            "CONGSO_TRUSTED_PROXIES: 'proxy.example' không phải là địa chỉ IP hay dải mạng (CIDR)",
            "CONGSO_TRUSTED_PROXIES: 'proxy.example' is not an IP address or network (CIDR)",
        ),
        (
            ["worker"],
            {"CONGSO_PROFILE": "demo", "CONGSO_NATIONAL_DAY_EXTRA_DAY": "monday"},
            "CONGSO_NATIONAL_DAY_EXTRA_DAY phải là một trong auto, before, after, không phải 'monday'",
            "CONGSO_NATIONAL_DAY_EXTRA_DAY must be one of auto, before, after, not 'monday'",
        ),
        (
            ["check"],
            {"CONGSO_PROFILE": "demo", "CONGSO_DOSSIER_CODE_PATTERN": "{agency_code}-{seq:04d}"},
            "CONGSO_DOSSIER_CODE_PATTERN='{agency_code}-{seq:04d}' phải chứa mã cơ quan, ngày và số thứ tự",
            "CONGSO_DOSSIER_CODE_PATTERN='{agency_code}-{seq:04d}' must hold the agency's code, the day",
        ),
        (
            ["migrate"],
            {"CONGSO_PROFILE": "demo", "CONGSO_REPORTING_INDEX_WEIGHTS": '{"progres": 40}'},
            'CONGSO_REPORTING_INDEX_WEIGHTS={"progres": 40}: không có nhóm progres',
            'CONGSO_REPORTING_INDEX_WEIGHTS={"progres": 40}: there is no group progres',
        ),
        # Until now each of these four was a traceback (Django's, logging's, importlib's, a RuntimeError).
        (
            ["migrate"],
            {"CONGSO_PROFILE": "demo", "TIME_ZONE": "Asia/Hanoi"},
            "TIME_ZONE='Asia/Hanoi' không phải là múi giờ IANA",
            "TIME_ZONE='Asia/Hanoi' is not an IANA time zone",
        ),
        (
            ["worker"],
            {"CONGSO_PROFILE": "demo", "LOG_LEVEL": "verbose"},
            "LOG_LEVEL='VERBOSE' không phải là mức ghi nhật ký",
            "LOG_LEVEL='VERBOSE' is not a logging level",
        ),
        (
            ["serve", "--port", "0"],
            {"CONGSO_PROFILE": "demo", "CONGSO_EXTRA_APPS": "congso_hue.apps.HueConfig"},
            "CONGSO_EXTRA_APPS: không tìm thấy ứng dụng 'congso_hue.apps.HueConfig'",
            "CONGSO_EXTRA_APPS: no application 'congso_hue.apps.HueConfig' can be imported",
        ),
        (
            ["check"],
            {"SECRET_KEY": FIT["SECRET_KEY"], "CONGSO_SIGNATURE_PROVIDER": "devpki"},
            "CONGSO_SIGNATURE_PROVIDER không được là devpki ở cấu hình production",
            "CONGSO_SIGNATURE_PROVIDER cannot be devpki in the production profile",
        ),
        (
            ["migrate"],
            {},
            "Cấu hình production (CONGSO_PROFILE=production, mặc định) bắt buộc có SECRET_KEY",
            "SECRET_KEY is required in the production profile",
        ),
        (
            ["migrate"],
            {"CONGSO_PROFILE": "demo", "CONGSO_NOTIFICATIONS_BATCH_SIZE": "many"},
            "CONGSO_NOTIFICATIONS_BATCH_SIZE='many' không phải là giá trị hợp lệ",
            "CONGSO_NOTIFICATIONS_BATCH_SIZE='many' is not a valid value",
        ),
    ],
)
def test_a_refused_setting_is_said_in_vietnamese_then_english_and_nothing_starts(
    tmp_path, argv, environ, said_vi, said_en
):
    done = _congso(*argv, tmp_path=tmp_path, **environ)
    assert done.returncode == 2, done.stderr
    lines = [line.strip() for line in done.stderr.splitlines()]
    assert lines[0] == "congso: cấu hình không hợp lệ / invalid configuration:"
    assert lines[1].startswith(said_vi), lines[1]
    assert lines[2].startswith(said_en), lines[2]
    assert "Traceback" not in done.stderr
    assert "web server" not in done.stdout  # ``serve`` stopped before starting one


def test_subcommand_help_and_wrong_options_are_argparse_messages(tmp_path):
    for command in ("worker", "check", "seed-demo"):
        done = _congso(command, "--help", tmp_path=tmp_path, CONGSO_PROFILE="demo")
        assert done.returncode == 0, done.stderr
        assert f"usage: congso {command}" in done.stdout
    done = _congso("worker", "--no-such-option", tmp_path=tmp_path, CONGSO_PROFILE="demo")
    assert done.returncode == 2 and "congso worker: error: unrecognized arguments" in done.stderr
    done = _congso("serve", tmp_path=tmp_path, CONGSO_PROFILE="demo", CONGSO_PORT="eighty")
    assert done.returncode == 2 and "argument --port: invalid int value: 'eighty'" in done.stderr
    assert "Traceback" not in done.stderr


def test_seed_demo_on_a_database_never_migrated_says_to_migrate_first(tmp_path):
    done = _congso("seed-demo", tmp_path=tmp_path, CONGSO_PROFILE="demo")
    assert done.returncode == 1
    assert "run `congso migrate` first" in done.stderr and "Traceback" not in done.stderr


def test_an_unreachable_database_is_one_clear_message_not_a_traceback(tmp_path):
    port = free_port()  # nothing listens there
    done = _congso(
        "migrate",
        tmp_path=tmp_path,
        CONGSO_PROFILE="demo",
        DATABASE_URL=f"postgres://congso@127.0.0.1:{port}/congso_integ_absent",
    )
    assert done.returncode == 1, done.stderr
    assert "the database does not answer" in done.stderr and "DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "command",
    [["serve"], ["serve", "--server", "waitress"], ["gateway"], ["demo", "--gateway-port", "{free}"]],
)
def test_a_server_refuses_a_port_something_already_listens_on(command, tmp_path):
    # granian binds with SO_REUSEPORT: without the check a second server shared the first one's port.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = [part.replace("{free}", str(free_port())) for part in command]
        done = subprocess.run(
            [sys.executable, "-m", "congso.cli", *argv, "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT / "src"), CONGSO_VAR_DIR=str(tmp_path)),
            timeout=60,
        )
    assert done.returncode == 2, done.stderr
    assert f"cổng 127.0.0.1:{port} đang được một chương trình khác dùng" in done.stderr
    assert f"Port 127.0.0.1:{port} is already in use" in done.stderr
    assert not (tmp_path / "congso.sqlite3").exists()  # the demo stopped before migrating anything
