"""The LGSP in the admin: agency administrators see only their agencies' systems; admin changes are
audited and announced; rights are revoked by an action, never edited."""

import pytest
from django.contrib.auth.models import Permission

from congso.core.models import AuditEntry, OutboxEvent
from congso.lgsp import services
from congso.lgsp.models import AccessRight, SigningKey


def _admin_client(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="lgsp"))
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("kind", "sees_provider"), [("platform_admin", True), ("owner_admin", True), ("other_admin", False)]
)
def test_system_list_is_scoped(kind, sees_provider, person, registry, client):
    page = _admin_client(client, person(kind)).get("/quan-tri/lgsp/system/")
    assert page.status_code == 200
    assert ("MOTCUA" in page.content.decode()) is sees_provider
    change = client.get(f"/quan-tri/lgsp/system/{registry['provider'].pk}/change/")
    assert change.status_code == (200 if sees_provider else 302)  # out of scope: "does not exist" redirect


def test_admin_change_is_audited_and_announced(person, registry, client):
    _admin_client(client, person("owner_admin"))
    system = registry["provider"]
    response = client.post(
        f"/quan-tri/lgsp/system/{system.pk}/change/",
        {
            "name": "Một cửa điện tử (mới)",
            "description": "",
            "serves_public": "on",
            "status": "suspended",
            "rate_limit_per_minute": 120,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    system.refresh_from_db()
    assert (system.status, system.rate_limit_per_minute) == ("suspended", 120)
    assert AuditEntry.objects.filter(action="lgsp.system.admin_change", object_id=str(system.pk)).exists()
    assert OutboxEvent.objects.filter(payload__action="lgsp.system.admin_change").exists()


def test_rights_are_revoked_by_action(person, registry, client):
    right = services.grant_access(registry["service"], system=registry["consumer"])
    _admin_client(client, person("platform_admin"))
    response = client.post(
        "/quan-tri/lgsp/accessright/", {"action": "revoke_rights", "_selected_action": [right.pk]}
    )
    assert response.status_code == 302
    assert AccessRight.objects.get().revoked_at is not None
    assert client.get(f"/quan-tri/lgsp/accessright/{right.pk}/delete/").status_code == 403


def test_signing_keys_are_platform_only_and_rotate_by_action(person, registry, client):
    services.ensure_signing_keys()
    _admin_client(client, person("owner_admin"))
    assert client.get("/quan-tri/lgsp/signingkey/").status_code == 403
    client.logout()
    _admin_client(client, person("platform_admin"))
    before = SigningKey.objects.get(state="active")
    client.post("/quan-tri/lgsp/signingkey/", {"action": "rotate_key", "_selected_action": [before.pk]})
    before.refresh_from_db()
    assert before.state == "retired"
    assert AuditEntry.objects.filter(action="lgsp.signing_key.rotate").exists()
