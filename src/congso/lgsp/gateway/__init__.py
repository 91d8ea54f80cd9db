"""The LGSP gateway (data plane): an ASGI application, run by ``congso gateway`` under granian.

- ``asgi`` — the application: routing ``/r1/{member}/{system}/{service}/{path}``, authentication,
  the access rule (``lgsp.rules.allows``), rate limits, replay refusal, forwarding through ``upstream``
  (streamed both ways), problem+json errors, ``/metrics`` and ``/health``;
- ``state`` — the registry snapshot held in memory and its reloader, the rate limiter, the message ids
  already seen;
- ``upstream`` — the HTTP/1.1 client to providers (asyncio streams, h11, keep-alive pool);
- ``logwriter`` — the group commit of message-log records (a response ends only once its record is
  durable);
- ``metrics`` — the Prometheus metrics.

Nothing on the hot path reads the database; the log write is its only database work.
"""
