"""Users (citizens, business representatives, officials, system accounts), sign-in, sign-out, password
reset and the lockout after repeated failed sign-ins; sign-in methods plug in through
``registry.sign_in_methods`` (contract in ``base``). congso as the province's OpenID Connect provider
lives in ``oidc``; businesses, mandates and parents of minors, with the one rule ``services.may_act_for``,
in ``mandates``.

Other blocks use ``services`` (where a user lands after signing in, safe ``next`` pages, lockout state)
and the ``User`` model through ``settings.AUTH_USER_MODEL``. Sign-in events reach the audit log through
``signals``. It holds personal data (national ID number, tax code, phone) and must not decide what a
user may see in another block: roles come from ``agencies.services``, object permissions live in each
block.
"""
