"""The toolkit's request validator with congso's rules: exact-match redirect URIs, claims from
``services.claims_for``, and the refusal of tokens to people whose account was deactivated."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from . import services


class CongsoValidator(OAuth2Validator):
    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        # Exactly one of the registered strings: no loopback-port leniency, no added query.
        return redirect_uri in request.client.redirect_uris.split()

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, *args, **kwargs):
        return super().confirm_redirect_uri(client_id, code, redirect_uri, client, *args, **kwargs) and (
            redirect_uri in client.redirect_uris.split()
        )

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        return super().validate_code(client_id, code, client, request, *args, **kwargs) and bool(
            request.user and request.user.is_active
        )

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        return super().validate_refresh_token(refresh_token, client, request, *args, **kwargs) and bool(
            request.user and request.user.is_active
        )

    def get_oidc_claims(self, token, token_handler, request):
        return services.claims_for(request.user, request.client, request.scopes or [])

    def get_discovery_claims(self, request):
        return sorted({claim for claims in services.CLAIMS_BY_SCOPE.values() for claim in claims})

    # prompt=none: oauthlib asks these without knowing the browser's session; the authorization view
    # decides (``views.AuthorizationView.silent``): login_required, consent_required, or a code.
    def validate_silent_login(self, request):
        return True

    def validate_silent_authorization(self, request):
        return True
