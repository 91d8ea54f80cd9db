"""Businesses, mandates and parents of minors, checked against the national registers (the sandbox
simulators over real HTTP); ``identity.services.may_act_for`` as the one rule."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.identity import services as identity_services
from congso.identity.mandates import services
from congso.identity.mandates.models import Business, Mandate
from congso.sandbox.models import Business as RegistryBusiness
from tests.support.mandates import ADULT_CHILD_ID, CHILD_ID, TAX_CODE

pytestmark = pytest.mark.usefixtures("registers")

PROCEDURE = "1.001612"
OTHER_PROCEDURE = "2.000815"


def test_the_legal_representative_registers_the_business(representative):
    business = services.register_business(representative, TAX_CODE)
    assert (business.tax_code, business.name, business.is_active) == (TAX_CODE, "Công ty TNHH Bình An", True)
    assert services.is_legal_representative(representative, business)
    assert services.businesses_represented_by(representative) == [business]
    assert AuditEntry.objects.filter(action="identity.business.register", actor=representative).exists()
    # The legal representative acts for the business in every procedure, without a mandate.
    assert identity_services.may_act_for(representative, TAX_CODE, PROCEDURE)


def test_someone_else_cannot_register_the_business(agent):
    with pytest.raises(ValidationError) as refused:
        services.register_business(agent, TAX_CODE)
    assert "không phải người đại diện theo pháp luật" in refused.value.messages[0]
    assert not Business.objects.exists()


def test_an_unknown_or_malformed_tax_code_is_refused(representative):
    with pytest.raises(ValidationError, match="Không tìm thấy doanh nghiệp"):
        services.register_business(representative, "3799999999")
    with pytest.raises(ValidationError, match="10 chữ số"):
        services.register_business(representative, "37/../x")
    assert not Business.objects.exists()


def test_an_unreachable_registry_changes_nothing(representative, settings):
    settings.CONGSO_BUSINESS_REGISTRY_URL = "http://127.0.0.1:8129/nobody"
    with pytest.raises(ValidationError, match="Chưa kết nối được"):
        services.register_business(representative, TAX_CODE)
    assert not Business.objects.exists()


@pytest.fixture
def business(representative):
    return services.register_business(representative, TAX_CODE)


def test_a_mandate_for_listed_procedures_in_its_period(business, representative, agent):
    today = timezone.localdate()
    assert not identity_services.may_act_for(agent, TAX_CODE, PROCEDURE)
    mandate = services.grant_mandate(
        business,
        by=representative,
        agent_national_id=agent.national_id,
        procedure_codes=[PROCEDURE],
        valid_until=today + timedelta(days=30),
    )
    assert identity_services.may_act_for(agent, TAX_CODE, PROCEDURE)
    assert identity_services.may_act_for(agent, business, PROCEDURE)
    assert not identity_services.may_act_for(agent, TAX_CODE, OTHER_PROCEDURE)
    assert not identity_services.may_act_for(agent, TAX_CODE, PROCEDURE, on=today + timedelta(days=31))
    entry = AuditEntry.objects.get(action="identity.mandate.grant")
    assert entry.actor == representative and entry.changes["agent"] == agent.pk
    assert services.businesses_mandating(agent) == [business]
    assert mandate.valid_from == today


def test_a_revoked_mandate_is_refused_at_once(business, representative, agent):
    mandate = services.grant_mandate(business, by=representative, agent_national_id=agent.national_id)
    assert identity_services.may_act_for(agent, TAX_CODE, OTHER_PROCEDURE)  # empty list: every procedure
    services.revoke_mandate(mandate, by=representative)
    assert not identity_services.may_act_for(agent, TAX_CODE, OTHER_PROCEDURE)
    assert AuditEntry.objects.filter(action="identity.mandate.revoke", actor=representative).exists()


def test_only_the_legal_representative_grants_or_revokes(business, representative, agent, make_user):
    stranger = make_user("nguoi.la", national_id="074190005555")
    with pytest.raises(ValidationError, match="Chỉ người đại diện theo pháp luật"):
        services.grant_mandate(business, by=stranger, agent_national_id=agent.national_id)
    mandate = services.grant_mandate(business, by=representative, agent_national_id=agent.national_id)
    with pytest.raises(ValidationError, match="Chỉ người đại diện theo pháp luật"):
        services.revoke_mandate(mandate, by=stranger)
    assert Mandate.objects.in_force().count() == 1
    # The agent may give the mandate up.
    services.revoke_mandate(mandate, by=agent)
    assert not Mandate.objects.in_force().exists()


def test_grant_needs_an_existing_account_and_a_sensible_period(business, representative):
    with pytest.raises(ValidationError, match="Chưa có tài khoản"):
        services.grant_mandate(business, by=representative, agent_national_id="074190009999")
    with pytest.raises(ValidationError, match="12 chữ số"):
        services.grant_mandate(business, by=representative, agent_national_id="123")
    with pytest.raises(ValidationError, match="không cần tự ủy quyền"):
        services.grant_mandate(business, by=representative, agent_national_id=representative.national_id)
    assert not Mandate.objects.exists()


def test_a_representative_replaced_in_the_registry_loses_the_business(business, representative, agent):
    """The registry is asked again when a mandate is granted: a replaced representative grants nothing
    and no longer acts for the business."""
    RegistryBusiness.objects.filter(tax_code=TAX_CODE).update(representative_national_id="074190007777")
    with pytest.raises(ValidationError, match="Chỉ người đại diện theo pháp luật"):
        services.grant_mandate(business, by=representative, agent_national_id=agent.national_id)
    assert not identity_services.may_act_for(representative, TAX_CODE, PROCEDURE)


def test_nobody_acts_for_a_dissolved_business(business, representative, agent):
    mandate = services.grant_mandate(business, by=representative, agent_national_id=agent.national_id)
    RegistryBusiness.objects.filter(tax_code=TAX_CODE).update(status="dissolved")
    with pytest.raises(ValidationError, match="không ở trạng thái đang hoạt động"):
        services.grant_mandate(business, by=representative, agent_national_id=agent.national_id)
    assert not identity_services.may_act_for(agent, TAX_CODE, PROCEDURE)
    assert not identity_services.may_act_for(representative, TAX_CODE, PROCEDURE)
    assert mandate.revoked_at is None


def test_a_parent_acts_for_a_minor_child_until_they_come_of_age(parent):
    assert not identity_services.may_act_for(parent, CHILD_ID, PROCEDURE)
    guardianship = services.add_child(parent, CHILD_ID)
    assert guardianship.ward_name == "Nguyễn Minh Khang"
    assert services.add_child(parent, CHILD_ID) == guardianship  # once
    assert identity_services.may_act_for(parent, CHILD_ID, PROCEDURE)
    assert not identity_services.may_act_for(parent, CHILD_ID, PROCEDURE, on=date(2032, 6, 1))
    assert AuditEntry.objects.filter(action="identity.guardianship.add", actor=parent).exists()


def test_an_adult_child_or_someone_elses_child_is_refused(parent, agent):
    with pytest.raises(ValidationError, match="đã đủ 18 tuổi"):
        services.add_child(parent, ADULT_CHILD_ID)
    with pytest.raises(ValidationError, match="không phải con trong hộ gia đình"):
        services.add_child(agent, CHILD_ID)
    assert not identity_services.may_act_for(agent, CHILD_ID, PROCEDURE)


def test_oneself_always_and_nobody_signed_out(parent):
    from django.contrib.auth.models import AnonymousUser

    assert identity_services.may_act_for(parent, parent, PROCEDURE)
    assert identity_services.may_act_for(parent, parent.national_id, PROCEDURE)
    assert not identity_services.may_act_for(AnonymousUser(), parent.national_id, PROCEDURE)
    assert not identity_services.may_act_for(parent, "not an identifier", PROCEDURE)
