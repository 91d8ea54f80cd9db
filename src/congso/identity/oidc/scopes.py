"""The toolkit's scopes backend: congso's scopes, and ``national_id`` only for entitled clients."""

from oauth2_provider.scopes import BaseScopes

from . import services


class CongsoScopes(BaseScopes):
    def get_all_scopes(self):
        return {scope: str(description) for scope, description in services.SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return services.available_scopes(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return list(services.DEFAULT_SCOPES)
