"""congso as the province's OpenID Connect provider (django-oauth-toolkit): the clients the platform
administrator registers (``ClientProfile`` beside the toolkit's ``Application``), the scopes and claims,
the consent page, RP-initiated and back-channel logout, and the end of every first-party session when a
person signs out of congso.

It decides what a client learns about a person, never what the person may do in another block: roles
and agencies are read from ``agencies.services``; the LGSP registers each client as a system by
reacting to ``identity.oidc_client_registered`` (identity sits below the LGSP).
"""
