"""The LGSP's stable interface: everything other blocks and the gateway process call.

- registry (``registry``): ``register_member``, ``member_for_agency``, ``register_system``,
  ``set_system_status``, ``register_service``, ``register_service_version``, ``publish_version``,
  ``set_endpoint_enabled``, ``set_upstream``, ``create_group``, ``set_group_systems``, ``search_services``;
- access rights (``access``): ``grant_access``, ``revoke_access``, ``is_allowed``, ``rights_of``;
- credentials and tokens (``credentials``): ``create_credential``, ``rotate_credential``,
  ``set_credential_active``, ``issue_token`` (→ ``TokenError``), ``verify_token``, ``jwks``,
  ``rotate_signing_key``;
- what the gateway loads and fills (``snapshot``): ``registry_snapshot``, ``registry_stamp``,
  ``record_exchanges``, ``connected_share``;
- traffic from the message log (``traffic``): ``traffic(since, until, by="service" | "client")`` →
  ``Traffic`` (requests, errors by status class, p50/p95/p99, last success), ``traffic_series`` (per
  hour or day);
- upstream health (``health``): ``probe``, ``check_services`` (the periodic job), ``health_by_service``;
- personal data (``data_use``): ``data_uses_of(national_id)`` — who read a citizen's data through the LGSP.

Every change runs in one transaction with its audit line (``core.audit``) and the event
``lgsp.registry_changed`` (``core.events``), on which the gateway reloads its snapshot.
"""

from .access import grant_access, is_allowed, revoke_access, rights_of
from .common import REGISTRY_CHANGED, RegistryError
from .credentials import (
    IssuedCredential,
    IssuedToken,
    TokenError,
    create_credential,
    ensure_signing_keys,
    issue_token,
    jwks,
    rotate_credential,
    rotate_signing_key,
    set_credential_active,
    verify_token,
)
from .data_use import data_uses_of
from .health import Probe, check_services, health_by_service, probe
from .registry import (
    create_group,
    member_for_agency,
    publish_version,
    register_member,
    register_service,
    register_service_version,
    register_system,
    search_services,
    set_endpoint_enabled,
    set_group_systems,
    set_system_status,
    set_upstream,
)
from .snapshot import ConnectedShare, connected_share, record_exchanges, registry_snapshot, registry_stamp
from .traffic import Traffic, TrafficPoint, traffic, traffic_series

__all__ = [
    "REGISTRY_CHANGED",
    "ConnectedShare",
    "IssuedCredential",
    "IssuedToken",
    "Probe",
    "RegistryError",
    "TokenError",
    "Traffic",
    "TrafficPoint",
    "connected_share",
    "create_credential",
    "check_services",
    "create_group",
    "data_uses_of",
    "ensure_signing_keys",
    "grant_access",
    "health_by_service",
    "is_allowed",
    "issue_token",
    "jwks",
    "member_for_agency",
    "probe",
    "publish_version",
    "record_exchanges",
    "register_member",
    "register_service",
    "register_service_version",
    "register_system",
    "registry_snapshot",
    "registry_stamp",
    "revoke_access",
    "rights_of",
    "rotate_credential",
    "rotate_signing_key",
    "search_services",
    "set_credential_active",
    "set_endpoint_enabled",
    "set_group_systems",
    "set_system_status",
    "set_upstream",
    "traffic",
    "traffic_series",
    "verify_token",
]
