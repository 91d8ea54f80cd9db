"""The identity block's outbox subscribers (discovered at start-up by ``core``).

- ``identity.oidc_backchannel_logout``: POST an OpenID Connect logout token to a client's back-channel
  logout URI. At least once: a client may receive the same logout twice and must accept it.
"""

from congso.core.events import subscriber

from .oidc import services as oidc_services


@subscriber(oidc_services.BACKCHANNEL_LOGOUT, name="identity.oidc_backchannel_logout")
def backchannel_logout(event) -> None:
    oidc_services.send_backchannel_logout(event.payload)
