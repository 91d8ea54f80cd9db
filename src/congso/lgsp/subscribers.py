"""The LGSP's outbox subscriber and periodic job (discovered at start-up by ``core``).

- ``lgsp.publish``: each congso domain event that is an LGSP event type (``pubsub.catalogue``) becomes
  a published event with one delivery per subscription allowed to receive it. At least once: the
  outbox may hand the same event over again, and ``publish_event`` publishes it once per source.
- ``lgsp.oidc_client``: each OpenID Connect client the platform administrator registers in ``identity``
  appears in the registry as a system (once: a client already listed is left as it is).
- ``lgsp.webhook_sweep``: re-enqueue push deliveries whose task was lost (a worker killed mid-delivery);
- ``lgsp.event_purge``: delete published events past their retention whose deliveries are all done.
"""

from congso.core.events import subscriber
from congso.core.scheduling import periodic

from .pubsub.catalogue import DOMAIN_EVENT_TYPES
from .services import pubsub, registry, webhooks


@subscriber(*sorted(DOMAIN_EVENT_TYPES), name="lgsp.publish")
def publish_domain_event(event) -> None:
    pubsub.publish_domain_event(event)


@subscriber("identity.oidc_client_registered", name="lgsp.oidc_client")
def register_oidc_client(event) -> None:
    registry.register_oidc_client(event.payload["application_id"])


@periodic("lgsp.webhook_sweep", every=15)
def webhook_sweep() -> None:
    webhooks.requeue_stale()


@periodic("lgsp.event_purge", every=3600)
def event_purge() -> None:
    pubsub.purge_published()
