"""The LGSP control plane (nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh): who is connected and who may
call what.

It owns the X-Road-shaped registry — members (agencies by their electronic identifier code, outside
organisations), their systems (subsystems), the services each system offers with their versioned
OpenAPI documents and endpoints, groups of systems, access rights (deny by default), the OAuth 2.0
client credentials of consumer systems, the Ed25519 keys that sign access tokens — and the daily
exchange counts (``ExchangeDay``) from which the plan's "60% of systems connected" share is computed.

Its public interface is ``lgsp.services``: registration, grants, credentials, ``issue_token``,
``jwks``, ``is_allowed`` and ``registry_snapshot`` (the compiled, JSON-serialisable view the gateway
loads). ``lgsp.rules`` holds the access rule and path matching as pure functions over that snapshot, so
the control plane and the gateway decide with the same code. Every change is audited and publishes
``lgsp.registry_changed`` in the same transaction.

``lgsp.monitoring`` holds the workspace's monitoring pages (traffic from the message log, upstream health
from ``services.health`` and its periodic job).

It must not: forward traffic, keep the message log or run pub/sub (the gateway process does, on top
of these services); store a client secret or a private key in clear; import any block above
``identity`` except the workspace shell for its own catalogue pages (``views``, ``workspace_entries``).
"""
