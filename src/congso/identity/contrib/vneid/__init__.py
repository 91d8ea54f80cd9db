"""Sign in with the national e-ID (VNeID): congso as an OpenID Connect relying party (``identity.vneid``)."""
