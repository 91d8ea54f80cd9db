"""The provider's pages: the authorization endpoint with congso's consent page, and RP-initiated
logout with exact-match post-logout redirect URIs. Discovery, JWKS, token, userinfo and revocation
are the toolkit's own views (``urls``)."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import DisallowedRedirect, ObjectDoesNotExist
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from oauth2_provider import views as oauth_views
from oauth2_provider.exceptions import (
    InvalidOIDCClientError,
    InvalidOIDCRedirectURIError,
    OAuthToolkitError,
)
from oauth2_provider.models import get_application_model
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from oauthlib.openid.connect.core import exceptions as oidc_errors

from . import services


class AuthorizationView(oauth_views.AuthorizationView):
    """Authorization code (PKCE required) for signed-in people. A citizen cannot release an official's
    scope; a first-party client, or one asking for no personal data, skips the consent page; every
    code issued opens a session at the client (``services.open_rp_session``)."""

    template_name = "identity/oidc/authorize.html"

    def validate_authorization_request(self, request):
        scopes, credentials = super().validate_authorization_request(request)
        self._check_user_scopes(scopes, credentials)
        return scopes, credentials

    def _check_user_scopes(self, scopes, credentials):
        try:
            services.check_scopes_for_user(self.request.user, scopes)
        except services.ScopeRefused as refused:
            error = oauth_errors.AccessDeniedError(
                description=f"scope not available to this account: {refused}",
                state=credentials.get("state"),
            )
            raise OAuthToolkitError(error=error, redirect_uri=credentials.get("redirect_uri")) from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope_list"] = services.scope_descriptions(kwargs.get("scopes") or [])
        return context

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and "none" in request.GET.get("prompt", "").split():
            self.oauth2_data = {}
            return self.silent(request)
        return super().dispatch(request, *args, **kwargs)

    def silent(self, request):
        """``prompt=none`` (OpenID Connect Core 3.1.2.6): never a page. Someone not signed in sends the
        client ``login_required``; a third-party client asking for personal data not yet consented to
        gets ``consent_required``; otherwise the code, as without the prompt."""
        try:
            # The toolkit's validation alone: the person may be anonymous here.
            scopes, credentials = super(oauth_views.AuthorizationView, self).validate_authorization_request(
                request
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        refusal = None
        if not request.user.is_authenticated:
            refusal = oidc_errors.LoginRequired(state=credentials.get("state"))
        elif services.needs_consent(application, scopes) and not services.has_consented(
            request.user, application, scopes
        ):
            refusal = oidc_errors.ConsentRequired(state=credentials.get("state"))
        if refusal is not None:
            return self.error_response(
                OAuthToolkitError(error=refusal, redirect_uri=credentials["redirect_uri"]), application
            )
        return self._answer(request, scopes, credentials, application)

    def get(self, request, *args, **kwargs):
        # A request that needs no consent (first-party client, or no personal data asked for) is
        # answered at once, as the toolkit answers a client marked "skip authorization".
        # Prompts and resource indicators (RFC 8707) take the toolkit's own path.
        if request.GET.get("prompt") or "resource" in request.GET:
            return super().get(request, *args, **kwargs)
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        if services.needs_consent(application, scopes):
            return super().get(request, *args, **kwargs)
        return self._answer(request, scopes, credentials, application)

    def _answer(self, request, scopes, credentials, application):
        if isinstance(credentials.get("ui_locales"), list):
            credentials["ui_locales"] = " ".join(credentials["ui_locales"])
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        return self.redirect(uri, application)

    def create_authorization_response(self, request, scopes, credentials, allow):
        scope_list = scopes.split() if isinstance(scopes, str) else list(scopes or [])
        self._check_user_scopes(scope_list, credentials)
        result = super().create_authorization_response(request, scopes, credentials, allow)
        if allow:
            application = get_application_model().objects.get(client_id=credentials["client_id"])
            services.open_rp_session(request, application)
        return result


class RPInitiatedLogoutView(oauth_views.RPInitiatedLogoutView):
    """OpenID Connect RP-initiated logout. ``post_logout_redirect_uri`` must be, character for
    character, one the client registered; an unknown ``client_id`` is an error page, never a redirect."""

    template_name = "identity/oidc/logout_confirm.html"

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        if post_logout_redirect_uri:
            return super().do_logout(application, post_logout_redirect_uri, state, token_user)
        # No return address: the toolkit would redirect to this site's absolute "/" with the HTTPS-only
        # redirect schemes (refused over plain HTTP); congso sends the person to its own home page.
        try:
            super().do_logout(application, None, state, token_user)
        except DisallowedRedirect:
            pass
        messages.success(self.request, _("Bạn đã đăng xuất."))
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))

    def get_request_application(self, id_token, client_id):
        try:
            return super().get_request_application(id_token, client_id)
        except ObjectDoesNotExist:
            raise InvalidOIDCClientError() from None

    def validate_post_logout_redirect_uri(self, application, post_logout_redirect_uri):
        super().validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        if post_logout_redirect_uri and post_logout_redirect_uri not in (
            application.post_logout_redirect_uris.split()
        ):
            raise InvalidOIDCRedirectURIError("This client does not have this redirect uri registered.")


class DiscoveryView(oauth_views.ConnectDiscoveryInfoView):
    """The toolkit's discovery document, with every scope, the levels of assurance and back-channel
    logout (which the toolkit itself does not implement; ``services.send_backchannel_logout`` does)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["scopes_supported"] = list(services.SCOPES)
        data["acr_values_supported"] = ["1", "2"]
        data["backchannel_logout_supported"] = True
        data["backchannel_logout_session_supported"] = True
        data["code_challenge_methods_supported"] = ["S256"]
        # Only the authorization code flow is served: the toolkit lists the hybrid response types too
        # ("code id_token"…), which every client is refused (unauthorized_client); a relying party that
        # picks one from the discovery document must not meet that refusal.
        data["response_types_supported"] = ["code"]
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["ui_locales_supported"] = ["vi", "en"]
        patched = JsonResponse(data)
        patched["Access-Control-Allow-Origin"] = "*"
        return patched
