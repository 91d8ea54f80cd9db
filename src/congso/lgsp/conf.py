"""Settings of the LGSP block, each read with its default so the block works with no configuration.

Read through these functions (not at import time) so tests and ``override_settings`` take effect.

- ``CONGSO_LGSP_KEY_SECRET`` — the secret from which the key that encrypts the token-signing private keys
  is derived (HKDF-SHA256); default: ``SECRET_KEY``. Changing it makes the stored private keys
  unreadable: rotate the signing key afterwards.
- ``CONGSO_LGSP_ISSUER`` — the tokens' ``iss``; default ``CONGSO_PUBLIC_BASE_URL`` + ``/lgsp``, or
  ``congso-lgsp`` without a public address.
- ``CONGSO_LGSP_AUDIENCE`` — the tokens' ``aud``, what the gateway expects; default ``congso-lgsp-gateway``.
- ``CONGSO_LGSP_TOKEN_SECONDS`` — lifetime of an access token; default ``300``.
- ``CONGSO_LGSP_KEY_OVERLAP_SECONDS`` — how long a retired signing key stays in the JWKS; must exceed the
  token lifetime; default ``3600``.
- ``CONGSO_LGSP_TOKEN_RATE_LIMIT`` / ``CONGSO_LGSP_TOKEN_RATE_WINDOW_SECONDS`` — token requests allowed per
  client address and per client id in the window; default ``60`` per ``60`` s.
- ``CONGSO_LGSP_CLIENT_CERT_HEADER`` — the request header (Django ``META`` name, e.g.
  ``HTTP_X_SSL_CLIENT_SHA256``) in which the TLS terminator passes the SHA-256 fingerprint of the
  client certificate it verified; unset by default (mutual TLS off). The terminator must strip it from
  client requests.
- ``CONGSO_LGSP_CONNECTED_TARGET`` — the plan's share of connected systems; default ``0.6``.
- ``CONGSO_LGSP_WEBHOOK_TIMEOUT_SECONDS`` — how long a webhook receiver may take to answer; default ``10``.
- ``CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS`` — attempts before a push delivery goes to the dead-letter list;
  default ``12`` (with the default backoff, about 5 hours of trying).
- ``CONGSO_LGSP_WEBHOOK_BACKOFF_SECONDS`` / ``CONGSO_LGSP_WEBHOOK_BACKOFF_MAX_SECONDS`` — the wait after the
  n-th failure is base × 2^(n−1), capped; defaults ``10`` and ``3600``.
- ``CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK`` — whether a webhook may be delivered to this machine itself
  (loopback); on outside production only (``destinations.py`` says what else is refused).
- ``CONGSO_LGSP_WEBHOOK_STALE_SECONDS`` — a due push delivery whose task was lost (a worker killed
  mid-delivery) is enqueued again after this long; default ``120``.
- ``CONGSO_LGSP_PULL_BATCH`` — the most events one pull returns; default ``100``.
- ``CONGSO_LGSP_EVENT_RETENTION_DAYS`` — published events whose deliveries are all done are deleted after
  this many days (pending and dead ones are kept until delivered or replayed); default ``30``.

The gateway and its message log:

- ``CONGSO_LGSP_GATEWAY_RELOAD_SECONDS`` — how often the gateway polls the registry's change stamp and
  reloads its snapshot when it moved (a change is enforced within this time plus the load); default
  ``1``. It reloads every 60 s regardless (retired keys leaving the JWKS).
- ``CONGSO_LGSP_MAX_BODY_BYTES`` — the largest request body the gateway forwards (413 above); default
  10 MiB.
- ``CONGSO_LGSP_REPLAY_WINDOW_SECONDS`` — how long the gateway remembers message ids in memory to refuse
  a replay before forwarding; default 86400 (older ids are still refused by the log's unique index,
  but only once the provider has answered, and the answer is then withheld).
- ``CONGSO_LGSP_CHECKPOINT_SECONDS`` — how often the worker seals the log with a signed checkpoint;
  default 300.
- ``CONGSO_LGSP_LOG_RETENTION_DAYS`` — records older than this and sealed are archived and removed;
  default 365, 0 keeps everything. ``CONGSO_LGSP_LOG_ARCHIVE_DIR`` — where they are archived (JSON lines);
  unset: removed without an archive.
"""

from django.conf import settings


def key_secret() -> str:
    return getattr(settings, "CONGSO_LGSP_KEY_SECRET", "") or settings.SECRET_KEY


def issuer() -> str:
    configured = getattr(settings, "CONGSO_LGSP_ISSUER", "")
    if configured:
        return configured
    base = getattr(settings, "CONGSO_PUBLIC_BASE_URL", "").rstrip("/")
    return f"{base}/lgsp" if base else "congso-lgsp"


def audience() -> str:
    return getattr(settings, "CONGSO_LGSP_AUDIENCE", "") or "congso-lgsp-gateway"


def token_seconds() -> int:
    return int(getattr(settings, "CONGSO_LGSP_TOKEN_SECONDS", 300))


def key_overlap_seconds() -> int:
    return max(int(getattr(settings, "CONGSO_LGSP_KEY_OVERLAP_SECONDS", 3600)), token_seconds() + 60)


def token_rate_limit() -> tuple[int, int]:
    return (
        int(getattr(settings, "CONGSO_LGSP_TOKEN_RATE_LIMIT", 60)),
        int(getattr(settings, "CONGSO_LGSP_TOKEN_RATE_WINDOW_SECONDS", 60)),
    )


def client_cert_header() -> str:
    return getattr(settings, "CONGSO_LGSP_CLIENT_CERT_HEADER", "")


def connected_target() -> float:
    return float(getattr(settings, "CONGSO_LGSP_CONNECTED_TARGET", 0.6))


def gateway_reload_seconds() -> float:
    return float(getattr(settings, "CONGSO_LGSP_GATEWAY_RELOAD_SECONDS", 1.0))


def max_body_bytes() -> int:
    return int(getattr(settings, "CONGSO_LGSP_MAX_BODY_BYTES", 10 * 1024 * 1024))


def replay_window_seconds() -> int:
    return int(getattr(settings, "CONGSO_LGSP_REPLAY_WINDOW_SECONDS", 86400))


def webhook_timeout() -> float:
    return float(getattr(settings, "CONGSO_LGSP_WEBHOOK_TIMEOUT_SECONDS", 10))


def webhook_max_attempts() -> int:
    return int(getattr(settings, "CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS", 12))


def webhook_backoff() -> tuple[float, float]:
    return (
        float(getattr(settings, "CONGSO_LGSP_WEBHOOK_BACKOFF_SECONDS", 10)),
        float(getattr(settings, "CONGSO_LGSP_WEBHOOK_BACKOFF_MAX_SECONDS", 3600)),
    )


def webhook_stale_seconds() -> float:
    return float(getattr(settings, "CONGSO_LGSP_WEBHOOK_STALE_SECONDS", 120))


def pull_batch() -> int:
    return int(getattr(settings, "CONGSO_LGSP_PULL_BATCH", 100))


def event_retention_days() -> int:
    return int(getattr(settings, "CONGSO_LGSP_EVENT_RETENTION_DAYS", 30))
