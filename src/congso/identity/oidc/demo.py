"""The demo's OpenID Connect client: a third-party, public client (PKCE, no secret) whose redirect URI
is the OpenID Connect debugger (https://oidcdebugger.com/debug), so that a demo visitor can try the
provider, its consent page and its claims from a browser. Idempotent."""

from oauth2_provider.models import get_application_model

from . import services

DEMO_CLIENT_ID = "congso-demo-debugger"
DEMO_REDIRECT_URI = "https://oidcdebugger.com/debug"


def seed_demo_oidc(owner_agency):
    """Register the demo client once, owned by ``owner_agency``; return it."""
    existing = get_application_model().objects.filter(client_id=DEMO_CLIENT_ID).first()
    if existing is not None:
        return existing
    return services.register_client(
        name="Ứng dụng thử nghiệm OpenID Connect (demo)",
        redirect_uris=[DEMO_REDIRECT_URI],
        post_logout_redirect_uris=[DEMO_REDIRECT_URI],
        client_type=get_application_model().CLIENT_PUBLIC,
        client_id=DEMO_CLIENT_ID,
        owner_agency=owner_agency,
        system_code="oidc-demo",
    )
