"""The systemd units shipped in deploy/systemd: they restart what dies and run real ``congso`` commands."""

import configparser
import shlex

import pytest

from congso import cli
from tests.support.subprocesses import PROJECT_ROOT

UNITS = PROJECT_ROOT / "deploy" / "systemd"
LONG_RUNNING = ["congso-web.service", "congso-worker@.service", "congso-gateway.service"]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


def command(parser) -> list[str]:
    return shlex.split(parser["Service"]["ExecStart"])


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_units_always_restart_and_never_give_up(name):
    parsed = unit(name)
    assert parsed["Service"]["Restart"] == "always"
    assert parsed["Service"]["RestartSec"]
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"
    assert parsed["Service"]["KillSignal"] == "SIGTERM"  # graceful: the worker removes its heartbeat


@pytest.mark.parametrize("name", [*LONG_RUNNING, "congso-check.service"])
def test_units_run_existing_congso_commands_hardened_with_the_environment_file(name):
    parsed = unit(name)
    service = parsed["Service"]
    argv = command(parsed)
    assert argv[0].endswith("/bin/congso") and argv[1] in cli.COMMANDS, argv
    assert service["EnvironmentFile"] == "/etc/congso/congso.env"
    assert service["User"] == "congso"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/var/lib/congso"


def test_the_web_unit_passes_options_that_serve_accepts(monkeypatch):
    import types

    argv = command(unit("congso-web.service"))
    seen = {}

    class FakeGranian:  # the default server of `congso serve`
        def __init__(self, target, **options):
            seen.update(options, target=target)

        def serve(self):
            seen["served"] = True

    fake = types.ModuleType("granian")
    fake.Granian = FakeGranian
    constants = types.ModuleType("granian.constants")
    constants.Interfaces = types.SimpleNamespace(WSGI="wsgi")
    monkeypatch.setitem(__import__("sys").modules, "granian", fake)
    monkeypatch.setitem(__import__("sys").modules, "granian.constants", constants)
    # The unit's port is the demo's: whatever runs on this machine must not decide this test.
    monkeypatch.setattr(cli, "_port_in_use", lambda host, port: False)
    assert cli.main(argv[1:]) == 0
    assert seen["address"] == "127.0.0.1" and seen["port"] == 8000 and seen["served"]
    assert seen["target"] == "congso.wsgi:application" and seen["interface"] == "wsgi"


def test_the_timer_runs_the_check_and_the_environment_example_fails_it_until_edited():
    timer = unit("congso-check.timer")
    assert timer["Timer"]["OnUnitActiveSec"]
    env = (UNITS / "congso.env.example").read_text(encoding="utf-8")
    assert "CONGSO_PROFILE=production" in env and "SECRET_KEY=change-me" in env
    # systemd's EnvironmentFile has no comments after a value: "KEY=value  # note" makes the note part of
    # the value (a SECRET_KEY or a database address with a comment in it).
    for line in env.splitlines():
        if line and not line.startswith("#"):
            assert "#" not in line.partition("=")[2], line


def test_the_gateway_unit_runs_one_gateway_process_on_the_documented_port():
    argv = command(unit("congso-gateway.service"))
    assert argv[1:] == ["gateway", "--host", "127.0.0.1", "--port", "8001"]


def test_operations_guide_documents_the_units():
    guide = (PROJECT_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in [*LONG_RUNNING, "congso-check.timer", "congso.env.example", "CONGSO_PAYMENTS_PROVIDERS"]:
        assert name.replace("@.service", "@") in guide, name
