"""The simulated land registry: every household has a parcel its head uses; a parcel by identifier in
the LGSP envelope; malformed (302) and unknown (201) identifiers; the bearer token is required."""

from congso.sandbox.models import Citizen, LandParcel
from congso.sandbox.services import national_services
from tests.sandbox.known import KNOWN_CITIZEN

LAND = "/sandbox/dat-dai/api/v1/thua-dat/"


def test_each_household_head_uses_a_parcel_and_seeding_again_changes_nothing(world):
    from congso.sandbox.demo import seed_demo_sandbox

    head = Citizen.objects.select_related("household").get(national_id=KNOWN_CITIZEN.national_id)
    parcel = LandParcel.objects.get(household_code=head.household.code)
    assert parcel.owner_national_id == head.national_id and parcel.ward_code == head.household.ward_code
    count = LandParcel.objects.count()
    assert count >= Citizen.objects.filter(relation_to_head="Chủ hộ").count() - 2  # rare clashes skipped
    seed_demo_sandbox([KNOWN_CITIZEN], [], citizens=200, business_count=20)
    assert LandParcel.objects.count() == count


def test_a_parcel_by_identifier(world, call):
    parcel = LandParcel.objects.order_by("parcel_id").first()
    answer = call(LAND + parcel.parcel_id)
    assert answer.status_code == 200 and answer["X-Congso-Sandbox"] == "simulator"
    body = answer.json()
    assert body["errorCode"] == 0 and body["simulator"] is True
    data = body["data"]
    assert data["MaThuaDat"] == parcel.parcel_id
    assert data["NguoiSuDung"] == [{"HoVaTen": parcel.owner_name, "SoDinhDanh": parcel.owner_national_id}]
    assert data["MucDichSuDung"]["Ma"] in {"ODT", "ONT", "CLN"}
    assert data["GiayChungNhan"]["NgayCap"] == parcel.certificate_issued_on.strftime("%Y%m%d")


def test_malformed_unknown_and_unauthenticated(world, call):
    assert call(LAND + "abc").json()["errorCode"] == 302
    missing = call(LAND + "99999-1-1")
    assert missing.status_code == 404 and missing.json()["errorCode"] == 201
    assert call(LAND + "99999-1-1", token=None).status_code == 401


def test_the_land_registry_is_a_national_service_with_its_document(world, client):
    land = [s for s in national_services() if s.code == "dat-dai"][0]
    assert land.base_path == "/sandbox/dat-dai"
    assert "/api/v1/thua-dat/{MaThuaDat}" in land.openapi["paths"]
    assert client.get("/sandbox/dat-dai/openapi.json").json()["info"]["x-congso-sandbox"] is True
