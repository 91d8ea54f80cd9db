"""Publish / subscribe of the LGSP (issue 8, part 3): event types with JSON Schemas, the rights to
receive them, subscriptions (push by signed webhook or pull by fetch + acknowledge), published events and
their deliveries.

- ``models``: ``EventType``, ``EventRight``, ``Subscription``, ``PublishedEvent``, ``Delivery``;
- ``catalogue``: congso's own domain events as LGSP event types, their schemas and the projection of a
  domain event's payload onto what an agency system may receive;
- ``signing``: the webhook signature (``X-Congso-Signature``), made by the platform and checked by
  receivers — pure functions a receiver may copy.

The stable interface is ``lgsp.services`` (``services.pubsub``, ``services.webhooks``).
"""
