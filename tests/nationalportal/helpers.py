"""Helpers of the national link's tests: the link pointed at a simulated portal, national packages and
dossiers on the simulator, and what the background worker would run (outbox deliveries, periodic jobs)."""

from congso.core import events
from congso.core.models import EventDelivery
from congso.nationalportal import jobs, services
from congso.sandbox import services as sandbox
from congso.sandbox.dvcqg_pages import applicant_fields
from tests.samples import PDF_BYTES

PROVINCE = "H08"


def link_settings(settings, base_url):
    settings.CONGSO_NATIONALPORTAL_LINK = "dvcqg"
    settings.CONGSO_DVCQG_ADAPTER_URL = base_url.rstrip("/") + "/sandbox/dvcqg"
    settings.CONGSO_DVCQG_MADONVI = PROVINCE
    settings.CONGSO_DVCQG_USERNAME = settings.CONGSO_SANDBOX_DVCQG_USERNAME = "tinh-thu"
    settings.CONGSO_DVCQG_PASSWORD = settings.CONGSO_SANDBOX_DVCQG_PASSWORD = "mat-khau-thu-0123456789"
    settings.CONGSO_DVCQG_TIMEOUT_SECONDS = 5
    settings.CONGSO_NATIONALPORTAL_BACKOFF_SECONDS = 30


def package_of(version, decision="QĐ 1/2025/QĐ-BTP", **changes) -> dict:
    """The national package (LayThuTuc) that agrees with ``version``, with ``changes`` applied."""
    package = {
        "MATTHC": version.procedure.national_code or version.procedure.code,
        "QUYETDINH": decision,
        "TENTTHC": version.procedure.name,
        "CANCUPHAPLY": [{"SOVANBAN": "", "TENVANBAN": version.legal_basis}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": "1",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": str(version.time_limit_value),
                        "DONVITINH": "Ngày làm việc",
                        "PHILEPHI": [
                            {"MAPHILEPHI": "", "SOTIEN": str(f.amount), "DONVI": "Đồng", "MOTA": f.name}
                            for f in version.fees.all()
                        ],
                    }
                ],
            }
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [{"MAGIAYTO": p.code, "TENGIAYTO": p.name} for p in version.papers.all()],
            }
        ],
    }
    package.update(changes)
    return package


_numbers = iter(range(1, 10**6))


def submit_on_portal(version, agency, **overrides):
    """A dossier submitted on the simulated portal for ``version`` at ``agency``; returns its code."""
    code = overrides.pop("code", f"G22.99.261204-{next(_numbers):06d}")
    arguments = {
        "code": code,
        "procedure_code": version.procedure.national_code or version.procedure.code,
        "unit_code": agency.code,
        "province_code": PROVINCE,
        "applicant": applicant_fields("Phạm Thị Cúc", "074190001111", "0912000111", "cuc@example.vn", "Số 1"),
        "summary": "Đăng ký qua Cổng DVCQG",
        "form_data": {},
        "papers": [("to-khai", "to-khai.pdf", PDF_BYTES)],
    }
    arguments.update(overrides)
    sandbox.submit_on_dvcqg(**arguments)
    return code


def run_outbox():
    """Deliver this block's pending outbox deliveries now (what the worker would do)."""
    pending = EventDelivery.objects.filter(subscriber=services.SUBSCRIBER, status="pending").order_by("pk")
    for pk in pending.values_list("pk", flat=True):
        assert events.attempt_delivery(pk) == "delivered", EventDelivery.objects.get(pk=pk).last_error


def run_jobs():
    """The worker's round: outbox deliveries, then the periodic take and push jobs."""
    run_outbox()
    taken = jobs.take_dossiers()
    run_outbox()  # the worker delivers the events of the dossiers just taken as they commit
    pushed = jobs.push_status()
    return taken, pushed


def timeline(code) -> list[int]:
    return [step["status"] for step in sandbox.dvcqg_timeline(code)]
