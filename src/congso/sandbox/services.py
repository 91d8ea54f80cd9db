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
