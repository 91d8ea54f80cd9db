"""Demo data of the agencies block: administrative units and the organisation of Bình Dương.

The demo runs the platform for the province named in ``settings.CONGSO_PROVINCE_NAME`` (Bình Dương).
In law that province ended on 30 June 2025, merged into Thành phố Hồ Chí Minh; the units loaded here say
so. The *agencies* below are a demo fiction on top of that history: Bình Dương's provincial agencies as
they stood after the department mergers of 1 March 2025, kept in force so that demo accounts can work
today, and the People's Committees of real wards and communes that were formed from Bình Dương's
territory on 1 July 2025 (wards of Thành phố Hồ Chí Minh whose GSO code is that of a former Bình Dương
commune). Every agency here has ``is_demo=True``: apart from the province's group code, which
STANDARDS.md reports as H08 [verify] and settings may override, the codes are made up following the
V1V2V3.Z1Z2.Y1Y2.MX1X2 structure, not taken from an official list.

Both functions are idempotent: running them again changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .loaders import (
    BINH_DUONG_CODE,
    HO_CHI_MINH_CITY_CODE,
    LAST_DAY_BEFORE_REORGANISATION,
    REORGANISATION_DAY,
    LoaderError,
    LoadResult,
    load_demo_units,
)
from .models import AdministrativeUnit, Agency, AgencyKind, UnitLevel, UnitSuccession

# Decree 45/2025/NĐ-CP reorganised provincial departments; the merged ones began on 1 March 2025.
DEPARTMENT_MERGER_DAY = date(2025, 3, 1)


def province_group() -> str:
    """The level-1 part of the province's agency codes (``MX1X2``): ``H08`` for Bình Dương [verify]."""
    return getattr(settings, "CONGSO_PROVINCE_AGENCY_GROUP", "H08")


@dataclass(frozen=True)
class DemoAgency:
    key: str
    code: str  # without the level-1 group: "000.00.03" + "." + province_group()
    name: str
    short_name: str
    kind: str
    parent: str | None = None  # key of the parent agency
    unit: str | None = None  # GSO code: the former province (74) or a ward of Thành phố Hồ Chí Minh
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None  # key


_PROVINCE = "province"
_NEW_DEPARTMENT = {"valid_from": DEPARTMENT_MERGER_DAY}
_MERGED_AWAY = {"valid_to": date(2025, 2, 28)}

# Successors come before the agencies that point to them, parents before children.
DEMO_AGENCIES: list[DemoAgency] = [
    DemoAgency(
        _PROVINCE,
        "000.00.00",
        "Ủy ban nhân dân tỉnh Bình Dương",
        "UBND",
        AgencyKind.PEOPLES_COMMITTEE,
        unit=BINH_DUONG_CODE,
    ),
    DemoAgency(
        "province_office",
        "000.00.01",
        "Văn phòng Ủy ban nhân dân tỉnh Bình Dương",
        "VP",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
    ),
    DemoAgency(
        "service_centre",
        "000.00.02",
        "Trung tâm Phục vụ hành chính công tỉnh Bình Dương",
        "TTPVHCC",
        AgencyKind.SERVICE_CENTRE,
        _PROVINCE,
        BINH_DUONG_CODE,
    ),
    DemoAgency(
        "justice",
        "000.00.03",
        "Sở Tư pháp tỉnh Bình Dương",
        "STP",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
    ),
    DemoAgency(
        "justice_admin_division",
        "000.01.03",
        "Phòng Hành chính tư pháp – Sở Tư pháp",
        "HCTP",
        AgencyKind.DIVISION,
        "justice",
        BINH_DUONG_CODE,
    ),
    DemoAgency(
        "construction",
        "000.00.04",
        "Sở Xây dựng tỉnh Bình Dương",
        "SXD",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
    ),
    # Merged on 1 March 2025 from the departments of Natural Resources and Environment and of
    # Agriculture and Rural Development (listed below as ended).
    DemoAgency(
        "agriculture_environment",
        "000.00.05",
        "Sở Nông nghiệp và Môi trường tỉnh Bình Dương",
        "SNNMT",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
        **_NEW_DEPARTMENT,
    ),
    # Took over the duties of the Department of Information and Communications on 1 March 2025.
    DemoAgency(
        "science_technology",
        "000.00.06",
        "Sở Khoa học và Công nghệ tỉnh Bình Dương",
        "SKHCN",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
    ),
    DemoAgency(
        "finance",
        "000.00.07",
        "Sở Tài chính tỉnh Bình Dương",
        "STC",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
    ),
    DemoAgency(
        "home_affairs",
        "000.00.08",
        "Sở Nội vụ tỉnh Bình Dương",
        "SNV",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
    ),
    # Police and social insurance answer to their ministries, not to the People's Committee: no parent.
    DemoAgency(
        "police", "000.00.09", "Công an tỉnh Bình Dương", "CA", AgencyKind.POLICE, None, BINH_DUONG_CODE
    ),
    DemoAgency(
        "social_insurance",
        "000.00.10",
        "Bảo hiểm xã hội tỉnh Bình Dương",
        "BHXH",
        AgencyKind.SOCIAL_INSURANCE,
        None,
        BINH_DUONG_CODE,
    ),
    DemoAgency(
        "former_natural_resources",
        "000.00.11",
        "Sở Tài nguyên và Môi trường tỉnh Bình Dương",
        "STNMT",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
        successor="agriculture_environment",
        **_MERGED_AWAY,
    ),
    DemoAgency(
        "former_agriculture",
        "000.00.12",
        "Sở Nông nghiệp và Phát triển nông thôn tỉnh Bình Dương",
        "SNNPTNT",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
        successor="agriculture_environment",
        **_MERGED_AWAY,
    ),
    DemoAgency(
        "former_information",
        "000.00.13",
        "Sở Thông tin và Truyền thông tỉnh Bình Dương",
        "STTTT",
        AgencyKind.DEPARTMENT,
        _PROVINCE,
        BINH_DUONG_CODE,
        successor="science_technology",
        **_MERGED_AWAY,
    ),
]

# Wards and a commune formed on 1 July 2025 from Bình Dương's territory; names come from the dataset.
DEMO_COMMUNES: list[tuple[str, str, str]] = [
    # (key, GSO code of the unit, level-2 part of the demo agency code)
    ("commune", "25747", "51"),  # Phường Thủ Dầu Một
    ("commune_phu_loi", "25750", "52"),  # Phường Phú Lợi
    ("commune_di_an", "25942", "53"),  # Phường Dĩ An
    ("commune_thuan_an", "25978", "54"),  # Phường Thuận An
    ("commune_dau_tieng", "25777", "55"),  # Xã Dầu Tiếng
]


def seed_demo_units() -> LoadResult:
    """Load the units the demo needs: Thành phố Hồ Chí Minh (79) with its 168 communes, and Bình Dương
    (74) before 1 July 2025 with its districts, communes and successions. Idempotent; about a second on
    SQLite (see tests/agencies and ``manage.py load_units``)."""
    return load_demo_units()


def _units_loaded() -> bool:
    history = AdministrativeUnit.objects.filter(code=BINH_DUONG_CODE, valid_to=LAST_DAY_BEFORE_REORGANISATION)
    wards = AdministrativeUnit.objects.filter(
        code__in=[code for _key, code, _level2 in DEMO_COMMUNES], valid_from=REORGANISATION_DAY
    )
    return history.exists() and wards.count() == len(DEMO_COMMUNES)


def _former_binh_duong_ward(code: str) -> AdministrativeUnit:
    """The commune of Thành phố Hồ Chí Minh with ``code`` — refusing one not formed from Bình Dương."""
    unit = AdministrativeUnit.objects.get(
        code=code, level=UnitLevel.COMMUNE, valid_from=REORGANISATION_DAY, parent__code=HO_CHI_MINH_CITY_CODE
    )
    from_binh_duong = UnitSuccession.objects.filter(
        successor=unit, predecessor__parent__parent__code=BINH_DUONG_CODE
    ).exists()
    if not from_binh_duong:
        raise LoaderError(
            _("%(name)s (%(code)s) không được ghi nhận là hình thành từ địa bàn tỉnh Bình Dương.")
            % {"name": unit.name, "code": code}
        )
    return unit


def _commune_committee_name(unit: AdministrativeUnit) -> str:
    # "Phường Thủ Dầu Một" → "Ủy ban nhân dân phường Thủ Dầu Một"
    return f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}"


def _upsert_agency(code: str, fields: dict) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        agency = Agency(code=code, **fields)
        agency.full_clean()
        agency.save()
        return agency
    changed = [name for name, value in fields.items() if getattr(agency, name) != value]
    if changed:
        for name in changed:
            setattr(agency, name, fields[name])
        agency.full_clean()
        agency.save(update_fields=changed)
    return agency


def seed_demo_agencies() -> dict[str, Agency]:
    """Create or refresh the demo organisation and return its agencies by stable key.

    Keys: ``province``, ``province_office``, ``service_centre``, ``justice``, ``justice_admin_division``,
    ``construction``, ``agriculture_environment``, ``science_technology``, ``finance``, ``home_affairs``,
    ``police``, ``social_insurance``, the ended ``former_natural_resources``, ``former_agriculture``,
    ``former_information``, and the commune-level People's Committees ``commune`` (phường Thủ Dầu Một),
    ``commune_phu_loi``, ``commune_di_an``, ``commune_thuan_an``, ``commune_dau_tieng``.
    Loads the units first if they are missing. Idempotent: a second run changes no row.
    """
    group = province_group()
    with transaction.atomic():
        if not _units_loaded():
            seed_demo_units()
        province_unit = AdministrativeUnit.objects.get(
            code=BINH_DUONG_CODE, valid_to=LAST_DAY_BEFORE_REORGANISATION
        )
        agencies: dict[str, Agency] = {}
        for spec in DEMO_AGENCIES:
            agencies[spec.key] = _upsert_agency(
                f"{spec.code}.{group}",
                {
                    "name": spec.name,
                    "short_name": spec.short_name,
                    "kind": spec.kind,
                    "parent": agencies[spec.parent] if spec.parent else None,
                    "administrative_unit": province_unit if spec.unit == BINH_DUONG_CODE else None,
                    "valid_from": spec.valid_from,
                    "valid_to": spec.valid_to,
                    "successor": agencies[spec.successor] if spec.successor else None,
                    "is_demo": True,
                },
            )
        for key, unit_code, level2 in DEMO_COMMUNES:
            unit = _former_binh_duong_ward(unit_code)
            agencies[key] = _upsert_agency(
                f"000.00.{level2}.{group}",
                {
                    "name": _commune_committee_name(unit),
                    "short_name": "UBND",
                    "kind": AgencyKind.PEOPLES_COMMITTEE,
                    "parent": agencies[_PROVINCE],
                    "administrative_unit": unit,
                    "valid_from": REORGANISATION_DAY,
                    "valid_to": None,
                    "successor": None,
                    "is_demo": True,
                },
            )
    return agencies
