"""The admin site's entry rule and its default-deny below the platform (``agencies.admin_site``).

Every administrator here is staff and holds every model permission, so that only congso's rules
(``agencies.permissions``) can be what turns them away."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from congso.agencies import demo, services
from congso.agencies.models import Role

pytestmark = pytest.mark.django_db

# The pages an agency administrator may reach; every other registered page is platform-only.
# The LGSP's registry and publish/subscribe pages are scoped to the systems of the administered
# agencies (lgsp.permissions).
LGSP_SCOPED = {
    "lgsp.member",
    "lgsp.system",
    "lgsp.service",
    "lgsp.accessright",
    "lgsp.consumercredential",
    "lgsp.eventright",
    "lgsp.subscription",
    "lgsp.delivery",
}
AGENCY_SCOPED = {"agencies.agency", "agencies.staffmembership", "identity.user"} | LGSP_SCOPED
SUPERUSER_ONLY = {"auth.group"}


@pytest.fixture
def agencies(db):
    return demo.seed_demo_agencies()


@pytest.fixture
def staff_client(client, official, agencies):
    """Log in a staff account with every model permission and, optionally, a membership."""
    group = Group.objects.create(name="every model permission")
    group.permissions.set(Permission.objects.all())

    def make(role=None, agency_key="justice"):
        user = official(f"staff.{role or 'none'}", is_staff=True)
        user.groups.add(group)
        if role:
            services.add_membership(user, agencies[agency_key], role)
        client.force_login(user)
        client.user = user
        return client

    return make


def _changelists():
    for model in admin.site._registry:
        yield (
            model._meta.label_lower,
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        )


def test_every_page_is_platform_only_unless_declared_agency_scoped():
    scoped = {
        m._meta.label_lower for m, a in admin.site._registry.items() if getattr(a, "agency_scoped", False)
    }
    assert scoped == AGENCY_SCOPED


@pytest.mark.parametrize("role", [None, Role.SPECIALIST, Role.LEADER, Role.ONE_STOP_OFFICER, Role.CLERK])
def test_staff_without_an_administrative_role_does_not_enter(staff_client, role):
    client = staff_client(role)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert client.get(reverse("admin:identity_user_changelist")).status_code == 302


def test_agency_admin_reaches_only_the_agency_scoped_pages(staff_client):
    client = staff_client(Role.AGENCY_ADMIN)
    reached = {label for label, url in _changelists() if client.get(url).status_code == 200}
    assert reached == AGENCY_SCOPED
    index = client.get(reverse("admin:index"))
    listed = {m["object_name"].lower() for app in index.context["app_list"] for m in app["models"]}
    assert listed == {"agency", "staffmembership", "user"} | {label.split(".")[1] for label in LGSP_SCOPED}


def test_platform_admin_reaches_every_page_but_the_superusers(staff_client):
    client = staff_client(Role.PLATFORM_ADMIN, "science_technology")
    refused = {label for label, url in _changelists() if client.get(url).status_code != 200}
    assert refused == SUPERUSER_ONLY


def test_superuser_reaches_every_page(client, official):
    client.force_login(official("root", is_staff=True, is_superuser=True))
    assert all(client.get(url).status_code == 200 for _label, url in _changelists())


def test_an_ended_agency_admin_role_no_longer_opens_the_admin(staff_client):
    client = staff_client(Role.AGENCY_ADMIN)
    assert client.get(reverse("admin:index")).status_code == 200
    (membership,) = services.memberships_for(client.user)
    services.end_membership(membership)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize(
    "name",
    ["admin:workflow_processdefinition_upload", "admin:catalog_procedure_import"],
)
def test_an_agency_admin_cannot_reach_the_platforms_own_admin_views(staff_client, name):
    client = staff_client(Role.AGENCY_ADMIN)
    assert client.get(reverse(name)).status_code == 403
