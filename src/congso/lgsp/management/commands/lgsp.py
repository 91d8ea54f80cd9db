"""``congso lgsp <action>``: the LGSP control plane from the command line.

- ``rotate-key`` — the next signing key becomes active, the active one retires (still published during
  the overlap), a new next key is made;
- ``snapshot`` — print the compiled registry snapshot the gateway loads (JSON);
- ``connected-share --from YYYY-MM-DD --to YYYY-MM-DD`` — the plan's indicator for a period;
- ``verify`` — check the message log's hash chain and signed checkpoints; names every altered, removed,
  inserted or reordered record and exits 1 when any;
- ``checkpoint`` — seal the message log now (the worker does it every ``CONGSO_LGSP_CHECKPOINT_SECONDS``).
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congso.lgsp import messagelog, services


class Command(BaseCommand):
    help = "LGSP control plane: rotate-key, snapshot, connected-share; message log: verify, checkpoint."

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["rotate-key", "snapshot", "connected-share", "verify", "checkpoint"]
        )
        parser.add_argument("--from", dest="start", help="first day of the period (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="last day of the period (YYYY-MM-DD)")

    def handle(self, *args, action, start=None, end=None, **options):
        if action == "rotate-key":
            key = services.rotate_signing_key()
            self.stdout.write(_("Khoá ký đang dùng: %(kid)s") % {"kid": key.kid})
        elif action == "verify":
            self._verify()
        elif action == "checkpoint":
            checkpoint = messagelog.write_checkpoint()
            self.stdout.write(
                _("Đã niêm phong tới bản ghi #%(seq)s.") % {"seq": checkpoint.seq}
                if checkpoint
                else _("Không có bản ghi mới để niêm phong.")
            )
        elif action == "snapshot":
            self.stdout.write(json.dumps(services.registry_snapshot(), ensure_ascii=False, indent=2))
        else:
            try:
                period_start, period_end = date.fromisoformat(start or ""), date.fromisoformat(end or "")
            except ValueError as exc:
                raise CommandError(
                    _(
                        "connected-share cần --from và --to dạng YYYY-MM-DD "
                        "(ví dụ --from 2026-01-01 --to 2026-12-31)."
                    )
                ) from exc
            if period_start > period_end:
                # A reversed period counted nothing and printed "0/0 … n/a" as if it were a result.
                raise CommandError(
                    _("Ngày --from (%(start)s) phải trước hoặc bằng ngày --to (%(end)s).")
                    % {"start": period_start, "end": period_end}
                )
            share = services.connected_share(period_start, period_end)
            ratio = _("không có hệ thống nào") if share.share is None else f"{share.share:.1%}"
            self.stdout.write(
                _(
                    "%(connected)s/%(total)s hệ thống phục vụ người dân, doanh nghiệp đã trao đổi thông điệp "
                    "qua LGSP từ %(start)s đến %(end)s: %(ratio)s (chỉ tiêu %(target)s)"
                )
                % {
                    "connected": share.connected,
                    "total": share.total,
                    "start": share.period_start,
                    "end": share.period_end,
                    "ratio": ratio,
                    "target": f"{share.target:.0%}",
                }
            )

    def _verify(self):
        result = messagelog.verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(
                _(
                    "Nhật ký thông điệp KHÔNG toàn vẹn: %(problems)s vấn đề (%(records)s bản ghi, "
                    "%(checkpoints)s điểm niêm phong)."
                )
                % {
                    "problems": len(result.problems),
                    "records": result.records,
                    "checkpoints": result.checkpoints,
                }
            )
        self.stdout.write(
            _("Nhật ký thông điệp toàn vẹn: %(records)s bản ghi, %(checkpoints)s điểm niêm phong.")
            % {"records": result.records, "checkpoints": result.checkpoints}
        )
