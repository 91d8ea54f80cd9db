"""Fixtures of the catalog tests: a small catalog built by hand, and the demo seed."""

from datetime import date

import pytest

from congso.agencies.models import AgencyKind
from congso.catalog import search
from congso.catalog.models import (
    LifeEvent,
    OnlineMode,
)
from tests.factories.agencies import AgencyFactory
from tests.factories.catalog import FieldFactory, ProcedureFactory, ProcedureVersionFactory


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Each test starts without the per-process index, as a new process would."""
    search.invalidate()
    yield
    search.invalidate()


@pytest.fixture
def agency(db):
    return AgencyFactory(
        code="000.00.51.H08",
        name="Ủy ban nhân dân phường Thủ Dầu Một",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        address="1 Quang Trung, Thủ Dầu Một",
    )


@pytest.fixture
def other_agency(db):
    return AgencyFactory(code="000.00.03.H08", name="Sở Tư pháp tỉnh Bình Dương", kind=AgencyKind.DEPARTMENT)


@pytest.fixture
def make_procedure(db):
    """``make_procedure(code, name, field_code="ho-tich", **version_fields)`` → a procedure with one published
    version in force since 2025-07-01; ``papers=[...]`` and ``fees=[...]`` are lists of dicts."""

    def make(
        code,
        name,
        *,
        field_code="ho-tich",
        field_name="Hộ tịch",
        level="commune",
        agencies=(),
        papers=(),
        fees=(),
        life_events=(),
        national_code=None,
        **version_fields,
    ):
        if national_code is None:
            national_code = "" if code.startswith("DP.") else code[:8]
        procedure = ProcedureFactory(
            code=code,
            national_code=national_code,
            name=name,
            field=FieldFactory(code=field_code, name=field_name),
            level=level,
        )
        for slug in life_events:
            event, _ = LifeEvent.objects.get_or_create(
                slug=slug, defaults={"name": slug.replace("-", " ").title()}
            )
            procedure.life_events.add(event)
        values = {
            "effective_from": date(2025, 7, 1),
            "legal_basis": "Luật Hộ tịch số 60/2014/QH13",
            "online_mode": OnlineMode.FULLY_ONLINE,
        }
        values.update(version_fields)
        ProcedureVersionFactory(
            procedure=procedure,
            implementing_agencies=agencies,
            papers=[{"code": f"giay-to-{position}", **paper} for position, paper in enumerate(papers)],
            fees=fees,
            **values,
        )
        procedure.refresh_from_db()
        return procedure

    return make


@pytest.fixture
def small_catalog(make_procedure, agency, other_agency):
    """A handful of procedures whose ranking the search tests assert."""
    make_procedure(
        "1.001193",
        "Đăng ký khai sinh",
        agencies=[agency],
        life_events=["co-con-nho"],
        papers=[
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1},
            {"name": "Giấy chứng sinh", "originals": 1},
        ],
    )
    make_procedure(
        "DP.HT.01",
        "Đăng ký lại khai sinh",
        agencies=[agency],
        online_mode=OnlineMode.PARTLY_ONLINE,
        papers=[{"name": "Tờ khai đăng ký lại khai sinh", "originals": 1}],
    )
    make_procedure("DP.HT.03", "Đăng ký khai sinh kết hợp nhận cha, mẹ, con", agencies=[agency])
    make_procedure(
        "1.000894",
        "Đăng ký kết hôn",
        agencies=[agency],
        online_mode=OnlineMode.PARTLY_ONLINE,
        life_events=["ket-hon"],
        papers=[{"name": "Tờ khai đăng ký kết hôn", "originals": 1}],
    )
    make_procedure(
        "1.000656", "Đăng ký khai tử", agencies=[agency], papers=[{"name": "Giấy báo tử", "originals": 1}]
    )
    make_procedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        field_code="chung-thuc",
        field_name="Chứng thực",
        agencies=[agency],
        online_mode=OnlineMode.PARTLY_ONLINE,
        legal_basis="Nghị định số 23/2015/NĐ-CP",
        papers=[{"name": "Bản chính giấy khai sinh hoặc giấy tờ cần chứng thực", "originals": 1}],
    )
    make_procedure(
        "DP.LLTP.01",
        "Cấp Phiếu lý lịch tư pháp",
        field_code="ly-lich-tu-phap",
        field_name="Lý lịch tư pháp",
        level="province",
        agencies=[other_agency],
        legal_basis="Luật Lý lịch tư pháp số 28/2009/QH12",
        papers=[{"name": "Bản chụp giấy khai sinh", "copies": 1}],
    )
    make_procedure(
        "1.004222",
        "Đăng ký thường trú",
        field_code="cu-tru",
        field_name="Cư trú",
        legal_basis="Luật Cư trú số 68/2020/QH14",
        online_mode=OnlineMode.FULLY_ONLINE,
    )
    make_procedure(
        "2.000884",
        "Chứng thực chữ ký",
        field_code="chung-thuc",
        field_name="Chứng thực",
        agencies=[agency],
        online_mode=OnlineMode.INFORMATION,
        legal_basis="Nghị định số 23/2015/NĐ-CP",
    )
