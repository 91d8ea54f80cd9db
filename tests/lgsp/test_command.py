"""``congso lgsp``: rotate the signing key, print the snapshot, compute the connected share."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from congso.lgsp import services
from congso.lgsp.models import SigningKey


def _run(*args) -> str:
    out = StringIO()
    call_command("lgsp", *args, stdout=out)
    return out.getvalue()


def test_rotate_snapshot_and_share(registry):
    services.ensure_signing_keys()
    upcoming = SigningKey.objects.get(state="next")
    assert upcoming.kid in _run("rotate-key")
    snapshot = json.loads(_run("snapshot"))
    assert "000.00.02.H08/MOTCUA/tra-cuu-ho-so" in snapshot["services"]
    services.record_exchanges(registry["provider"], timezone.localdate(), 4)
    today = timezone.localdate().isoformat()
    share = _run("connected-share", "--from", today, "--to", today)
    assert "1/2 hệ thống phục vụ người dân, doanh nghiệp" in share and "50.0%" in share
    with translation.override("en"):
        assert "1/2 systems serving citizens and businesses" in _run(
            "connected-share", "--from", today, "--to", today
        )
        assert "Active signing key:" in _run("rotate-key")
    with pytest.raises(CommandError):
        _run("connected-share")


def test_a_reversed_period_is_refused_not_counted_as_nothing(db):
    # It printed "0/0 systems … n/a" and exited 0, as if the period had been measured.
    with pytest.raises(
        CommandError, match=r"--from \(2026-12-31\) phải trước hoặc bằng ngày --to \(2026-12-01\)"
    ):
        _run("connected-share", "--from", "2026-12-31", "--to", "2026-12-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("connected-share", "--from", "31/12/2026", "--to", "2026-12-31")
