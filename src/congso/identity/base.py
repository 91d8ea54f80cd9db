"""What a sign-in method is: the contract every plugin in ``registry.sign_in_methods`` fulfils.

A sign-in method is one way of proving who you are: the password form today, the national e-ID
(VNeID, OpenID Connect) and others later. The sign-in page lists the methods that are available for
the request; choosing one calls its ``start``. A method finishes by calling
``django.contrib.auth.login`` with the user it established, so the audit log, the lockout and the
session handling work the same for every method.
"""

from abc import ABC, abstractmethod

from django.http import HttpRequest, HttpResponse


class SignInMethod(ABC):
    """One way of signing in, registered under ``name`` in ``registry.sign_in_methods``.

    ``label`` is what the sign-in page calls it (translated); ``order`` places it on that page (lower
    first); ``template_name`` renders its part of the page with ``method``, ``next`` and, for
    methods that show a form there, ``form`` in the context. The default template is a button that
    leads to ``start``.
    """

    name: str = ""
    label: str = ""
    description: str = ""
    order: int = 100
    template_name: str = "identity/methods/link.html"

    def is_available(self, request: HttpRequest) -> bool:
        """Whether this method may be offered and used for ``request`` (configuration, peer reachable…)."""
        return True

    @abstractmethod
    def start(self, request: HttpRequest) -> HttpResponse:
        """Begin signing in with this method: show its form or send the person to the identity provider.

        ``request.GET["next"]`` is the page asked for; a method must carry it through only when it is
        safe (same site), as ``services.safe_next_url`` decides.
        """


class CodeNotSent(Exception):
    """A one-time code could not be handed to the channel (gateway down, address refused…)."""


class OneTimeCodeSender(ABC):
    """Delivers one-time codes over one channel (``e-mail`` or ``phone``), registered under that
    channel's name in ``registry.one_time_code_senders``.

    Identity sits below the notifications block, so it cannot call it: the notifications block
    registers its own senders (its SMS gateway and e-mail channels) when it starts. Without one, e-mail
    goes through Django's e-mail backend and registering with a phone number is not offered.
    """

    @abstractmethod
    def send(self, address: str, subject: str, body: str) -> None:
        """Send ``body`` (and ``subject`` where the channel has one) to ``address`` now; raise
        ``CodeNotSent`` when it cannot. Must not store the body anywhere: it holds a live code."""
