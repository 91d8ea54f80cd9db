"""What other blocks (the LGSP's demo seeding) read from the sandbox: the national services it
simulates, each with a code, a name, where it is served and its OpenAPI document."""

from dataclasses import dataclass

from . import openapi


@dataclass(frozen=True)
class NationalService:
    code: str
    name: str
    base_path: str  # where the project serves it, e.g. /sandbox/csdlqg-dan-cu
    openapi: dict


def national_services() -> list[NationalService]:
    """The simulated national services, in a fixed order (population database, business registry, land
    registry)."""
    return [
        NationalService(
            "csdlqg-dan-cu",
            "Cơ sở dữ liệu quốc gia về dân cư (mô phỏng)",
            openapi.population_base(),
            openapi.population_document(),
        ),
        NationalService(
            "dang-ky-kinh-doanh",
            "Hệ thống thông tin quốc gia về đăng ký doanh nghiệp (mô phỏng)",
            openapi.business_base(),
            openapi.business_document(),
        ),
        NationalService(
            "dat-dai",
            "Cơ sở dữ liệu quốc gia về đất đai (mô phỏng)",
            openapi.land_base(),
            openapi.land_document(),
        ),
    ]


def dvcqg_service() -> NationalService:
    """The simulated National Public Service Portal as a national service for the LGSP registry (kept
    out of ``national_services()``, the REST simulators: its protocol is an envelope over three POSTs)."""
    return NationalService(
        "dvcqg",
        "Cổng Dịch vụ công quốc gia (mô phỏng)",
        openapi.dvcqg_base(),
        openapi.dvcqg_document(),
    )


# The simulated National Public Service Portal (``dvcqg``): what the demo seeding and the tests of the
# link call to fill it, and the switch of outage drills.


def set_dvcqg_down(down: bool) -> None:
    """Make every call to the simulated national portal answer HTTP 503 (``True``) or work again."""
    from . import dvcqg

    dvcqg.set_down(down)


def dvcqg_is_down() -> bool:
    from . import dvcqg

    return dvcqg.is_down()


def seed_dvcqg_catalogue(packages: list[dict]) -> int:
    """Publish procedures in the simulated national catalogue: each ``package`` is a LayThuTuc answer
    (``MATTHC``, ``TENTTHC``, …) with ``QUYETDINH``, the decision that publishes it. A package whose code
    and decision are already there changes nothing; a new decision for a known code is a new version.
    Returns how many versions were added. Idempotent."""
    from django.db import transaction

    from .models import DvcqgProcedure

    added = 0
    with transaction.atomic():
        for package in packages:
            code = str(package["MATTHC"]).strip()
            decision = str(package["QUYETDINH"]).strip()
            if DvcqgProcedure.objects.filter(code=code, decision=decision).exists():
                continue
            last = DvcqgProcedure.objects.filter(code=code).order_by("-version").first()
            body = {k: v for k, v in package.items() if k not in ("MATTHC", "QUYETDINH", "PHIENBAN")}
            DvcqgProcedure.objects.create(
                code=code, version=(last.version + 1) if last else 1, decision=decision, package=body
            )
            added += 1
    return added


def submit_on_dvcqg(
    *,
    code: str,
    procedure_code: str,
    unit_code: str,
    province_code: str,
    applicant: dict,
    summary: str = "",
    form_data: dict | None = None,
    papers: list[tuple[str, str, bytes]] = (),
    submitted_at=None,
):
    """A dossier submitted by a citizen on the simulated national portal, waiting for the province
    ``province_code`` to take it. ``applicant``: national fields (ChuHoSo, SoGiayToChuHoSo, SoDienThoai,
    Email, DiaChiChuHoSo, LoaiDoiTuong); ``papers``: (paper code, file name, content). Idempotent by
    ``code`` (MaHoSo): a second call returns the dossier already there."""
    import base64

    from django.utils import timezone

    from .models import DvcqgDossier, DvcqgOrigin, DvcqgProcedure

    existing = DvcqgDossier.objects.filter(code=code).first()
    if existing is not None:
        return existing
    procedure = DvcqgProcedure.objects.filter(code=procedure_code).order_by("-version").first()
    return DvcqgDossier.objects.create(
        code=code,
        origin=DvcqgOrigin.NATIONAL,
        procedure_code=procedure_code,
        procedure_name=procedure.package.get("TENTTHC", "") if procedure else "",
        unit_code=unit_code,
        province_code=province_code,
        submitted_at=submitted_at or timezone.now(),
        applicant=applicant,
        summary=summary,
        form_data=form_data or {},
        papers=[
            {
                "TepDinhKemId": f"{code}-{index}",
                "MaThanhPhanHoSo": paper_code,
                "TenTepDinhKem": name,
                "DuLieuTepDinhKem": base64.b64encode(content).decode("ascii"),
            }
            for index, (paper_code, name, content) in enumerate(papers, start=1)
        ],
    )


def dvcqg_timeline(code: str) -> list[dict]:
    """What the simulated national portal recorded for dossier ``code``: each reported step, oldest
    first (status, when handled, by whom, what)."""
    from .models import DvcqgProgress

    return [
        {"status": p.status, "handled_at": p.handled_at, "handler": p.handler, "content": p.content}
        for p in DvcqgProgress.objects.filter(dossier__code=code).order_by("id")
    ]


def dvcqg_dossier_state(code: str) -> dict | None:
    """The simulated portal's view of dossier ``code``: taken by the province (and its local code), last
    status; None when it does not know it."""
    from .models import DvcqgDossier

    dossier = DvcqgDossier.objects.filter(code=code).first()
    if dossier is None:
        return None
    return {
        "taken": dossier.taken_at is not None,
        "local_code": dossier.local_code,
        "status": dossier.status,
        "origin": dossier.origin,
    }


# The simulated national document axis (``document_axis``).


def document_axis_service() -> NationalService:
    """The simulated national document axis as a national service for the LGSP registry."""
    from . import document_axis

    return NationalService(
        "truc-van-ban",
        "Trục liên thông văn bản quốc gia (mô phỏng)",
        document_axis.base_path(),
        document_axis.axis_document(),
    )


def seed_outside_agencies(agencies: list[tuple[str, str]], delay_seconds: int = 60) -> None:
    """Agencies outside this installation on the simulated axis, answering every package with "01
    arrived" at once and "06 done" ``delay_seconds`` later; idempotent."""
    from . import document_axis

    document_axis.seed_outside_agencies(agencies, delay_seconds)
