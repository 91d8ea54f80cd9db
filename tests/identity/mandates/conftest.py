"""Fixtures of the mandates tests: the sandbox registers served over real HTTP (Django's live server),
a known business whose legal representative has an account, and a parent with a minor child."""

from datetime import date

import pytest

from congso.sandbox.demo import KnownBusiness, Person, seed_demo_sandbox
from congso.sandbox.models import Citizen
from tests.support.mandates import ADULT_CHILD_ID, CHILD_ID, PARENT_ID, REPRESENTATIVE_ID, TAX_CODE, TOKEN


@pytest.fixture
def registers(live_server, settings, transactional_db):
    """The simulated national registers, reached by ``identity.mandates.registers`` over HTTP."""
    settings.CONGSO_SANDBOX_TOKEN = TOKEN
    settings.CONGSO_REGISTRY_TOKEN = TOKEN
    settings.CONGSO_BUSINESS_REGISTRY_URL = live_server.url + "/sandbox/dang-ky-kinh-doanh"
    settings.CONGSO_POPULATION_REGISTRY_URL = live_server.url + "/sandbox/csdlqg-dan-cu"
    seed_demo_sandbox(
        [Person(PARENT_ID, "Nguyễn Văn An", date(1990, 5, 12))],
        [
            KnownBusiness(
                TAX_CODE, "Trần Thị Bình", REPRESENTATIVE_ID, date(1985, 3, 3), "Công ty TNHH Bình An"
            )
        ],
        citizens=30,
        business_count=3,
    )
    parent = Citizen.objects.get(national_id=PARENT_ID)
    for national_id, name, born in (
        (CHILD_ID, "Nguyễn Minh Khang", date(2014, 6, 1)),
        (ADULT_CHILD_ID, "Nguyễn Thu Hà", date(2000, 1, 1)),
    ):
        Citizen.objects.update_or_create(
            national_id=national_id,
            defaults={
                "full_name": name,
                "date_of_birth": born,
                "sex": "1",
                "hometown": "Tỉnh Bình Dương",
                "household": parent.household,
                "relation_to_head": "Con",
                "is_generated": False,
            },
        )
    return live_server


@pytest.fixture
def representative(make_user):
    return make_user("tran.binh", national_id=REPRESENTATIVE_ID, full_name="Trần Thị Bình")


@pytest.fixture
def agent(make_user):
    return make_user("ke.toan", national_id="074190004444", full_name="Lê Văn Kế")


@pytest.fixture
def parent(make_user):
    return make_user("an.nguyen", national_id=PARENT_ID, full_name="Nguyễn Văn An")
