"""Demo data of the LGSP: the province's systems that serve citizens and businesses — the public service
portal, the one-stop information system, document management and two departments' systems — with the
services they offer, a right for the portal to call the one-stop system, and one consumer credential;
and, for publish / subscribe, the civil status system's right to follow the dossiers of every agency
(received, accepted, result ready, result returned) with a pull subscription to each.

The credential's client id is fixed (``DEMO_CLIENT_ID``); its secret is ``CONGSO_LGSP_DEMO_CLIENT_SECRET``
from the environment when set (at least 32 characters), otherwise generated and printed once. Upstream
addresses are demo placeholders (``*.demo.congso.local``) until the gateway and the sandbox provide real
ones. Idempotent: a second run changes nothing.
"""

import os

from django.db import transaction

from congso.agencies import demo as agencies_demo

from . import services
from .models import ConsumerCredential, Service, Subscription, System, SystemStatus

DEMO_CLIENT_ID = "cong-dvc-demo"
SECRET_VARIABLE = "CONGSO_LGSP_DEMO_CLIENT_SECRET"  # noqa: S105 — the name of the variable


def _api(title: str, paths: dict) -> dict:
    return {"openapi": "3.0.3", "info": {"title": title, "version": "1.0"}, "paths": paths}


def _get(summary: str, parameter: str | None = None) -> dict:
    operation = {
        "summary": summary,
        "responses": {"200": {"description": "Thành công"}, "404": {"description": "Không tìm thấy"}},
    }
    if parameter:
        operation["parameters"] = [
            {"name": parameter, "in": "path", "required": True, "schema": {"type": "string"}}
        ]
    return {"get": operation}


# (agency key, system code, name, services: (code, name, description, OpenAPI paths))
DEMO_SYSTEMS = [
    (
        "science_technology",
        "CONGDVC",
        "Cổng dịch vụ công tỉnh",
        [],
    ),
    (
        "service_centre",
        "MOTCUA",
        "Hệ thống thông tin giải quyết thủ tục hành chính (một cửa điện tử)",
        [
            (
                "tra-cuu-ho-so",
                "Tra cứu tình trạng hồ sơ",
                "Trạng thái, hạn trả và kết quả của một hồ sơ theo mã hồ sơ.",
                {"/ho-so/{ma_ho_so}": _get("Tình trạng một hồ sơ", "ma_ho_so")},
            )
        ],
    ),
    (
        "province_office",
        "QLVB",
        "Hệ thống quản lý văn bản và điều hành",
        [
            (
                "van-ban-den",
                "Tiếp nhận văn bản điện tử",
                "Văn bản đến gửi qua trục liên thông của tỉnh.",
                {
                    "/van-ban": {
                        "post": {
                            "summary": "Gửi một văn bản",
                            "responses": {"202": {"description": "Đã nhận"}},
                        }
                    }
                },
            )
        ],
    ),
    (
        "justice",
        "HOTICH",
        "Phần mềm đăng ký, quản lý hộ tịch",
        [
            (
                "trich-luc-ho-tich",
                "Trích lục hộ tịch",
                "Thông tin khai sinh, kết hôn, khai tử đã đăng ký theo số định danh cá nhân.",
                {"/trich-luc/{so_dinh_danh}": _get("Trích lục theo số định danh", "so_dinh_danh")},
            )
        ],
    ),
    (
        "construction",
        "CPXD",
        "Hệ thống cấp phép xây dựng",
        [
            (
                "giay-phep-xay-dung",
                "Tra cứu giấy phép xây dựng",
                "Giấy phép xây dựng đã cấp theo số giấy phép.",
                {"/giay-phep/{so}": _get("Một giấy phép", "so")},
            )
        ],
    ),
]


def _system(agency, code: str, name: str) -> System:
    member = services.member_for_agency(agency)
    existing = System.objects.filter(member=member, code=code).first()
    if existing is not None:
        return existing
    return services.register_system(
        member, code, name, serves_public=True, status=SystemStatus.CONNECTED, owner_agency=agency
    )


def _service(system: System, code: str, name: str, description: str, paths: dict) -> Service:
    existing = Service.objects.filter(system=system, code=code).first()
    if existing is not None:
        return existing
    return services.register_service(
        system,
        code,
        name,
        f"https://{system.code.lower()}.demo.congso.local/api",
        description=description,
        openapi_document=_api(name, paths),
    )


@transaction.atomic
def seed_demo_lgsp(verbose: bool = True) -> dict[str, System]:
    """Register the demo systems and services, the portal's right and credential; return the systems."""
    agencies = agencies_demo.seed_demo_agencies()
    systems, offered = {}, {}
    for agency_key, code, name, service_specs in DEMO_SYSTEMS:
        systems[code] = _system(agencies[agency_key], code, name)
        for spec in service_specs:
            offered[spec[0]] = _service(systems[code], *spec)
    services.grant_access(offered["tra-cuu-ho-so"], system=systems["CONGDVC"])
    services.ensure_signing_keys()
    _follow_dossiers(systems["HOTICH"])
    if not ConsumerCredential.objects.filter(client_id=DEMO_CLIENT_ID).exists():
        given = os.environ.get(SECRET_VARIABLE, "")
        issued = services.create_credential(systems["CONGDVC"], client_id=DEMO_CLIENT_ID, secret=given)
        if verbose:
            print(f"\nLGSP: thông tin xác thực minh họa / demo credential of {systems['CONGDVC'].identifier}")
            print(f"  client_id     {issued.credential.client_id}")
            if given:
                print(f"  client_secret (từ biến môi trường / from ${SECRET_VARIABLE})")
            else:
                print(f"  client_secret {issued.secret}   (chỉ hiển thị lần này / shown this once)")
            print()
    return systems


DEMO_FOLLOWED_EVENTS = (
    "dossier.submitted",
    "dossier.accepted",
    "dossier.result_ready",
    "dossier.result_returned",
)


def _follow_dossiers(system: System) -> None:
    types = {t.code: t for t in services.ensure_domain_event_types()}
    for code in DEMO_FOLLOWED_EVENTS:
        services.grant_events(types[code], system=system, all_agencies=True)
        if not Subscription.objects.filter(system=system, event_type=types[code]).exists():
            services.subscribe(system, types[code], "pull")
