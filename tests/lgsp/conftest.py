"""Fixtures of the LGSP tests: two agencies (a provider and a consumer), their members and systems, a
published service with a small OpenAPI document, and the people of the permission matrix."""

import copy

import pytest

from congso.agencies.models import AgencyKind
from congso.lgsp import services
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory

OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "Tra cứu hồ sơ", "version": "1.0"},
    "paths": {
        "/ho-so/{ma}": {
            "parameters": [{"name": "ma", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "summary": "Tra cứu một hồ sơ",
                "responses": {
                    "200": {
                        "description": "Hồ sơ",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HoSo"}}},
                    },
                    "404": {"description": "Không có hồ sơ"},
                },
            },
        },
        "/ho-so": {
            "post": {
                "summary": "Nộp hồ sơ",
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HoSo"}}}
                },
                "responses": {"201": {"description": "Đã nhận"}},
            }
        },
    },
    "components": {
        "schemas": {
            "HoSo": {
                "type": "object",
                "required": ["ma"],
                "properties": {
                    "ma": {"type": "string", "description": "Mã hồ sơ"},
                    "trang_thai": {"type": "string", "enum": ["1", "2"]},
                    "lien_quan": {"type": "array", "items": {"$ref": "#/components/schemas/HoSo"}},
                },
            }
        }
    },
}


@pytest.fixture
def openapi_document():
    return copy.deepcopy(OPENAPI)


@pytest.fixture
def agencies(db):
    province = AgencyFactory(code="000.00.00.H08", name="UBND tỉnh", kind=AgencyKind.PEOPLES_COMMITTEE)
    centre = AgencyFactory(
        code="000.00.02.H08", name="Trung tâm PVHCC", kind=AgencyKind.SERVICE_CENTRE, parent=province
    )
    justice = AgencyFactory(
        code="000.00.03.H08", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, parent=province
    )
    return {"province": province, "centre": centre, "justice": justice}


@pytest.fixture
def registry(agencies, openapi_document):
    """The one-stop system of the centre offers a service; the justice department's system consumes."""
    provider_member = services.member_for_agency(agencies["centre"])
    consumer_member = services.member_for_agency(agencies["justice"])
    provider = services.register_system(provider_member, "MOTCUA", "Một cửa điện tử", serves_public=True)
    consumer = services.register_system(consumer_member, "HOTICH", "Phần mềm hộ tịch", serves_public=True)
    service = services.register_service(
        provider,
        "tra-cuu-ho-so",
        "Tra cứu hồ sơ",
        "https://motcua.example/api",
        openapi_document=openapi_document,
    )
    return {"provider": provider, "consumer": consumer, "service": service}


@pytest.fixture
def person(make_user, agencies):
    """``person(kind)`` for the permission matrix: platform_admin, owner_admin (of the provider's agency),
    other_admin (of another agency), officer, citizen, anonymous (None)."""

    def make(kind):
        if kind == "anonymous":
            return None
        if kind == "citizen":
            return make_user(kind="citizen")
        user = make_user(kind="official")
        role, agency = {
            "platform_admin": ("platform_admin", agencies["province"]),
            "owner_admin": ("agency_admin", agencies["centre"]),
            "other_admin": ("agency_admin", agencies["justice"]),
            "officer": ("specialist", agencies["centre"]),
        }[kind]
        StaffMembershipFactory(user=user, agency=agency, role=role)
        return user

    return make


# --- Publish / subscribe ---------------------------------------------------------------------------


def dossier_event_payload(agency_code="000.00.03.H08", **extra) -> dict:
    """What ``dossiers.states.event_payload`` publishes for an accepted dossier (internal ids included,
    as the outbox carries them)."""
    payload = {
        "dossier_id": 41,
        "public_id": "5a0f3c1e-8d2b-4a52-9d43-0c1c2a7f0e11",
        "code": "000.00.03.H08-261203-0001",
        "status": 2,
        "channel": "counter",
        "agency_code": agency_code,
        "current_agency_code": agency_code,
        "procedure_code": "1.001234",
        "from_status": 1,
        "form_code": "01",
        "due_at": "2026-12-08T17:00:00+07:00",
        "process": "quy-trinh-khai-sinh",
    }
    payload.update(extra)
    return payload


@pytest.fixture
def dossier_payload():
    return dossier_event_payload


@pytest.fixture
def pubsub(registry):
    """congso's event types registered; the consumer system (Sở Tư pháp's HOTICH) may receive
    ``dossier.accepted`` of its own agency."""
    types = {t.code: t for t in services.ensure_domain_event_types()}
    accepted = types["dossier.accepted"]
    right = services.grant_events(accepted, system=registry["consumer"])
    return {**registry, "types": types, "accepted": accepted, "right": right}
