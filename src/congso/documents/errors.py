"""Errors of the signature providers, apart from ``signing`` so that a provider module can raise them
without importing ``signing`` (which imports the providers to register them)."""


class SigningError(Exception):
    """Signing could not be done; the message is for the officer."""
