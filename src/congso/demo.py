"""Demo data for the province of the seed (Bình Dương): units, agencies, one account per role, and
whatever each block contributes (procedures, processes…). Seeding twice changes nothing.

This module composes the blocks' own ``demo`` functions; it is used by ``congso demo`` and
``congso seed-demo`` and refuses to create accounts with a known password in the production profile.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_PASSWORD = "congso-demo-2026"  # noqa: S105 — published on purpose: demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    kind: str
    role: str | None  # agencies.Role value, None for citizens and businesses
    agency_key: str | None  # key in the dict returned by agencies.demo.seed_demo_agencies()
    description: str
    national_id: str | None = None
    tax_code: str = ""
    title: str = ""


ACCOUNTS = [
    DemoAccount(
        "congdan", "Nguyễn Văn An", "citizen", None, None, "Công dân / citizen", national_id="074090001234"
    ),
    DemoAccount(
        "doanhnghiep",
        "Trần Thị Bình",
        "business",
        None,
        None,
        "Đại diện doanh nghiệp / business representative",
        tax_code="3700123456",
    ),
    DemoAccount(
        "motcua",
        "Lê Thị Cúc",
        "official",
        "one_stop_officer",
        "commune",
        "Cán bộ một cửa (UBND phường) / one-stop officer",
    ),
    DemoAccount(
        "motcua.tinh",
        "Phạm Minh Đức",
        "official",
        "one_stop_officer",
        "service_centre",
        "Cán bộ một cửa (Trung tâm PVHCC tỉnh) / one-stop officer, province",
    ),
    DemoAccount(
        "chuyenvien",
        "Hoàng Văn Em",
        "official",
        "specialist",
        "commune",
        "Chuyên viên (UBND phường) / specialist",
        title="Công chức Tư pháp – Hộ tịch",
    ),
    DemoAccount(
        "chuyenvien.stp",
        "Võ Thị Giang",
        "official",
        "specialist",
        "justice",
        "Chuyên viên Sở Tư pháp / specialist, Department of Justice",
    ),
    DemoAccount(
        "lanhdao",
        "Đặng Quốc Huy",
        "official",
        "leader",
        "commune",
        "Lãnh đạo (Phó Chủ tịch UBND phường) / leader",
        title="Phó Chủ tịch",
    ),
    DemoAccount(
        "lanhdao.stp",
        "Bùi Thanh Hà",
        "official",
        "leader",
        "justice",
        "Lãnh đạo Sở Tư pháp / leader, Department of Justice",
        title="Phó Giám đốc",
    ),
    DemoAccount(
        "vanthu",
        "Ngô Thị Kim",
        "official",
        "clerk",
        "province_office",
        "Văn thư (Văn phòng UBND tỉnh) / clerk",
    ),
    DemoAccount(
        "quantri.coquan",
        "Lý Văn Long",
        "official",
        "agency_admin",
        "commune",
        "Quản trị cơ quan / agency administrator",
    ),
    DemoAccount(
        "quantri",
        "Trịnh Minh Quân",
        "official",
        "platform_admin",
        "science_technology",
        "Quản trị nền tảng (Sở KH&CN) / platform administrator (also Django admin)",
    ),
]


def _block_seeders():
    """Each block's demo seeding, in dependency order. Blocks that have no demo data are absent."""
    from importlib import import_module
    from importlib.util import find_spec

    steps = []
    for module_name, function_name in [
        ("congso.catalog.demo", "seed_demo_catalog"),
        ("congso.workflow.demo", "seed_demo_processes"),
        ("congso.dossiers.demo", "seed_demo_dossiers"),
    ]:
        if find_spec(module_name) is not None:
            module = import_module(module_name)
            if hasattr(module, function_name):
                steps.append((module_name, getattr(module, function_name)))
    return steps


def seed(verbose: bool = False) -> dict:
    """Seed everything the demo needs; return the accounts created or found."""
    from congso.agencies import demo as agencies_demo
    from congso.agencies import services as agency_services

    if settings.IS_PRODUCTION:
        raise RuntimeError("Refusing to seed demo accounts with a published password in production.")
    from django.utils import timezone

    from congso.core import working_days

    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year, this_year + 1):
        working_days.ensure_year(year)
    with transaction.atomic():
        agencies_demo.seed_demo_units()
        agencies = agencies_demo.seed_demo_agencies()
        users = {}
        for account in ACCOUNTS:
            users[account.username] = _ensure_account(account)
            if account.role:
                agency_services.ensure_membership(
                    users[account.username], agencies[account.agency_key], account.role, title=account.title
                )
    for _module_name, step in _block_seeders():
        with transaction.atomic():
            step()
    if verbose:
        print_accounts()
    return users


def _ensure_account(account: DemoAccount):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=account.username,
        defaults={
            "full_name": account.full_name,
            "kind": account.kind,
            "national_id": account.national_id,
            "tax_code": account.tax_code,
            "email": f"{account.username}@demo.congso.local",
            "is_staff": account.role == "platform_admin",
            "is_superuser": account.role == "platform_admin",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def print_accounts() -> None:
    print(f"\nTài khoản minh họa / demo accounts (mật khẩu / password: {DEMO_PASSWORD})")
    width = max(len(a.username) for a in ACCOUNTS)
    for account in ACCOUNTS:
        print(f"  {account.username.ljust(width)}  {account.description}")
    print()
