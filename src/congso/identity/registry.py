"""The sign-in methods that can be offered (a plugin registry, see ``base.SignInMethod``).

Plugins register their class under their ``name``::

    @sign_in_methods("password")
    class PasswordSignIn(SignInMethod): ...

and are imported by ``IdentityConfig.ready``.
"""

from congso.core.registry import Registry

from .base import SignInMethod

sign_in_methods = Registry("sign-in methods")


def available_sign_in_methods(request) -> list[SignInMethod]:
    """The registered methods that ``request`` may use, in the order the sign-in page shows them."""
    methods = [method_class() for _name, method_class in sign_in_methods.items()]
    return sorted(
        (method for method in methods if method.is_available(request)),
        key=lambda method: (method.order, method.name),
    )


def get_available_sign_in_method(request, name: str) -> SignInMethod | None:
    """The method registered as ``name`` if ``request`` may use it, else ``None``."""
    if name not in sign_in_methods:
        return None
    method = sign_in_methods[name]()
    return method if method.is_available(request) else None


# Senders of one-time codes by channel ("email", "phone"): see ``base.OneTimeCodeSender``.
one_time_code_senders = Registry("one-time code senders")
