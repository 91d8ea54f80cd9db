"""The gateway's Prometheus metrics (prometheus-client), served at ``/metrics``."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry()

REQUESTS = Counter(
    "lgsp_gateway_requests",
    "Requests handled, by service, client system, status and who failed",
    ["service", "client", "status", "source"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "lgsp_gateway_request_seconds",
    "Time from the request's arrival to the durable end of its answer",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
LOG_BATCH = Histogram(
    "lgsp_gateway_log_batch_records",
    "Records written per group commit of the message log",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
    registry=REGISTRY,
)
SNAPSHOT_LOADED = Gauge(
    "lgsp_gateway_snapshot_loaded_timestamp_seconds",
    "When the registry snapshot in memory was loaded",
    registry=REGISTRY,
)


def exposition() -> bytes:
    return generate_latest(REGISTRY)
