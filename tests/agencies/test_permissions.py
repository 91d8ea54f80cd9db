"""Who administers what (``agencies.permissions.admin_scope``): the one rule every admin page uses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from congso.agencies import demo, services
from congso.agencies.models import Role
from congso.agencies.permissions import NO_SCOPE, OFFICER_ROLES, admin_scope, may_enter_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(db):
    return demo.seed_demo_agencies()


def test_superuser_administers_everything_and_grants_every_role(official):
    scope = admin_scope(official("root", is_staff=True, is_superuser=True))
    assert scope.is_superuser and scope.agency_ids is None
    assert scope.grantable_roles == set(Role.values)


def test_platform_admin_administers_every_agency_but_cannot_grant_the_platform_role(official, agencies):
    person = official("nentang", is_staff=True)
    services.add_membership(person, agencies["science_technology"], Role.PLATFORM_ADMIN)
    scope = admin_scope(person)
    assert scope.is_platform and scope.covers(agencies["commune"])
    assert scope.grantable_roles == set(Role.values) - {Role.PLATFORM_ADMIN}


def test_agency_admin_administers_their_agency_and_those_below_it(official, agencies):
    person = official("stp", is_staff=True)
    services.add_membership(person, agencies["justice"], Role.AGENCY_ADMIN)
    scope = admin_scope(person)
    assert not scope.is_platform
    assert scope.covers(agencies["justice"]) and scope.covers(agencies["justice_admin_division"])
    assert not scope.covers(agencies["province"]) and not scope.covers(agencies["commune"])
    assert scope.grantable_roles == OFFICER_ROLES
    assert scope.may_grant(Role.LEADER, agencies["justice_admin_division"])
    assert not scope.may_grant(Role.AGENCY_ADMIN, agencies["justice"])


def test_officer_roles_and_ended_admin_roles_administer_nothing(official, agencies):
    officer = official("chuyenvien", is_staff=True)
    services.add_membership(officer, agencies["justice"], Role.LEADER)
    former = official("cu", is_staff=True)
    yesterday = timezone.localdate() - timedelta(days=1)
    services.add_membership(
        former, agencies["justice"], Role.AGENCY_ADMIN, valid_from=yesterday - timedelta(days=30)
    )
    services.end_membership(services.memberships_for(former)[0])
    for person in (officer, former):
        assert admin_scope(person) == NO_SCOPE
        assert not may_enter_admin(person)


def test_entering_the_admin_needs_the_staff_flag_too(official, agencies):
    person = official("khongstaff")
    services.add_membership(person, agencies["justice"], Role.AGENCY_ADMIN)
    assert admin_scope(person).is_admin and not may_enter_admin(person)


def test_the_scope_is_computed_once_per_request_and_follows_a_change_made_in_it(
    official, agencies, django_assert_num_queries, monkeypatch
):
    from congso.agencies import permissions
    from congso.core import request_cache

    computed = []
    compute = permissions._admin_scope
    monkeypatch.setattr(permissions, "_admin_scope", lambda user: computed.append(user) or compute(user))
    person = official("hanhchinh", is_staff=True)
    services.add_membership(person, agencies["justice"], Role.LEADER)
    with request_cache.bound():
        services.memberships_for(person)  # the workspace gate reads them first on every page
        # The navigation asks again and again; an officer who administers nothing costs no query.
        with django_assert_num_queries(0):
            for _ in range(5):
                assert admin_scope(person) == NO_SCOPE
        assert len(computed) == 1
        services.add_membership(person, agencies["justice"], Role.AGENCY_ADMIN)
        scope = admin_scope(person)
        assert scope.covers(agencies["justice"]) and scope.covers(agencies["justice_admin_division"])
        granted = next(m for m in services.memberships_for(person) if m.role == Role.AGENCY_ADMIN)
        services.end_membership(granted)
        assert admin_scope(person) == NO_SCOPE
