"""The LGSP's stable interface: everything other blocks and the gateway process call.

- registry (``registry``): ``register_member``, ``member_for_agency``, ``register_system``,
  ``set_system_status``, ``register_service``, ``register_service_version``, ``publish_version``,
  ``set_endpoint_enabled``, ``set_upstream``, ``create_group``, ``set_group_systems``, ``search_services``;
- access rights (``access``): ``grant_access``, ``revoke_access``, ``is_allowed``, ``rights_of``;
- who is calling (``consumers``): ``find_system``, ``may_call``;
- credentials and tokens (``credentials``): ``create_credential``, ``rotate_credential``,
  ``set_credential_active``, ``issue_token`` (→ ``TokenError``), ``verify_token``, ``jwks``,
  ``rotate_signing_key``;
- what the gateway loads and fills (``snapshot``): ``registry_snapshot``, ``registry_stamp``,
  ``record_exchanges``, ``connected_share``;
- traffic from the message log (``traffic``): ``traffic(since, until, by="service" | "client")`` →
  ``Traffic`` (requests, errors, p50/p95/p99, last success);
- personal data (``data_use``): ``data_uses_of(national_id)`` — who read a citizen's data through the LGSP;
- publish / subscribe (``pubsub``, ``webhooks``): ``register_event_type``, ``ensure_domain_event_types``,
  ``validate_payload``, ``grant_events``, ``revoke_events``, ``may_receive``, ``subscribe``,
  ``set_subscription_state``, ``subscription_secret``, ``publish_event``, ``fetch``, ``acknowledge``,
  ``replay``.
  ``Traffic`` (requests, errors by status class, p50/p95/p99, last success), ``traffic_series`` (per
  hour or day);
- upstream health (``health``): ``probe``, ``check_services`` (the periodic job), ``health_by_service``;
- personal data (``data_use``): ``data_uses_of(national_id)`` — who read a citizen's data through the LGSP;
  ``systems_by_identifier(identifiers)`` names the systems that did.

Every change runs in one transaction with its audit line (``core.audit``) and the event
``lgsp.registry_changed`` (``core.events``), on which the gateway reloads its snapshot.
"""

from .access import grant_access, is_allowed, revoke_access, rights_of
from .common import REGISTRY_CHANGED, RegistryError
from .consumers import find_system, may_call
from .credentials import (
    IssuedCredential,
    IssuedToken,
    TokenError,
    create_credential,
    ensure_signing_keys,
    has_secret,
    issue_token,
    jwks,
    rotate_credential,
    rotate_signing_key,
    set_credential_active,
    verify_token,
)
from .data_use import data_uses_of, systems_by_identifier
from .health import Probe, check_services, health_by_service, probe
from .pubsub import (
    CreatedSubscription,
    acknowledge,
    ensure_domain_event_types,
    fetch,
    grant_events,
    may_receive,
    publish_event,
    register_event_type,
    revoke_events,
    set_subscription_state,
    subscribe,
    subscription_secret,
    validate_payload,
)
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
from .webhooks import replay

__all__ = [
    "find_system",
    "may_call",
    "ConnectedShare",
    "CreatedSubscription",
    "IssuedCredential",
    "IssuedToken",
    "Probe",
    "REGISTRY_CHANGED",
    "RegistryError",
    "TokenError",
    "Traffic",
    "TrafficPoint",
    "acknowledge",
    "check_services",
    "connected_share",
    "create_credential",
    "has_secret",
    "create_group",
    "data_uses_of",
    "ensure_domain_event_types",
    "ensure_signing_keys",
    "fetch",
    "grant_access",
    "grant_events",
    "health_by_service",
    "is_allowed",
    "issue_token",
    "jwks",
    "may_receive",
    "member_for_agency",
    "probe",
    "publish_event",
    "publish_version",
    "record_exchanges",
    "register_event_type",
    "register_member",
    "register_service",
    "register_service_version",
    "register_system",
    "registry_snapshot",
    "registry_stamp",
    "replay",
    "revoke_access",
    "revoke_events",
    "rights_of",
    "rotate_credential",
    "rotate_signing_key",
    "search_services",
    "set_credential_active",
    "set_endpoint_enabled",
    "set_group_systems",
    "set_subscription_state",
    "set_system_status",
    "set_upstream",
    "subscribe",
    "systems_by_identifier",
    "subscription_secret",
    "traffic",
    "traffic_series",
    "validate_payload",
    "verify_token",
]
